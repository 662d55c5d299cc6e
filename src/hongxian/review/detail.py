"""One finding with its status, decision history and evidence (masked unless revealed).

Detectors already mask other people's personal data in ``Evidence.excerpt``; the store keeps that
text as given. ``excerpt_clear`` is stored only when an importer passes it (``clear_excerpts`` of
`ReviewService.record_run`; the current detectors do not provide one). A reveal therefore shows the
clear excerpt where one was stored and the masked one everywhere else (``has_clear`` says which).
Spans index the masked excerpt. The service attaches ``facts`` read from the case data (payer →
payee, chat, memo, source, surrounding messages), clear text only for a reveal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hongxian.review.casedata import EvidenceFact
from hongxian.review.errors import NotFound
from hongxian.review.status import status_label
from hongxian.schema import Finding
from hongxian.store.models import DecisionRow, EvidenceRow, FindingContentRow, StoredFinding


@dataclass(frozen=True)
class Decision:
    id: int
    finding_id: str
    actor: str
    from_status: str
    status: str
    status_label: str
    reason: str
    version: int
    created_at: datetime
    run_id: int | None = None

    @property
    def by_system(self) -> bool:
        return self.run_id is not None


@dataclass(frozen=True)
class EvidenceView:
    table: str
    id: str
    ts: datetime | None
    excerpt: str | None
    spans: list[tuple[int, int]]
    amount_fen: int | None
    note: str | None
    has_clear: bool
    revealed: bool


@dataclass(frozen=True)
class FindingDetail:
    finding: Finding
    status: str
    status_label: str
    version: int
    first_seen_run: int
    last_seen_run: int
    suppressed_until: datetime | None
    evidence: list[EvidenceView]
    decisions: list[Decision]
    revealed: bool
    facts: Mapping[tuple[str, str], EvidenceFact] = field(default_factory=dict)
    """Case data behind evidence rows (`hongxian.review.casedata`), clear only when revealed."""

    @property
    def finding_id(self) -> str:
        return self.finding.finding_id


def decision_of(row: DecisionRow, finding_id: str) -> Decision:
    return Decision(
        id=row.id,
        finding_id=finding_id,
        actor=row.actor,
        from_status=row.from_status,
        status=row.status,
        status_label=status_label(row.status),
        reason=row.reason,
        version=row.version,
        created_at=row.created_at,
        run_id=row.run_id,
    )


def get_stored(session: Session, case_id: str, finding_id: str) -> StoredFinding:
    row = session.scalar(
        select(StoredFinding).where(StoredFinding.case_id == case_id, StoredFinding.finding_id == finding_id)
    )
    if row is None:
        raise NotFound(f"线索 {finding_id} 不存在")
    return row


def _evidence(session: Session, pk: int, reveal: bool) -> list[EvidenceView]:
    rows = session.scalars(
        select(EvidenceRow).where(EvidenceRow.finding_pk == pk).order_by(EvidenceRow.position)
    )
    out = []
    for e in rows:
        show_clear = reveal and e.excerpt_clear is not None
        out.append(
            EvidenceView(
                table=e.table_name,
                id=e.row_id,
                ts=e.ts,
                excerpt=e.excerpt_clear if show_clear else e.excerpt,
                spans=[tuple(s) for s in (e.spans or [])],
                amount_fen=e.amount_fen,
                note=e.note,
                has_clear=e.excerpt_clear is not None,
                revealed=show_clear,
            )
        )
    return out


def decisions_for(session: Session, pk: int, finding_id: str) -> list[Decision]:
    rows = session.scalars(select(DecisionRow).where(DecisionRow.finding_pk == pk).order_by(DecisionRow.id))
    return [decision_of(r, finding_id) for r in rows]


def load_detail(session: Session, case_id: str, finding_id: str, reveal: bool = False) -> FindingDetail:
    row = get_stored(session, case_id, finding_id)
    return detail_of(session, row, reveal)


def detail_of(session: Session, row: StoredFinding, reveal: bool = False) -> FindingDetail:
    return FindingDetail(
        finding=Finding.model_validate_json(session.get_one(FindingContentRow, row.id).data),
        status=row.status,
        status_label=status_label(row.status),
        version=row.version,
        first_seen_run=row.first_seen_run,
        last_seen_run=row.last_seen_run,
        suppressed_until=row.suppressed_until,
        evidence=_evidence(session, row.id, reveal),
        decisions=decisions_for(session, row.id, row.finding_id),
        revealed=reveal,
    )
