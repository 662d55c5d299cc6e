"""Group display names against a 备注名规范 such as ``单位+姓名``, ``部门+姓名``, ``股室+姓名``."""

from __future__ import annotations

from dataclasses import dataclass

from hongxian.detect.groups.common import CaseView, Member, strip_separators

UNIT_PARTS = ("单位", "部门", "股室", "科室", "处室", "机构")


@dataclass(frozen=True)
class NameRule:
    text: str
    parts: tuple[str, ...]
    dept_suffixes: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, dept_suffixes: list[str]) -> NameRule:
        parts = tuple(p.strip() for p in text.replace("＋", "+").split("+") if p.strip())
        return cls(text, parts or ("单位", "姓名"), tuple(dept_suffixes))

    @property
    def unit_part(self) -> str | None:
        return next((p for p in self.parts if p in UNIT_PARTS), None)

    @property
    def name_last(self) -> bool:
        return bool(self.parts) and self.parts[-1] == "姓名"


def _unit_ok(rest: str, org_unit: str, rule: NameRule) -> bool:
    if org_unit and (rest in org_unit or org_unit in rest):
        return True
    if rule.unit_part == "单位" and org_unit:
        return False
    return rest.endswith(rule.dept_suffixes)


def check_display_name(view: CaseView, member: Member, rule: NameRule) -> str | None:
    """Why the member's group display name breaks the rule (None → fine or cannot be checked)."""
    shown = strip_separators(view.normalise(member.display_name or ""))
    if not shown:
        return "未设置群备注名"
    person = view.person_of(member.account_id)
    if person is None or "姓名" not in rule.parts:
        return None
    name = strip_separators(view.normalise(person.name))
    at = shown.find(name)
    if at < 0:
        return f"未包含本人姓名“{person.name}”"
    head, tail = shown[:at], shown[at + len(name) :]
    position = strip_separators(view.normalise(person.position or ""))
    if tail and tail != position and not (rule.name_last and position and tail in position):
        if rule.name_last:
            return f"顺序应为“{rule.text}”"
        head = head + tail
    unit = rule.unit_part
    if unit is None:
        return None
    if not head:
        return f"缺少{unit}"
    org_unit = strip_separators(view.normalise(person.org_unit or ""))
    if not _unit_ok(head, org_unit, rule):
        where = f"（名册登记单位为“{person.org_unit}”）" if person.org_unit else ""
        return f"“{head}”不是本人{unit}{where}"
    return None
