"""The problems a registered work group can have: owner, departed members, not dissolved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hongxian.detect.groups.common import CaseView, Group, excerpt
from hongxian.schema import Evidence

DEPARTED = ("调离", "退休")


@dataclass
class Problem:
    kind: str
    text: str
    evidence: list[Evidence]
    when: date | None


def owner_problem(view: CaseView, group: Group, reg: dict) -> Problem | None:
    registered = view.people.get(reg.get("owner_person_id") or "")
    acc = group.owner_account
    if registered is None or not acc:
        return None
    actual = view.person_of(acc)
    known = view.accounts_of(registered.person_id) | set(registered.wechat_ids)
    if (actual is not None and actual.person_id == registered.person_id) or acc in known:
        return None
    if actual is None and not known:
        return None
    shown = actual.label() if actual is not None else f"账号 {acc}"
    ev = [Evidence(table="groups", id=group.group_id, note=f"实际群主账号 {acc}")]
    if actual is not None:
        ev.append(Evidence(table="people", id=actual.person_id, note=f"实际群主：{actual.label()}"))
    ev.append(Evidence(table="people", id=registered.person_id, note=f"登记群主：{registered.label()}"))
    return Problem("owner", f"实际群主为{shown}，与登记的群主{registered.label()}不一致", ev, None)


def _still_in(left_at: datetime | None, deadline: date, as_of: datetime | None) -> bool:
    if left_at is not None:
        return left_at.date() > deadline
    return as_of is None or as_of.date() > deadline


def departed_problems(
    view: CaseView, group: Group, grace_days: int, as_of: datetime | None, max_evidence: int
) -> list[Problem]:
    rows = []
    departed: list[date] = []
    msgs = view.messages(group.group_id)
    for m in group.members:
        p = view.person_of(m.account_id)
        if p is None or p.employment_status not in DEPARTED or p.departed_on is None:
            continue
        if not _still_in(m.left_at, p.departed_on + timedelta(days=grace_days), as_of):
            continue
        later = [x for x in msgs if x.sender == m.account_id and x.ts and x.ts.date() > p.departed_on]
        state = f"{m.left_at:%Y-%m-%d} 才退群" if m.left_at else "仍在群中"
        said = f"，此后在群内发言 {len(later)} 条" if later else ""
        rows.append((p, m, f"{p.name}（{p.departed_on:%Y-%m-%d} {p.employment_status}，{state}{said}）"))
        departed.append(p.departed_on)
    if not rows:
        return []
    ev = [
        Evidence(
            table="group_members",
            id=m.evidence_id,
            excerpt=m.display_name or None,
            note=f"{p.employment_status}后未及时退群：{text}",
        )
        for p, m, text in rows[:max_evidence]
    ]
    text = f"{len(rows)} 名已调离或退休人员未按规定及时退群：" + "、".join(t for _, _, t in rows[:5])
    if len(rows) > 5:
        text += " 等"
    return [Problem("leave", text, ev, min(departed))]


def dissolve_problem(view: CaseView, group: Group, reg: dict, max_evidence: int) -> Problem | None:
    until = reg.get("dissolved_on")
    if until is None:
        return None
    after = [m for m in view.messages(group.group_id) if m.ts and m.ts.date() > until]
    if not after:
        return None
    kind = reg.get("group_type") or "工作群"
    ev = []
    for m in after[:max_evidence]:
        text, _ = excerpt(m.text)
        ev.append(
            Evidence(table="messages", id=m.message_id, ts=m.ts, excerpt=text, note="登记解散日期后仍在使用")
        )
    senders = len({m.sender for m in after if m.sender})
    first, last = f"{after[0].ts:%Y-%m-%d}", f"{after[-1].ts:%Y-%m-%d}"
    text = (
        f"{kind}登记的解散日期为 {until:%Y-%m-%d}，此后仍有 {senders} 人发送消息 {len(after)} 条"
        f"（{first if first == last else f'{first} 至 {last}'}），未按期解散"
    )
    return Problem("dissolve", text, ev, until + timedelta(days=1))
