"""Suppression rules (check + optional subject + reason + expiry): matching findings stay stored
but leave the queue until the rule expires or is revoked.

Each finding carries ``suppressed_until`` (the latest expiry of the active rules matching it), so
the queue filters with one indexed-column comparison against the current time and an expired rule
needs no clean-up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from hongxian.review.errors import NotFound, ReviewInputError
from hongxian.schema import Finding
from hongxian.store.models import StoredFinding, SuppressionRow


@dataclass(frozen=True)
class Suppression:
    id: int
    check_id: str
    subject_kind: str | None
    subject_id: str | None
    reason: str
    expires_at: datetime
    created_by: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, r: SuppressionRow) -> Suppression:
        return cls(
            r.id,
            r.check_id,
            r.subject_kind,
            r.subject_id,
            r.reason,
            r.expires_at,
            r.created_by,
            r.created_at,
            r.revoked_at,
        )

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


def _active(session: Session, case_id: str, now: datetime, check_id: str | None = None):
    s = SuppressionRow
    stmt = select(s).where(s.case_id == case_id, s.revoked_at.is_(None), s.expires_at > now)
    if check_id is not None:
        stmt = stmt.where(s.check_id == check_id)
    return session.scalars(stmt).all()


class SuppressionIndex:
    """Active rules by check id, to stamp ``suppressed_until`` on newly imported findings."""

    def __init__(self, rules: list[SuppressionRow]):
        self._by_check: dict[str, list[SuppressionRow]] = defaultdict(list)
        for r in rules:
            self._by_check[r.check_id].append(r)

    @classmethod
    def load(cls, session: Session, case_id: str, now: datetime) -> SuppressionIndex:
        return cls(list(_active(session, case_id, now)))

    def until(self, finding: Finding) -> datetime | None:
        best = None
        for r in self._by_check.get(finding.check_id, ()):
            if r.subject_id is None or (
                r.subject_kind in (None, finding.subject.kind) and r.subject_id == finding.subject.id
            ):
                best = r.expires_at if best is None or r.expires_at > best else best
        return best


def _matches(rule: SuppressionRow):
    f = StoredFinding
    cond = [f.case_id == rule.case_id, f.check_id == rule.check_id]
    if rule.subject_id is not None:
        cond.append(f.subject_id == rule.subject_id)
        if rule.subject_kind is not None:
            cond.append(f.subject_kind == rule.subject_kind)
    return and_(*cond)


def restamp(session: Session, case_id: str, check_id: str, now: datetime) -> None:
    """Recompute ``suppressed_until`` for every finding of one check."""
    f = StoredFinding
    session.execute(
        update(f).where(f.case_id == case_id, f.check_id == check_id).values(suppressed_until=None)
    )
    for rule in _active(session, case_id, now, check_id):
        session.execute(
            update(f)
            .where(_matches(rule), or_(f.suppressed_until.is_(None), f.suppressed_until < rule.expires_at))
            .values(suppressed_until=rule.expires_at)
        )


def create(
    session: Session,
    case_id: str,
    *,
    check_id: str,
    subject_kind: str | None,
    subject_id: str | None,
    reason: str,
    expires_at: datetime,
    actor: str,
    now: datetime,
) -> Suppression:
    if not reason or not reason.strip():
        raise ReviewInputError("设置屏蔽规则必须填写理由")
    if not check_id.strip():
        raise ReviewInputError("屏蔽规则必须指定检查项")
    if expires_at.tzinfo is None or expires_at <= now:
        raise ReviewInputError("屏蔽规则的到期时间必须是带时区的将来时间")
    if subject_kind is not None and subject_kind not in ("person", "account", "group"):
        raise ReviewInputError(f"未知对象类型“{subject_kind}”，应为 person、account 或 group")
    row = SuppressionRow(
        case_id=case_id,
        check_id=check_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        reason=reason.strip(),
        expires_at=expires_at,
        created_by=actor,
        created_at=now,
    )
    session.add(row)
    session.flush()
    restamp(session, case_id, check_id, now)
    return Suppression.of(row)


def revoke(session: Session, case_id: str, suppression_id: int, actor: str, now: datetime) -> Suppression:
    row = session.get(SuppressionRow, suppression_id)
    if row is None or row.case_id != case_id:
        raise NotFound(f"屏蔽规则 {suppression_id} 不存在")
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = now, actor
        session.flush()
        restamp(session, case_id, row.check_id, now)
    return Suppression.of(row)


def listing(session: Session, case_id: str) -> list[Suppression]:
    rows = session.scalars(
        select(SuppressionRow).where(SuppressionRow.case_id == case_id).order_by(SuppressionRow.id)
    )
    return [Suppression.of(r) for r in rows]


def matching(
    session: Session, case_id: str, check_id: str, subject_kind: str, subject_id: str, now: datetime
) -> list[Suppression]:
    """The active rules hiding a finding of this check and subject."""
    return [
        Suppression.of(r)
        for r in _active(session, case_id, now, check_id)
        if r.subject_id is None or (r.subject_kind in (None, subject_kind) and r.subject_id == subject_id)
    ]


@dataclass(frozen=True)
class SuppressedCount:
    """An active rule and how many findings it hides now (for the line reports print)."""

    rule: Suppression
    findings: int


def counts(session: Session, case_id: str, now: datetime) -> list[SuppressedCount]:
    f = StoredFinding
    out = []
    for r in _active(session, case_id, now):
        n = session.scalar(select(func.count()).select_from(f).where(_matches(r), f.suppressed_until > now))
        out.append(SuppressedCount(Suppression.of(r), int(n or 0)))
    return [c for c in out if c.findings]
