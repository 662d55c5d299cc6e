"""Triage helpers for large queues: evidence amounts per row, the next finding of a queue, bulk
decisions and the person filter by name. Each checks the user's role like the service does."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from hongxian.review.errors import ConflictError, ReviewInputError
from hongxian.review.queries import FindingFilter
from hongxian.review.roles import DECIDE, LIST_FINDINGS, User, require
from hongxian.store.models import EvidenceRow, FindingPartyRow, StoredFinding

MAX_BULK = 500


def amounts(service, user: User, finding_ids: list[str]) -> dict[str, int]:
    """Sum of evidence amounts (fen) per finding, for the queue's 金额 column (one query per page)."""
    require(user, LIST_FINDINGS)
    if not finding_ids:
        return {}
    f, e = StoredFinding, EvidenceRow
    with service.store.read() as s:
        rows = s.execute(
            select(f.finding_id, func.sum(e.amount_fen))
            .join(e, e.finding_pk == f.id)
            .where(f.case_id == service.case_id, f.finding_id.in_(finding_ids))
            .group_by(f.finding_id)
        ).all()
    return {fid: int(total) for fid, total in rows if total is not None}


def resolve_person(service, user: User, text: str) -> str:
    """A person filter typed as a name (张宾) becomes the person id; an id is kept as typed."""
    require(user, LIST_FINDINGS)
    text = text.strip()
    if not text:
        return text
    p, f = FindingPartyRow, StoredFinding
    with service.store.read() as s:
        known = s.scalar(select(p.party_id).where(p.case_id == service.case_id, p.party_id == text).limit(1))
        if known is not None:
            return text
        by_name = s.scalar(
            select(f.subject_id)
            .where(f.case_id == service.case_id, f.subject_name == text, f.subject_kind == "person")
            .limit(1)
        )
    return by_name or text


def next_in_queue(
    service, user: User, flt: FindingFilter, sort: str, page: int, per_page: int, finding_id: str
) -> tuple[str | None, int]:
    """The finding after ``finding_id`` in this queue view, and the page it is on (None at the end)."""
    current = service.list_findings(user, flt, sort, page, per_page)
    ids = [r.finding_id for r in current.items]
    if finding_id in ids and ids.index(finding_id) + 1 < len(ids):
        return ids[ids.index(finding_id) + 1], page
    if finding_id not in ids and ids:
        return ids[0], page  # the finding left this view (e.g. decided under a 待审 filter)
    if current.has_next:
        following = service.list_findings(user, flt, sort, page + 1, per_page)
        if following.items:
            return following.items[0].finding_id, page + 1
    return None, page


@dataclass
class BulkResult:
    saved: list[str]
    conflicts: list[str]
    errors: list[str]


def bulk_decide(service, user: User, items: list[tuple[str, int]], status: str, reason: str) -> BulkResult:
    """Decide several findings at once, each against the version the reviewer saw (audited one by one)."""
    require(user, DECIDE)
    if not items:
        raise ReviewInputError("请先勾选要批量处理的线索")
    if len(items) > MAX_BULK:
        raise ReviewInputError(f"一次最多批量处理 {MAX_BULK} 条")
    out = BulkResult([], [], [])
    for fid, version in items:
        try:
            service.decide(user, fid, status, reason, version)
            out.saved.append(fid)
        except ConflictError:
            out.conflicts.append(fid)
    return out
