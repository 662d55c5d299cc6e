"""Store queries behind the dossier pages: the subject index and one subject's findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hongxian.review import queries
from hongxian.review.casedata import CaseFacts
from hongxian.review.dossier import Dossier, build_dossiers
from hongxian.review.queries import FindingFilter
from hongxian.review.stats import load_details
from hongxian.review.status import SEVERITY_RANK
from hongxian.store.models import StoredFinding as F

_RANK_SEVERITY = {v: k for k, v in SEVERITY_RANK.items()}


@dataclass
class DossierEntry:
    key: str
    kind: str
    name: str
    findings: int
    severity: str


INDEX_PAGE = 100


def _ranked(session: Session, case_id: str, now: datetime) -> list[tuple[str, int, int]]:
    """(subject id, findings, top severity rank) for every subject: an index-only walk of
    ix_findings_subject, most severe and largest first."""
    rows = session.execute(
        select(F.subject_id, func.count(), func.max(F.severity_rank))
        .where(F.case_id == case_id, or_(F.suppressed_until.is_(None), F.suppressed_until <= now))
        .group_by(F.subject_id)
    ).all()
    return sorted(((sid, n, rank) for sid, n, rank in rows), key=lambda r: (-r[2], -r[1], r[0]))


def index(
    session: Session, case_id: str, now: datetime, facts: CaseFacts | None, page: int = 1
) -> tuple[list[DossierEntry], int]:
    """One page of subjects (accounts shown under their owner) and the number of subjects."""
    ranked = _ranked(session, case_id, now)
    chosen = ranked[(page - 1) * INDEX_PAGE : page * INDEX_PAGE]
    ids = [r[0] for r in chosen]
    kinds = (
        dict(
            session.execute(
                select(F.subject_id, func.max(F.subject_kind))
                .where(F.case_id == case_id, F.subject_id.in_(ids))
                .group_by(F.subject_id)
            ).all()
        )
        if ids
        else {}
    )
    names = (
        dict(
            session.execute(
                select(F.subject_id, func.max(F.subject_name))
                .where(F.case_id == case_id, F.subject_id.in_(ids))
                .group_by(F.subject_id)
            ).all()
        )
        if ids
        else {}
    )
    accounts = [sid for sid in ids if kinds.get(sid) == "account"]
    owner_of = facts.owners(accounts) if facts is not None and accounts else {}
    out: dict[str, DossierEntry] = {}
    for sid, n, rank in chosen:
        kind = kinds.get(sid, "person")
        key, k = (sid, "person") if kind == "person" else (f"{kind}:{sid}", kind)
        if kind == "account" and sid in owner_of:
            key, k = owner_of[sid], "person"
        e = out.setdefault(key, DossierEntry(key, k, names.get(sid) or sid, 0, _RANK_SEVERITY[rank]))
        e.findings += n
        if rank > SEVERITY_RANK[e.severity]:
            e.severity = _RANK_SEVERITY[rank]
    people = [e.key for e in out.values() if e.kind == "person"]
    real = facts.person_names(people) if facts is not None and people else {}
    for e in out.values():
        e.name = real.get(e.key) or e.name
    return list(out.values()), len(ranked)


def one(session: Session, case_id: str, key: str, now: datetime, facts: CaseFacts | None) -> Dossier | None:
    """The dossier of one subject key (a person id, or ``kind:id``), None when it has no findings."""
    if key.startswith("account:") and facts is not None:  # an owned account's dossier is its owner's
        key = facts.owners([key[len("account:") :]]).get(key[len("account:") :], key)
    party = key.split(":", 1)[1] if key.startswith(("group:", "account:")) else key
    parties = {party} | (facts.accounts_of(party) if facts is not None else set())
    ids: list[str] = []
    for p in sorted(parties):
        for fid in queries.iter_ids(session, case_id, FindingFilter(person=p), "severity", now):
            if fid not in ids:
                ids.append(fid)
    details = load_details(session, case_id, ids)
    found = build_dossiers(((d.finding, d.status_label) for d in details), facts)
    return next((d for d in found if d.key == key), None)
