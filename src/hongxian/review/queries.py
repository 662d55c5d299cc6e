"""The triage queue: filters, sorting and pagination over the indexed finding columns.

Page numbers with a total per request: from the trigger-kept counters for filters on status,
category and severity (review/counts.py), else one ``count(*)`` on a ``(case_id, …)`` index. The
free-text ``q`` is answered by the bigram/trigram index of the lower-cased, already masked search
text (review/textsearch.py, store/search_index.py). Each sort order has an index ending in ``id,
suppressed_until``, so a page's ids — however deep the page — come from an index-only walk and
only the page's rows are read. Suppressed findings are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Generic, TypeVar

import numpy as np
from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH
from hongxian.review import counts, textsearch
from hongxian.review.errors import ReviewInputError
from hongxian.review.status import SEVERITY_RANK, parse_status, status_label
from hongxian.store.models import FindingPartyRow, StoredFinding

T = TypeVar("T")
MAX_PER_PAGE = 500
WALK_RATIO = 4
"""Text matches fewer than 1/WALK_RATIO of what the other filters select are read by primary key;
denser ones are picked out while ids are read in queue order (see `_text_page`)."""
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
SORT_ZH = {
    "severity": "按严重程度",
    "score": "按得分",
    "newest": "按时间（新→旧）",
    "oldest": "按时间（旧→新）",
    "check": "按检查项",
    "subject": "按对象",
}


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


def _code(value: str, labels: dict[str, str], what: str) -> str:
    """A category or severity code, given as the code or its Chinese label; unknown → the valid values."""
    if value in labels:
        return value
    for code, label in labels.items():
        if value == label:
            return code
    valid = "、".join(f"{label}（{code}）" for code, label in labels.items())
    raise ReviewInputError(f"未知{what}“{value}”，可选：{valid}")


def _columns(flt: FindingFilter) -> tuple[tuple[str, ...], list[int], tuple[str, ...]]:
    """Validated (categories, severity ranks, status codes) of a filter."""
    cats = tuple(_code(c, CATEGORY_ZH, "类别") for c in _tuple(flt.category))
    sevs = tuple(_code(s, SEVERITY_ZH, "严重程度") for s in _tuple(flt.severity))
    return cats, [SEVERITY_RANK[s] for s in sevs], tuple(parse_status(s) for s in _tuple(flt.status))


def _conditions(case_id: str, flt: FindingFilter, now: datetime) -> list:
    cats, ranks, statuses = _columns(flt)
    cond = [F.case_id == case_id]
    if cats:
        cond.append(F.category.in_(cats))
    if ranks:
        cond.append(F.severity_rank.in_(ranks))
    if statuses:
        cond.append(F.status.in_(statuses))
    if flt.check_id:
        cond.append(F.check_id == flt.check_id)
    if flt.person:
        parties = select(FindingPartyRow.finding_pk).where(
            FindingPartyRow.case_id == case_id, FindingPartyRow.party_id == flt.person
        )
        cond.append(F.id.in_(parties))
    if not flt.include_suppressed:
        cond.append(or_(F.suppressed_until.is_(None), F.suppressed_until <= now))
    return cond


def _total(session: Session, case_id: str, flt: FindingFilter, cond: list, now: datetime) -> int:
    """The counters answer filters on status, category and severity; others count rows."""
    if flt.person or flt.check_id:
        return _count(session, cond)
    cats, ranks, statuses = _columns(flt)
    return counts.total(
        session,
        case_id,
        now,
        categories=cats,
        ranks=ranks,
        statuses=statuses,
        include_suppressed=flt.include_suppressed,
    )


_ROW_COLUMNS = (
    F.finding_id,
    F.check_id,
    F.category,
    F.severity,
    F.score,
    F.title,
    F.subject_kind,
    F.subject_id,
    F.subject_name,
    F.window_start,
    F.window_end,
    F.status,
    F.version,
    F.evidence_count,
    F.first_seen_run,
    F.last_seen_run,
    F.suppressed_until,
    F.updated_at,
)


def _row(r) -> FindingRow:
    return FindingRow(
        finding_id=r.finding_id,
        check_id=r.check_id,
        category=r.category,
        category_label=CATEGORY_ZH.get(r.category, r.category),
        severity=r.severity,
        severity_label=SEVERITY_ZH.get(r.severity, r.severity),
        score=r.score,
        title=r.title,
        subject_kind=r.subject_kind,
        subject_id=r.subject_id,
        subject_name=r.subject_name,
        window_start=r.window_start,
        window_end=r.window_end,
        status=r.status,
        status_label=status_label(r.status),
        version=r.version,
        evidence_count=r.evidence_count,
        first_seen_run=r.first_seen_run,
        last_seen_run=r.last_seen_run,
        suppressed_until=r.suppressed_until,
        updated_at=r.updated_at,
    )


def _matched_page(
    session: Session, cond: list, sort: str, offset: int, per_page: int
) -> tuple[Sequence[Row], int]:
    """Text search: one pass over the (indexed) matches yields their sort keys, the page and the
    total (window count); then the page's rows are fetched by primary key."""
    hits_cte = select(*(F.__table__.c[n] for n in _SORT_COLUMNS)).where(*cond).cte("hx_hits")
    hits_cte = hits_cte.prefix_with("MATERIALIZED", dialect="postgresql")
    stmt = select(hits_cte.c.id, func.count().over().label("hx_total")).order_by(*_order(hits_cte.c, sort))
    hits = session.execute(stmt.limit(per_page).offset(offset)).all()
    if not hits:
        return [], session.scalar(select(func.count()).select_from(F).where(*cond)) or 0
    by_id = {
        r.id: r for r in session.execute(select(F.id, *_ROW_COLUMNS).where(F.id.in_([h.id for h in hits])))
    }
    return [by_id[h.id] for h in hits], hits[0].hx_total


def _page_rows(session: Session, cond: list, sort: str, offset: int, per_page: int) -> Sequence[Row]:
    """Offset paging on ids only (an index-only walk of the index of that order, however deep the
    page), then the page's rows joined by primary key."""
    ids = select(F.id).where(*cond).order_by(*SORTS[sort]).limit(per_page).offset(offset).subquery("hx_page")
    return session.execute(select(*_ROW_COLUMNS).join(ids, ids.c.id == F.id).order_by(*SORTS[sort])).all()


def _has_filters(flt: FindingFilter) -> bool:
    return bool(
        _tuple(flt.category) or _tuple(flt.severity) or _tuple(flt.status) or flt.person or flt.check_id
    )


def _count(session: Session, cond: list) -> int:
    return session.scalar(select(func.count()).select_from(F).where(*cond)) or 0


def _ordered_ids(session: Session, cond: list, sort: str, limit: int | None = None) -> np.ndarray:
    """Ids in queue order (an index-only walk of the order's index)."""
    stmt = select(F.__table__.c.id).where(*cond).order_by(*SORTS[sort]).limit(limit)
    result = session.connection().execute(stmt)
    try:  # the driver's rows straight into numpy: no Row objects for tens of thousands of ids
        return np.fromiter(chain.from_iterable(result.cursor.fetchall()), dtype=np.int64)
    finally:
        result.close()


def _members(bits: np.ndarray, ids: np.ndarray) -> np.ndarray:
    inside = ids[ids < len(bits)]
    return inside[bits[inside]]


def _walk(session: Session, cond: list, sort: str, bits: np.ndarray, want: int, density: float) -> np.ndarray:
    """The first ``want`` members of ``bits`` in queue order, reading ids in order in growing batches."""
    limit = int(want / max(density, 1e-6) * 1.25) + 100
    while True:
        ordered = _ordered_ids(session, cond, sort, limit)
        found = _members(bits, ordered)
        if len(found) >= want or len(ordered) < limit:
            return found[:want]
        limit *= 2


def _rows_by_id(session: Session, ids: np.ndarray, sort: str) -> Sequence[Row]:
    if not len(ids):
        return []
    return session.execute(select(*_ROW_COLUMNS).where(F.id.in_(ids.tolist())).order_by(*SORTS[sort])).all()


def _text_page(
    session: Session,
    case_id: str,
    flt: FindingFilter,
    ids: np.ndarray,
    cond: list,
    sort: str,
    offset: int,
    per_page: int,
    now: datetime,
) -> tuple[Sequence[Row], int]:
    """A page of the text matches ``ids`` (sorted). Matches sparse among what the other filters
    select: read the matches by primary key and sort them. Otherwise read ids in queue order from
    the order's index and keep the matches (a bitmap): all ids of the filter when there is one (the
    total comes with them), else only as many as the page needs (total: matches minus hidden)."""
    selected = _total(session, case_id, flt, cond, now)
    if len(ids) * WALK_RATIO < selected:
        dialect = session.get_bind().dialect.name
        return _matched_page(session, [*cond, textsearch.id_in(F.id, ids, dialect)], sort, offset, per_page)
    bits = np.zeros(int(ids[-1]) + 1, dtype=bool)
    bits[ids] = True
    if _has_filters(flt):
        matched = _members(bits, _ordered_ids(session, cond, sort))
        return _rows_by_id(session, matched[offset : offset + per_page], sort), len(matched)
    hidden = () if flt.include_suppressed else _members(bits, counts.hidden_ids(session, case_id, now))
    total = len(ids) - len(hidden)
    if offset >= total:
        return [], total
    page = _walk(session, cond, sort, bits, offset + per_page, total / max(selected, 1))[offset:]
    return _rows_by_id(session, page, sort), total


def list_page(
    session: Session, case_id: str, flt: FindingFilter, sort: str, page: int, per_page: int, now: datetime
) -> Page[FindingRow]:
    if sort not in SORTS:
        raise ReviewInputError(f"未知排序“{sort}”，可选：{'、'.join(SORTS)}")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ReviewInputError(f"页码须 ≥ 1，每页条数须在 1–{MAX_PER_PAGE} 之间")
    cond = _conditions(case_id, flt, now)
    ids = textsearch.text_ids(session, case_id, flt.q, session.get_bind().dialect.name)
    offset = (page - 1) * per_page
    if ids is None:
        total = _total(session, case_id, flt, cond, now)
        rows = _page_rows(session, cond, sort, offset, per_page) if offset < total else []
    elif not len(ids):
        rows, total = [], 0
    else:
        rows, total = _text_page(session, case_id, flt, ids, cond, sort, offset, per_page, now)
    return Page(items=[_row(r) for r in rows], total=total, page=page, per_page=per_page)


def iter_ids(session: Session, case_id: str, flt: FindingFilter, sort: str, now: datetime) -> list[str]:
    """All matching finding ids in queue order (for reports and exports)."""
    cond = _conditions(case_id, flt, now)
    dialect = session.get_bind().dialect.name
    ids = textsearch.text_ids(session, case_id, flt.q, dialect)
    if ids is not None:
        if not len(ids):
            return []
        cond.append(textsearch.id_in(F.id, ids, dialect))
    return list(session.scalars(select(F.finding_id).where(*cond).order_by(*SORTS[sort])))
