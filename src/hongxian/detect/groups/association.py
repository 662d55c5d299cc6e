"""`network.association`: 老乡会 / 校友会 / 战友会-style networks built on a WeChat group.

A banded score (Tazama-like): six sub-rules — name, composition, organisers, offline gatherings,
resource exchange, size and growth — each yield a band 0–3 with a weight and a Chinese reason;
the weighted mean is the score. Registered work groups, family groups and groups of one unit's
colleagues are excluded before scoring. Subject: the group; related: the people in roles.
"""

from __future__ import annotations

from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry, Params
from hongxian.detect.groups.common import CaseView, Composition, Group, composition
from hongxian.detect.groups.evidence import association_evidence, related_people
from hongxian.detect.groups.reasons import (
    Assessment,
    SubScore,
    composition_reason,
    exchange_reason,
    name_reason,
    offline_reason,
    organiser_reason,
    size_reason,
)
from hongxian.detect.groups.signals import exchange_hits, hosts, offline_episodes, organiser_roles
from hongxian.schema import Finding, Subject, Window

WORK_KINDS = ("工作群", "专项工作群", "临时工作群")


class AssociationParams(Params):
    strong_name_cues: list[str] = [
        "老乡会",
        "同乡会",
        "乡友会",
        "老乡群",
        "同乡群",
        "校友会",
        "同学会",
        "战友会",
        "精英会",
        "联谊会",
        "商会",
        "结义",
        "金兰",
        "兄弟会",
    ]
    name_cues: list[str] = [
        "老乡",
        "同乡",
        "乡友",
        "乡亲",
        "乡党",
        "校友",
        "同学",
        "战友",
        "兄弟",
        "精英",
        "联谊",
        "同门",
        "发小",
    ]
    family_cues: list[str] = ["家人", "一家人", "家族", "亲人", "家庭", "亲戚", "相亲相爱"]
    workgroup_cues: list[str] = ["工作群", "专班", "办公室", "工作组", "指挥部", "领导小组"]
    organiser_titles: list[str] = ["秘书长", "会长", "召集人", "理事长"]
    assistant_cues: list[str] = ["助理", "联络员"]
    offline_cues: list[str] = [
        "聚餐",
        "联谊",
        "做东",
        "聚会",
        "活动",
        "饭局",
        "年会",
        "相聚",
        "小聚",
        "一聚",
        "宴请",
        "接风",
        "茶叙",
        "酒会",
    ]
    host_cues: list[str] = ["做东", "买单", "埋单", "我请", "我来安排", "我安排"]
    exchange_cues: list[str] = [
        "项目",
        "工程",
        "手续",
        "审批",
        "批文",
        "招标",
        "投标",
        "拿地",
        "贷款",
        "指标",
        "打招呼",
        "走关系",
        "有事找群员",
        "有事找群友",
        "有事找老乡",
    ]
    call_cues: list[str] = ["有事找群员", "有事找群友", "有事找老乡", "有事群里说"]
    thanks_pattern: str = (
        r"(感谢|谢谢|多谢|多亏)[^。！!？?\n]{0,12}(帮忙|关照|支持|引荐|介绍|牵线|办成|办好|搞定|照顾)"
    )
    thanks_chars: list[str] = Field(
        ["谢", "亏"], description="thanks_pattern runs only on messages containing one"
    )
    episode_gap_days: int = Field(14, ge=1)
    min_members: int = Field(6, ge=2)
    leader_level: int = Field(
        3, ge=1, le=5, description="职级 at or above which an official counts as 领导干部 (3 = 处级)"
    )
    colleague_unit_share: float = Field(0.8, gt=0, le=1)
    family_share: float = Field(0.5, gt=0, le=1)
    weights: dict[str, float] = {
        "name": 0.15,
        "composition": 0.25,
        "organisers": 0.2,
        "offline": 0.15,
        "exchange": 0.15,
        "size": 0.1,
    }
    fire_score: float = Field(0.5, ge=0, le=1)
    high_score: float = Field(0.75, ge=0, le=1)


def excluded(view: CaseView, group: Group, comp: Composition, p: AssociationParams) -> str | None:
    """Why this group is not an association candidate (None → candidate)."""
    name = view.normalise(group.name)
    has_cue = bool(view.kw(p.strong_name_cues + p.name_cues).find(name))
    if group.registered or group.group_id in view.registered or group.declared_kind in WORK_KINDS:
        return "已登记工作群"
    if view.kw(p.workgroup_cues).find(name) and not has_cue:
        return "名称显示为工作群"
    if view.kw(p.family_cues).find(name):
        return "家庭群"
    ids = {q.person_id for q in comp.identified}
    kin = {pid for pid in ids if view.kin.get(pid, set()) & ids}
    if len(ids) >= 2 and len(kin) >= p.family_share * len(ids):
        return "家庭群"
    if not comp.officials:
        return "无公职人员"
    if not comp.business and len(comp.identified) >= 2 and comp.top_unit_share >= p.colleague_unit_share:
        return "同一单位同事群"
    if group.size < p.min_members:
        return "人数过少"
    return None


def assess(view: CaseView, group: Group, comp: Composition, p: AssociationParams) -> Assessment:
    a = Assessment(group, comp)
    a.roles = organiser_roles(view, group, p.organiser_titles, p.assistant_cues)
    a.episodes = offline_episodes(view, group, p.offline_cues, p.episode_gap_days)
    a.hosts = hosts(view, group, p.host_cues)
    a.exchange = exchange_hits(view, group, p.exchange_cues, p.thanks_pattern, tuple(p.thanks_chars))
    a.subs = [
        name_reason(view, group, p.strong_name_cues, p.name_cues),
        composition_reason(comp, p.leader_level),
        organiser_reason(view, group, a.roles, p.leader_level),
        offline_reason(a.episodes, a.hosts, p.host_cues),
        exchange_reason(view, a.exchange, p.call_cues),
        size_reason(view, group),
    ]
    return a


def is_network(a: Assessment) -> bool:
    """Association character: a name cue, or offline organising plus exchange or a mixed membership."""
    return a.band("name") > 0 or (
        a.band("offline") > 0 and (a.band("exchange") > 0 or a.band("composition") >= 2)
    )


def _finding(ctx: DetectContext, bound: BoundCheck, view: CaseView, a: Assessment) -> Finding:
    p: AssociationParams = bound.params
    score = a.score(p.weights)
    g = a.group
    reasons = [s.reason for s in sorted(a.subs, key=_order) if s.reason]
    label = f"群“{g.name}”" if g.name else f"群 {g.group_id}"
    explanation = f"{label}：" + "；".join(reasons) + f"。综合评分 {score:.2f}（{_bands(a)}）。"
    times = [h.message.ts for h in a.exchange + [h for e in a.episodes for h in e.hits] if h.message.ts]
    times += [m.ts for m in view.messages(g.group_id) if m.ts]
    window = Window(start=min(times), end=max(times)) if times else None
    return ctx.finding(
        bound,
        Subject(kind="group", id=g.group_id, name=g.name or None),
        association_evidence(view, a),
        explanation,
        score,
        severity="high" if score >= p.high_score else None,
        window=window,
        conduct_date=window.end if window else None,
        related=related_people(view, a),
    )


_ORDER = ("composition", "organisers", "offline", "exchange", "name", "size")
_ZH = {
    "name": "名称",
    "composition": "成员构成",
    "organisers": "组织者",
    "offline": "线下活动",
    "exchange": "资源交换",
    "size": "规模",
}


def _order(s: SubScore) -> int:
    return _ORDER.index(s.key)


def _bands(a: Assessment) -> str:
    return "、".join(f"{_ZH[s.key]} {s.band} 级" for s in sorted(a.subs, key=_order))


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    view = CaseView.build(ctx.dataset)
    findings = []
    for bound in bound_checks:
        p: AssociationParams = bound.params
        for group in view.groups.values():
            comp = composition(view, group)
            if excluded(view, group, comp, p):
                continue
            a = assess(view, group, comp, p)
            if is_network(a) and a.score(p.weights) >= p.fire_score:
                findings.append(_finding(ctx, bound, view, a))
    return findings


DETECTOR = Detector(
    name="network.association",
    params_model=AssociationParams,
    needs=("group_members", "people"),
    run=run,
    description="老乡会、校友会、战友会等自发联谊群：名称、成员构成、组织者、线下活动、资源交换、规模的分级评分",
)


def register(registry: DetectorRegistry) -> None:
    registry.register(DETECTOR)
