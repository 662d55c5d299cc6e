"""Totals without counting rows: ``finding_counts`` (kept by triggers, store/counters.py) minus
the findings a suppression hides right now.

Only checks with an active suppression rule can have hidden findings (review/suppress.py stamps
``suppressed_until`` from the rules), so what is hidden is read through ``ix_findings_check`` for
those checks only — usually none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hongxian.review.textsearch import select_ids
from hongxian.store.models import FindingCountRow, StoredFinding, SuppressionRow

Key = tuple[str, str, int]
"""(status, category, severity rank)"""


def active_checks(session: Session, case_id: str, now: datetime) -> list[str]:
    r = SuppressionRow
    stmt = (
        select(r.check_id).distinct().where(r.case_id == case_id, r.revoked_at.is_(None), r.expires_at > now)
    )
    return list(session.scalars(stmt))


def _hidden_where(case_id: str, checks: list[str], now: datetime) -> list:
    f = StoredFinding.__table__.c
    return [f.case_id == case_id, f.check_id.in_(checks), f.suppressed_until > now]


def hidden_ids(session: Session, case_id: str, now: datetime) -> np.ndarray:
    """Sorted ids of the findings hidden right now."""
    checks = active_checks(session, case_id, now)
    if not checks:
        return np.empty(0, np.int64)
    return select_ids(session, StoredFinding.__table__.c.id, *_hidden_where(case_id, checks, now))


def _filters(table, categories: Sequence[str], ranks: Sequence[int], statuses: Sequence[str]) -> list:
    cond = []
    if categories:
        cond.append(table.category.in_(categories))
    if ranks:
        cond.append(table.severity_rank.in_(ranks))
    if statuses:
        cond.append(table.status.in_(statuses))
    return cond


def total(
    session: Session,
    case_id: str,
    now: datetime,
    *,
    categories: Sequence[str] = (),
    ranks: Sequence[int] = (),
    statuses: Sequence[str] = (),
    include_suppressed: bool = False,
) -> int:
    """How many findings match these column filters (what the queue's ``count(*)`` would say)."""
    c = FindingCountRow
    n = (
        session.scalar(
            select(func.coalesce(func.sum(c.n), 0)).where(
                c.case_id == case_id, *_filters(c, categories, ranks, statuses)
            )
        )
        or 0
    )
    checks = [] if include_suppressed else active_checks(session, case_id, now)
    if checks:
        f = StoredFinding.__table__.c
        n -= (
            session.connection()
            .execute(
                select(func.count()).where(
                    *_hidden_where(case_id, checks, now), *_filters(f, categories, ranks, statuses)
                )
            )
            .scalar()
            or 0
        )
    return int(n)


def overview(session: Session, case_id: str, now: datetime) -> tuple[Counter, Counter]:
    """(all findings, hidden now) per (status, category, severity rank)."""
    c = FindingCountRow
    everything: Counter = Counter()
    for status, category, rank, n in session.execute(
        select(c.status, c.category, c.severity_rank, c.n).where(c.case_id == case_id, c.n != 0)
    ):
        everything[(status, category, rank)] += n
    hidden: Counter = Counter()
    checks = active_checks(session, case_id, now)
    if checks:
        f = StoredFinding.__table__.c
        stmt = (
            select(f.status, f.category, f.severity_rank, func.count())
            .where(*_hidden_where(case_id, checks, now))
            .group_by(f.status, f.category, f.severity_rank)
        )
        for status, category, rank, n in session.connection().execute(stmt):
            hidden[(status, category, rank)] += n
    return everything, hidden
