"""Case overview counts and bulk loading of finding details for reports.

The overview reads the counters of ``finding_counts`` (kept by triggers) and the few findings a
suppression hides right now, never all of ``findings``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hongxian.review import counts
from hongxian.review.detail import Decision, EvidenceView, FindingDetail, decision_of
from hongxian.review.status import SEVERITY_RANK, status_label
from hongxian.schema import Finding
from hongxian.store.models import DecisionRow, EvidenceRow, FindingContentRow, RunRow, StoredFinding

CHUNK = 500


@dataclass(frozen=True)
class CaseStats:
    total: int
    suppressed: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    last_run_at: datetime | None = None
    last_rulebook_version: str | None = None


_SEVERITY_OF_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}


def case_stats(session: Session, case_id: str, now: datetime) -> CaseStats:
    """From the trigger-kept counters (review/counts.py): no scan of ``findings``."""
    everything, hidden = counts.overview(session, case_id, now)
    by_status: Counter = Counter()
    by_category: Counter = Counter()
    by_severity: Counter = Counter()
    for (status, category, rank), n in (everything - hidden).items():
        by_status[status] += n
        by_category[category] += n
        by_severity[_SEVERITY_OF_RANK.get(rank, str(rank))] += n
    runs = session.execute(select(func.count(), func.max(RunRow.id)).where(RunRow.case_id == case_id)).one()
    last = session.execute(
        select(RunRow.created_at, RunRow.rulebook_version).where(RunRow.id == runs[1])
    ).first()
    return CaseStats(
        total=sum(everything.values()),
        suppressed=sum(hidden.values()),
        by_status=dict(by_status),
        by_category=dict(by_category),
        by_severity=dict(by_severity),
        runs=runs[0],
        last_run_at=last[0] if last else None,
        last_rulebook_version=last[1] if last else None,
    )


def _children(session: Session, pks: list[int], fid_by_pk: dict[int, str]):
    evidence: dict[int, list[EvidenceView]] = defaultdict(list)
    decisions: dict[int, list[Decision]] = defaultdict(list)
    ev_stmt = (
        select(EvidenceRow)
        .where(EvidenceRow.finding_pk.in_(pks))
        .order_by(EvidenceRow.finding_pk, EvidenceRow.position)
    )
    for e in session.scalars(ev_stmt):
        evidence[e.finding_pk].append(
            EvidenceView(
                table=e.table_name,
                id=e.row_id,
                ts=e.ts,
                excerpt=e.excerpt,
                spans=[tuple(s) for s in e.spans or []],
                amount_fen=e.amount_fen,
                note=e.note,
                has_clear=e.excerpt_clear is not None,
                revealed=False,
            )
        )
    for d in session.scalars(
        select(DecisionRow).where(DecisionRow.finding_pk.in_(pks)).order_by(DecisionRow.id)
    ):
        decisions[d.finding_pk].append(decision_of(d, fid_by_pk[d.finding_pk]))
    return evidence, decisions


def load_details(session: Session, case_id: str, finding_ids: list[str]) -> list[FindingDetail]:
    """Masked details in the given order, loaded in chunks (a few queries per 500 findings)."""
    out: list[FindingDetail] = []
    for i in range(0, len(finding_ids), CHUNK):
        chunk = finding_ids[i : i + CHUNK]
        rows = {
            r.finding_id: r
            for r in session.scalars(
                select(StoredFinding).where(
                    StoredFinding.case_id == case_id, StoredFinding.finding_id.in_(chunk)
                )
            )
        }
        data = dict(
            session.execute(
                select(FindingContentRow.finding_pk, FindingContentRow.data).where(
                    FindingContentRow.finding_pk.in_([r.id for r in rows.values()])
                )
            ).all()
        )
        evidence, decisions = _children(
            session, [r.id for r in rows.values()], {r.id: r.finding_id for r in rows.values()}
        )
        for fid in chunk:
            r = rows[fid]
            out.append(
                FindingDetail(
                    finding=Finding.model_validate_json(data[r.id]),
                    status=r.status,
                    status_label=status_label(r.status),
                    version=r.version,
                    first_seen_run=r.first_seen_run,
                    last_seen_run=r.last_seen_run,
                    suppressed_until=r.suppressed_until,
                    evidence=evidence[r.id],
                    decisions=decisions[r.id],
                    revealed=False,
                )
            )
        session.expunge_all()
    return out
