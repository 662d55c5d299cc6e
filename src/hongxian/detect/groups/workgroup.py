"""`governance.workgroup`: work groups against the work-group register (groups.csv → group_register).

For a registered group: the owner matches the register; member display names follow the group's
备注名规范 (单位+姓名 / 部门+姓名 / 股室+姓名); members who were 调离/退休 are still in the group after
their 调离日期 (plus a grace period); a group past its 解散日期 is still used. A group missing from a
supplied register that looks like a work group (name cue + mostly officials of one unit) is a
未登记工作群. One finding per group, one evidence row per problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry, Params
from hongxian.detect.groups.common import CaseView, Group, Member, composition
from hongxian.detect.groups.names import NameRule, check_display_name
from hongxian.detect.groups.workgroup_problems import (
    Problem,
    departed_problems,
    dissolve_problem,
    owner_problem,
)
from hongxian.schema import Evidence, Finding, Subject

NATIONAL = ("point-4", "report-to-organisation")
"""What every work-group finding rests on nationally: 以职务身份建立群组应当向党组织报告 (网络行为意见
第四条) and the disciplinary provision its 第六条 points to, with the penalty ladder (unverified number)."""
PROVISIONS = {
    "owner": ("owner", *NATIONAL),
    "real-name": ("real-name", *NATIONAL),
    "leave": ("leave-on-transfer", *NATIONAL),
    "dissolve": ("dissolve-when-done", *NATIONAL),
    "unregistered": ("no-unreported-accounts", *NATIONAL),
}


class WorkgroupParams(Params):
    workgroup_name_cues: list[str] = [
        "工作群",
        "专班",
        "办公室",
        "工作组",
        "指挥部",
        "领导小组",
        "工作交流群",
    ]
    dept_suffixes: list[str] = [
        "办公室",
        "科",
        "股",
        "室",
        "处",
        "部",
        "办",
        "局",
        "队",
        "所",
        "中心",
        "站",
        "委",
        "院",
        "组",
        "庭",
        "厅",
        "司",
        "馆",
        "团",
        "会",
    ]
    leave_grace_days: int = Field(30, ge=0, description="调离/退休后多少天内退群不算违规")
    unregistered_official_share: float = Field(0.6, gt=0, le=1)
    unregistered_unit_share: float = Field(0.6, gt=0, le=1)
    unregistered_min_members: int = Field(3, ge=2)
    max_evidence_per_problem: int = Field(20, ge=1)


@dataclass
class GroupReport:
    group_id: str
    name: str
    problems: list[Problem] = field(default_factory=list)


def _register(ctx: DetectContext) -> dict[str, dict]:
    return {r["group_id"]: r for r in ctx.dataset["group_register"].to_pylist()}


def name_problems(view: CaseView, group: Group, reg: dict, p: WorkgroupParams) -> list[Problem]:
    rule = NameRule.parse(reg.get("name_rule") or "单位+姓名", p.dept_suffixes)
    bad: list[tuple[Member, str]] = []
    for m in group.current_members():
        reason = check_display_name(view, m, rule)
        if reason:
            bad.append((m, reason))
    if not bad:
        return []
    ev = [
        Evidence(
            table="group_members",
            id=m.evidence_id,
            excerpt=m.display_name or None,
            note=f"备注名不符合“{rule.text}”：{reason}",
        )
        for m, reason in bad[: p.max_evidence_per_problem]
    ]
    text = (
        f"{len(bad)} 名成员的群备注名不符合“{rule.text}”规范（共 {len(group.current_members())} 人），如"
        + "、".join(f"“{m.display_name or '未设置'}”" for m, _ in bad[:3])
    )
    return [Problem("real-name", text, ev, None)]


def unregistered_problem(view: CaseView, group: Group, p: WorkgroupParams) -> Problem | None:
    name = view.normalise(group.name)
    cues = view.kw(p.workgroup_name_cues).hits(name)
    comp = composition(view, group)
    if not cues or group.size < p.unregistered_min_members or not comp.officials:
        return None
    share = len(comp.officials) / group.size
    units = [o.org_unit for o in comp.officials if o.org_unit]
    top_unit, top_n = max(
        ((u, units.count(u)) for u in set(units)), key=lambda x: (x[1], x[0]), default=(None, 0)
    )
    if share < p.unregistered_official_share or top_n < p.unregistered_unit_share * len(comp.officials):
        return None
    text = (
        f"群名含{''.join(f'“{c}”' for c in cues)}，成员 {group.size} 人中公职人员 {len(comp.officials)} 人，"
        f"其中 {top_n} 人属“{top_unit}”，具有工作群特征，但未在工作群登记表（groups.csv）中登记"
    )
    ev = [Evidence(table="groups", id=group.group_id, note="未登记工作群")]
    owner = view.person_of(group.owner_account)
    if owner is not None:
        ev.append(Evidence(table="people", id=owner.person_id, note=f"群主：{owner.label()}"))
    return Problem("unregistered", text, ev, None)


def check_group(
    view: CaseView, gid: str, reg: dict | None, has_register: bool, p: WorkgroupParams, as_of: datetime | None
) -> GroupReport:
    group = view.groups.get(gid) or Group(gid, (reg or {}).get("name") or "", None, 0, False, None, None)
    report = GroupReport(gid, group.name or (reg or {}).get("name") or "")
    if reg is None:
        if has_register and not group.registered:
            prob = unregistered_problem(view, group, p)
            report.problems += [prob] if prob else []
        return report
    report.problems += [x for x in (owner_problem(view, group, reg),) if x]
    report.problems += name_problems(view, group, reg, p)
    report.problems += departed_problems(view, group, p.leave_grace_days, as_of, p.max_evidence_per_problem)
    report.problems += [x for x in (dissolve_problem(view, group, reg, p.max_evidence_per_problem),) if x]
    return report


def _finding(ctx: DetectContext, bound: BoundCheck, report: GroupReport) -> Finding:
    probs = report.problems
    label = f"群“{report.name}”" if report.name else f"群 {report.group_id}"
    explanation = (
        f"{label}存在 {len(probs)} 项工作群管理问题："
        + "；".join(f"（{i}）{x.text}" for i, x in enumerate(probs, 1))
        + "。"
    )
    evidence = [e for x in probs for e in x.evidence]
    dates = [x.when for x in probs if x.when]
    finding = ctx.finding(
        bound,
        Subject(kind="group", id=report.group_id, name=report.name or None),
        evidence,
        explanation,
        min(1.0, 0.4 + 0.15 * len(probs)),
        conduct_date=min(dates) if dates else None,
    )
    wanted = {pid for x in probs for pid in PROVISIONS[x.kind]}
    refs = [r for r in finding.rule_refs if r.provision_id in wanted]
    return finding.model_copy(update={"rule_refs": refs}) if refs else finding


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    view = CaseView.build(ctx.dataset)
    register = _register(ctx)
    as_of = view.last_message_time()
    findings = []
    for bound in bound_checks:
        for gid in sorted(set(view.groups) | set(register)):
            report = check_group(view, gid, register.get(gid), bool(register), bound.params, as_of)
            if report.problems:
                findings.append(_finding(ctx, bound, report))
    return findings


DETECTOR = Detector(
    name="governance.workgroup",
    params_model=WorkgroupParams,
    needs=(),
    any_of=("group_register", "groups"),
    run=run,
    description="工作群管理：群主与登记一致、实名备注（单位+姓名）、调离退休人员退群、专项/临时群按期解散、未登记工作群",
)


def register(registry: DetectorRegistry) -> None:
    registry.register(DETECTOR)
