"""Bands and Chinese reasons of the association sub-rules (one function per sub-rule).

Band 0 = no signal … 3 = strong signal. Every reason carries the numbers behind the band.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from hongxian.detect.groups.common import CaseView, Composition, Group, quoted, year_range
from hongxian.detect.groups.signals import Episode, Hit, Role

WHOLE_GROUP = ("全群", "全体群员", "全体老乡", "全体成员")
LEVEL_ZH = {1: "股级", 2: "科级", 3: "处级", 4: "厅局级", 5: "省部级"}


@dataclass
class SubScore:
    key: str
    band: int
    reason: str | None


def who(view: CaseView, group: Group, account_id: str) -> str:
    p = view.person_of(account_id)
    if p is not None:
        return p.name
    shown = next(
        (m.display_name for m in group.members if m.account_id == account_id and m.display_name), None
    )
    acc = view.accounts.get(account_id) or {}
    return shown or acc.get("remark") or acc.get("nickname") or account_id


def name_reason(view: CaseView, group: Group, strong: list[str], weak: list[str]) -> SubScore:
    name = view.normalise(group.name)
    s_hits, w_hits = view.kw(strong).hits(name), view.kw(weak).hits(name)
    band = 3 if s_hits else 2 if w_hits else 0
    found = list(dict.fromkeys(w_hits + s_hits))
    words = [w for w in found if not any(w != o and w in o for o in found)]
    return SubScore("name", band, f"群名含{quoted(words)}" if words else None)


def composition_reason(comp: Composition, leader_level: int) -> SubScore:
    o, b, units = len(comp.officials), len(comp.business), comp.official_units
    leaders = len(comp.leaders(leader_level))
    band = 3 if o and b >= 2 and units >= 3 else 2 if o and b else 1 if units >= 2 else 0
    if leaders >= 2 and band in (1, 2):
        band += 1
    detail = []
    if units >= 2:
        detail.append(f"分属 {units} 个单位")
    if leaders:
        detail.append(f"{LEVEL_ZH[leader_level]}及以上领导干部 {leaders} 人")
    text = f"群成员 {comp.size} 人，其中公职人员 {o} 人" + (f"（{'，'.join(detail)}）" if detail else "")
    kinds = Counter(p.identity_kind for p in comp.business)
    if kinds.get("企业人员"):
        text += f"、企业人员 {kinds['企业人员']} 人"
    if kinds.get("个体经营者"):
        text += f"、个体经营者 {kinds['个体经营者']} 人"
    if len(comp.identified) < comp.size:
        text += f"（人员名册可识别身份 {len(comp.identified)} 人）"
    return SubScore("composition", band, text)


_TITLE_FORMS = (("自称", "{n}自称“{t}”"), ("被推举为", "{n}被推举为“{t}”"), ("群名片", "{n}以“{t}”为群名片"))


def _titles(name: str, roles: list[str]) -> list[str]:
    """One phrase per title, preferring 自称 over 被推举 over 群名片."""
    out: dict[str, str] = {}
    for prefix, form in _TITLE_FORMS:
        for r in roles:
            if r.startswith(prefix) and "“" in r:
                title = r.split("“", 1)[1].rstrip("”")
                out.setdefault(title, form.format(n=name, t=title))
    return list(out.values())


def _describe(view: CaseView, group: Group, acc: str, role: Role, leader_level: int) -> tuple[int, str]:
    p = view.person_of(acc)
    name = who(view, group, acc)
    official = p if p is not None and p.is_official else None
    parts = []
    if "群主" in role.roles:
        if official is not None:
            parts.append(f"群主{name}为{official.rank}干部" if official.rank else f"群主{name}为公职人员")
        else:
            parts.append(f"群主为{name}" + ("（企业人员）" if p is not None and p.is_business else ""))
    titles = _titles(name, role.roles)
    parts += titles
    leader = official is not None and official.level >= leader_level
    band = (3 if leader or titles else 2) if official is not None else 1
    return band, "，".join(parts)


def organiser_reason(view: CaseView, group: Group, roles: dict[str, Role], leader_level: int) -> SubScore:
    band, parts = 0, []
    assistants = [acc for acc, r in roles.items() if "助理" in r.roles]
    names = "、".join(who(view, group, a) for a in assistants)
    for acc, role in roles.items():
        if set(role.roles) <= {"助理"}:
            continue
        b, text = _describe(view, group, acc, role, leader_level)
        band = max(band, b)
        if "指定助理" in role.roles and assistants:
            text += f"{'，' if text else who(view, group, acc)}指定助理 {len(assistants)} 人（{names}）"
            assistants = []
        if text:
            parts.append(text)
    if assistants:
        parts.append(f"另有助理 {len(assistants)} 人（{names}）")
        band = max(band, 1)
    return SubScore("organisers", band, "；".join(parts) or None)


def offline_reason(episodes: list[Episode], host_hits: list[Hit], host_cues: list[str]) -> SubScore:
    n = len(episodes)
    days = [e.day for e in episodes]
    span_years = len({d.year for d in days})
    band = 3 if n >= 3 or (n >= 2 and span_years >= 2) else min(n, 3)
    if not n:
        return SubScore("offline", 0, None)
    words = Counter(w for e in episodes for h in e.hits for w in h.words if w not in host_cues)
    kinds = "、".join(w for w, _ in words.most_common(3))
    text = f"{year_range(days)}在群内组织线下{kinds}等活动 {n} 次"
    whole = sum(1 for e in episodes if any(w in h.message.norm for h in e.hits for w in WHOLE_GROUP))
    if whole:
        text += f"（其中全群性活动 {whole} 次）"
    if host_hits:
        text += f"，企业人员表示做东、买单 {len(host_hits)} 次"
    return SubScore("offline", band, text)


def exchange_reason(view: CaseView, hits: list[Hit], call_cues: list[str]) -> SubScore:
    x = len(hits)
    if not x:
        return SubScore("exchange", 0, None)
    calls = view.kw(call_cues)
    call_words = list(dict.fromkeys(w for h in hits for w in calls.hits(h.message.norm)))
    thanks = sum(1 for h in hits if "感谢关照" in h.words)
    band = 3 if x >= 5 or (call_words and x >= 2) else 2 if x >= 2 or call_words else 1
    words = Counter(w for h in hits for w in h.words if w != "感谢关照" and w not in call_words)
    by = Counter(
        "公职人员"
        if (p := view.person_of(h.message.sender)) and p.is_official
        else "企业人员"
        if p and p.is_business
        else "其他成员"
        for h in hits
    )
    kinds = "、".join(w for w, _ in words.most_common(3)) or "帮忙"
    text = (
        f"群内涉及{kinds}等资源交换的消息 {x} 条（"
        + "、".join(f"{k}发出 {v} 条" for k, v in by.items())
        + "）"
    )
    if call_words:
        text += f"，含{quoted(call_words)}号召"
    if thanks:
        text += f"，感谢帮忙、关照 {thanks} 次"
    return SubScore("exchange", band, text)


def size_reason(view: CaseView, group: Group) -> SubScore:
    n = group.size
    band = 3 if n >= 300 else 2 if n >= 100 else 1 if n >= 30 else 0
    joins = sorted(m.joined_at for m in group.members if m.joined_at is not None)
    if not joins:
        joins = sorted(_system_joins(view, group))
    if len(joins) < 2 or joins[-1] - joins[0] < timedelta(days=180):
        return SubScore("size", band, None)
    later = [t for t in joins if t - joins[0] > timedelta(days=30)]
    if len(later) < 0.3 * len(joins):
        return SubScore("size", band, None)
    first, last = joins[0], joins[-1]
    text = (
        f"{first.year} 年 {first.month} 月至 {last.year} 年 {last.month} 月间陆续新增成员 {len(later)} 人，"
        f"规模扩大到 {n} 人"
    )
    return SubScore("size", min(band + 1, 3), text)


def _system_joins(view: CaseView, group: Group) -> list:
    """Join times from system notices "甲邀请乙、丙加入了群聊" (one per person joining)."""
    out = []
    for m in view.messages(group.group_id):
        if m.kind != "system" or m.ts is None or "加入了群聊" not in m.norm:
            continue
        head = m.norm.split("加入了群聊", 1)[0]
        invited = head.split("邀请", 1)[1] if "邀请" in head else head
        out += [m.ts] * max(1, len([x for x in invited.split("、") if x.strip()]))
    return out


BAND_VALUE = (0.0, 0.34, 0.67, 1.0)


@dataclass
class Assessment:
    group: Group
    comp: Composition
    subs: list[SubScore] = field(default_factory=list)
    roles: dict = field(default_factory=dict)
    episodes: list = field(default_factory=list)
    hosts: list = field(default_factory=list)
    exchange: list = field(default_factory=list)

    def score(self, weights: dict[str, float]) -> float:
        total = sum(weights.get(s.key, 0.0) for s in self.subs) or 1.0
        return sum(weights.get(s.key, 0.0) * BAND_VALUE[s.band] for s in self.subs) / total

    def band(self, key: str) -> int:
        return next((s.band for s in self.subs if s.key == key), 0)
