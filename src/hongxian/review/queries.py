"""The triage queue: filters, sorting and pagination over the indexed finding columns.

Offset pagination with one ``count(*)`` per page request over the same filters; every filter hits
a ``(case_id, …)`` index except the free-text ``q`` (a substring scan of the lower-cased, already
masked ``finding_search.search_text``). Suppressed findings are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hongxian.review.errors import ReviewInputError
from hongxian.review.status import SEVERITY_RANK, parse_status, status_label
from hongxian.schema import CATEGORIES, CATEGORY_ZH, SEVERITIES, SEVERITY_ZH
from hongxian.store.models import FindingPartyRow, FindingSearchRow, StoredFinding

T = TypeVar("T")
MAX_PER_PAGE = 500
F = StoredFinding
SORT_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {  # (column, descending)
    "severity": (("severity_rank", True), ("score", True), ("id", True)),
    "score": (("score", True), ("id", True)),
    "newest": (("window_start", True), ("id", True)),
    "oldest": (("window_start", False), ("id", False)),
    "check": (("check_id", False), ("severity_rank", True), ("id", True)),
    "subject": (("subject_id", False), ("severity_rank", True), ("id", True)),
}
_SORT_COLUMNS = ("id", "severity_rank", "score", "window_start", "check_id", "subject_id")


def _order(columns, sort: str) -> list:
    return [columns[name].desc() if desc else columns[name].asc() for name, desc in SORT_KEYS[sort]]


SORTS = {name: tuple(_order(F.__table__.c, name)) for name in SORT_KEYS}
SORT_ZH = {"severity": "按严重程度", "score": "按得分", "newest": "按时间（新→旧）", "oldest": "按时间（旧→新）",
           "check": "按检查项", "subject": "按对象"}


def _tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if v)


@dataclass(frozen=True)
class FindingFilter:
    """All fields optional; list-valued fields accept one value or several (OR)."""

    category: str | Sequence[str] | None = None
    severity: str | Sequence[str] | None = None
    status: str | Sequence[str] | None = None
    person: str | None = None
    check_id: str | None = None
    q: str | None = None
    include_suppressed: bool = False


@dataclass(frozen=True)
class FindingRow:
    """One line of the queue (no evidence, no explanation)."""

    finding_id: str
    check_id: str
    category: str
    category_label: str
    severity: str
    severity_label: str
    score: float
    title: str
    subject_kind: str
    subject_id: str
    subject_name: str | None
    window_start: datetime | None
    window_end: datetime | None
    status: str
    status_label: str
    version: int
    evidence_count: int
    first_seen_run: int
    last_seen_run: int
    suppressed_until: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    filters: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _text_matches(needle: str, dialect: str):
    """Plain substring search (no LIKE wildcards): instr() on SQLite, strpos() on PostgreSQL."""
    text_col = FindingSearchRow.search_text
    found = func.strpos(text_col, needle) if dialect == "postgresql" else func.instr(text_col, needle)
    return select(FindingSearchRow.finding_pk).where(found > 0)


def _conditions(case_id: str, flt: FindingFilter, now: datetime, dialect: str) -> list:
    cats, sevs = _tuple(flt.category), _tuple(flt.severity)
    for c in cats:
        if c not in CATEGORIES:
            raise ReviewInputError(f"未知类别“{c}”")
    for s in sevs:
        if s not in SEVERITIES:
            raise ReviewInputError(f"未知严重程度“{s}”，应为 {'、'.join(SEVERITIES)}")
    cond = [F.case_id == case_id]
    if cats:
        cond.append(F.category.in_(cats))
    if sevs:
        cond.append(F.severity_rank.in_([SEVERITY_RANK[s] for s in sevs]))
    statuses = tuple(parse_status(s) for s in _tuple(flt.status))
    if statuses:
        cond.append(F.status.in_(statuses))
    if flt.check_id:
        cond.append(F.check_id == flt.check_id)
    if flt.person:
        parties = select(FindingPartyRow.finding_pk).where(
            FindingPartyRow.case_id == case_id, FindingPartyRow.party_id == flt.person)
        cond.append(F.id.in_(parties))
    if flt.q and flt.q.strip():
        cond.append(F.id.in_(_text_matches(flt.q.strip().lower(), dialect)))
    if not flt.include_suppressed:
        cond.append(or_(F.suppressed_until.is_(None), F.suppressed_until <= now))
    return cond


_ROW_COLUMNS = (F.finding_id, F.check_id, F.category, F.severity, F.score, F.title, F.subject_kind, F.subject_id,
                F.subject_name, F.window_start, F.window_end, F.status, F.version, F.evidence_count,
                F.first_seen_run, F.last_seen_run, F.suppressed_until, F.updated_at)


def _row(r) -> FindingRow:
    return FindingRow(
        finding_id=r.finding_id, check_id=r.check_id, category=r.category,
        category_label=CATEGORY_ZH.get(r.category, r.category), severity=r.severity,
        severity_label=SEVERITY_ZH.get(r.severity, r.severity), score=r.score, title=r.title,
        subject_kind=r.subject_kind, subject_id=r.subject_id, subject_name=r.subject_name,
        window_start=r.window_start, window_end=r.window_end, status=r.status, status_label=status_label(r.status),
        version=r.version, evidence_count=r.evidence_count, first_seen_run=r.first_seen_run,
        last_seen_run=r.last_seen_run, suppressed_until=r.suppressed_until, updated_at=r.updated_at)


def list_page(session: Session, case_id: str, flt: FindingFilter, sort: str, page: int, per_page: int,
              now: datetime) -> Page[FindingRow]:
    if sort not in SORTS:
        raise ReviewInputError(f"未知排序“{sort}”，可选：{'、'.join(SORTS)}")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ReviewInputError(f"页码须 ≥ 1，每页条数须在 1–{MAX_PER_PAGE} 之间")
    cond = _conditions(case_id, flt, now, session.get_bind().dialect.name)
    count = select(func.count()).select_from(F).where(*cond)
    offset = (page - 1) * per_page
    if flt.q and flt.q.strip():
        # the text scan dominates: one pass yields the matches (ids + sort keys), the page and the
        # total (window count); then the page's rows are fetched by primary key
        hits_cte = select(*(F.__table__.c[n] for n in _SORT_COLUMNS)).where(*cond).cte("hx_hits")
        hits_cte = hits_cte.prefix_with("MATERIALIZED", dialect="postgresql")  # hash join, not an index walk
        stmt = select(hits_cte.c.id, func.count().over().label("hx_total")).order_by(*_order(hits_cte.c, sort))
        hits = session.execute(stmt.limit(per_page).offset(offset)).all()
        total = hits[0].hx_total if hits else (session.scalar(count) or 0)
        by_id = {r.id: r for r in session.execute(select(F.id, *_ROW_COLUMNS).where(F.id.in_([h.id for h in hits])))}
        rows = [by_id[h.id] for h in hits]
    else:
        total = session.scalar(count) or 0
        stmt = select(*_ROW_COLUMNS).where(*cond).order_by(*SORTS[sort]).limit(per_page).offset(offset)
        rows = session.execute(stmt).all()
    return Page(items=[_row(r) for r in rows], total=total, page=page, per_page=per_page)


def iter_ids(session: Session, case_id: str, flt: FindingFilter, sort: str, now: datetime) -> list[str]:
    """All matching finding ids in queue order (for reports and exports)."""
    cond = _conditions(case_id, flt, now, session.get_bind().dialect.name)
    stmt = select(F.finding_id).where(*cond).order_by(*SORTS[sort])
    return list(session.scalars(stmt))
