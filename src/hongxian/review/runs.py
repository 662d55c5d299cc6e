"""Import one screening run into the store: a single transaction, decisions kept across re-screens.

Per finding (matched by fingerprint = ``Finding.finding_id``):
- new fingerprint → stored as 待审 (new);
- identical content → only ``last_seen_run`` moves (unchanged);
- changed content → columns, evidence and parties replaced, version bumped (updated); when the
  finding had been decided and the run brings evidence it did not have, it goes back to 待审 with a
  system decision saying what changed, e.g. "重新筛查：新增证据 3 条" (reopened).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hongxian.review import audit
from hongxian.review.rowdata import evidence_keys, evidence_rows, finding_values, party_rows
from hongxian.review.status import PENDING, status_label
from hongxian.review.suppress import SuppressionIndex
from hongxian.schema import Finding
from hongxian.store import search_index
from hongxian.store.models import (
    DecisionRow,
    EvidenceRow,
    FindingContentRow,
    FindingPartyRow,
    FindingSearchRow,
    RunRow,
    SourceRow,
    StoredFinding,
)

CHUNK = 1000
ClearExcerpts = Mapping[tuple[str, str, str], str]


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    new: int
    updated: int
    reopened: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.new + self.updated + self.reopened + self.unchanged


@dataclass
class _Existing:
    pk: int
    status: str
    version: int
    evidence_hash: str
    data_hash: str


@dataclass
class _Ctx:
    session: Session
    case_id: str
    run_id: int
    actor: str
    now: datetime
    clear: ClearExcerpts
    suppressions: SuppressionIndex
    values: dict[str, dict]
    search: list[tuple[int, str | None, str]] = field(default_factory=list)
    """(pk, old search text or None, new search text) for the search index."""


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _load_existing(session: Session, case_id: str) -> dict[str, _Existing]:
    f = StoredFinding
    stmt = select(f.finding_id, f.id, f.status, f.version, f.evidence_hash, f.data_hash).where(
        f.case_id == case_id
    )
    return {r[0]: _Existing(*r[1:]) for r in session.execute(stmt)}


def _old_evidence_keys(session: Session, pks: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {pk: set() for pk in pks}
    for chunk in _chunks(pks):
        stmt = select(EvidenceRow.finding_pk, EvidenceRow.table_name, EvidenceRow.row_id).where(
            EvidenceRow.finding_pk.in_(chunk)
        )
        for pk, table, row_id in session.execute(stmt):
            out[pk].add(f"{table}:{row_id}")
    return out


def _content(ctx: _Ctx, pk: int, finding: Finding) -> dict:
    return {"finding_pk": pk, "data": ctx.values[finding.finding_id]["data"]}


def _search(ctx: _Ctx, pk: int, finding: Finding) -> dict:
    return {"finding_pk": pk, "search_text": ctx.values[finding.finding_id]["search_text"]}


def _insert_children(ctx: _Ctx, pairs: list[tuple[int, Finding]], content: bool = True) -> None:
    ev, parties = [], []
    for pk, finding in pairs:
        ev.extend(evidence_rows(pk, finding, ctx.clear))
        parties.extend(party_rows(ctx.case_id, pk, finding))
    if content and pairs:
        ctx.session.execute(insert(FindingContentRow.__table__), [_content(ctx, pk, f) for pk, f in pairs])
        rows = [_search(ctx, pk, f) for pk, f in pairs]
        ctx.session.execute(insert(FindingSearchRow.__table__), rows)
        ctx.search.extend((r["finding_pk"], None, r["search_text"]) for r in rows)
    for chunk in _chunks(ev, 5000):
        ctx.session.execute(insert(EvidenceRow.__table__), chunk)
    for chunk in _chunks(parties, 5000):
        ctx.session.execute(insert(FindingPartyRow.__table__), chunk)


def _columns(ctx: _Ctx, finding: Finding) -> dict:
    v = dict(ctx.values[finding.finding_id])
    del v["data"], v["search_text"]
    return v


def _insert_new(ctx: _Ctx, findings: list[Finding]) -> None:
    table = StoredFinding.__table__
    for chunk in _chunks(findings):
        values = []
        for f in chunk:
            v = _columns(ctx, f)
            v.update(
                case_id=ctx.case_id,
                status=PENDING,
                version=1,
                first_seen_run=ctx.run_id,
                last_seen_run=ctx.run_id,
                suppressed_until=ctx.suppressions.until(f),
            )
            values.append(v)
        stmt = insert(table).returning(table.c.id, table.c.finding_id)
        ids = dict((fid, pk) for pk, fid in ctx.session.execute(stmt, values))
        _insert_children(ctx, [(ids[f.finding_id], f) for f in chunk])


def _reopen_note(added: int, removed: int, old_status: str) -> str:
    parts = [f"新增证据 {added} 条"]
    if removed:
        parts.append(f"移除证据 {removed} 条")
    return f"重新筛查：{'，'.join(parts)}（原结论：{status_label(old_status)}）"


def _update_changed(ctx: _Ctx, changed: list[tuple[_Existing, Finding]]) -> int:
    """Replace content of changed findings; returns how many were re-opened."""
    decided = [
        e.pk
        for e, f in changed
        if e.status != PENDING and e.evidence_hash != ctx.values[f.finding_id]["evidence_hash"]
    ]
    old_keys = _old_evidence_keys(ctx.session, decided)
    reopened = 0
    pks = [e.pk for e, _ in changed]
    for chunk in _chunks(pks):
        ctx.session.execute(EvidenceRow.__table__.delete().where(EvidenceRow.finding_pk.in_(chunk)))
        ctx.session.execute(FindingPartyRow.__table__.delete().where(FindingPartyRow.finding_pk.in_(chunk)))
    updates, decisions = [], []
    for existing, finding in changed:
        values = _columns(ctx, finding)
        values.update(
            id=existing.pk,
            last_seen_run=ctx.run_id,
            version=existing.version + 1,
            suppressed_until=ctx.suppressions.until(finding),
        )  # the rules matching its new content
        if existing.pk in old_keys:
            new_keys = set(evidence_keys(finding))
            added, removed = len(new_keys - old_keys[existing.pk]), len(old_keys[existing.pk] - new_keys)
            if added:
                reopened += 1
                values["status"] = PENDING
                decisions.append(
                    dict(
                        finding_pk=existing.pk,
                        actor="system",
                        user_id=None,
                        from_status=existing.status,
                        status=PENDING,
                        reason=_reopen_note(added, removed, existing.status),
                        version=existing.version + 1,
                        run_id=ctx.run_id,
                        created_at=ctx.now,
                    )
                )
        updates.append(values)
    for chunk in _chunks(updates):
        ctx.session.execute(update(StoredFinding), chunk)
    if decisions:
        ctx.session.execute(insert(DecisionRow.__table__), decisions)
    if changed:
        ctx.session.execute(update(FindingContentRow), [_content(ctx, e.pk, f) for e, f in changed])
        _update_search(ctx, changed)
    _insert_children(ctx, [(e.pk, f) for e, f in changed], content=False)
    return reopened


def _update_search(ctx: _Ctx, changed: list[tuple[_Existing, Finding]]) -> None:
    rows = [_search(ctx, e.pk, f) for e, f in changed]
    old: dict[int, str] = {}
    for chunk in _chunks([r["finding_pk"] for r in rows]):
        stmt = select(FindingSearchRow.finding_pk, FindingSearchRow.search_text).where(
            FindingSearchRow.finding_pk.in_(chunk)
        )
        old.update((pk, text) for pk, text in ctx.session.execute(stmt))
    ctx.session.execute(update(FindingSearchRow), rows)
    ctx.search.extend((r["finding_pk"], old.get(r["finding_pk"]), r["search_text"]) for r in rows)


def _touch_unchanged(ctx: _Ctx, pks: list[int]) -> None:
    for chunk in _chunks(pks):
        ctx.session.execute(
            update(StoredFinding).where(StoredFinding.id.in_(chunk)).values(last_seen_run=ctx.run_id)
        )


def _record_sources(ctx: _Ctx, input_hashes: Mapping[str, str]) -> None:
    for path, sha in sorted(input_hashes.items()):
        row = ctx.session.scalar(
            select(SourceRow).where(
                SourceRow.case_id == ctx.case_id, SourceRow.path == path, SourceRow.sha256 == sha
            )
        )
        if row is None:
            ctx.session.add(
                SourceRow(
                    case_id=ctx.case_id,
                    path=path,
                    sha256=sha,
                    first_run_id=ctx.run_id,
                    last_run_id=ctx.run_id,
                )
            )
        else:
            row.last_run_id = ctx.run_id


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    by_id: dict[str, Finding] = {}
    for f in findings:
        by_id[f.finding_id] = f  # a repeated fingerprint within one run: the last one wins
    return list(by_id.values())


def import_run(
    session: Session,
    case_id: str,
    findings: Iterable[Finding],
    *,
    rulebook_version: str,
    params: dict,
    input_hashes: Mapping[str, str],
    actor: str,
    now: datetime,
    clear_excerpts: ClearExcerpts | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Store one run inside the caller's (single) write transaction."""
    items = _dedupe(findings)
    run = RunRow(
        case_id=case_id,
        created_at=now,
        actor=actor,
        rulebook_version=rulebook_version,
        params=dict(params),
        input_hashes=dict(input_hashes),
        n_findings=len(items),
    )
    session.add(run)
    session.flush()
    values = {f.finding_id: finding_values(f, now) for f in items}
    ctx = _Ctx(
        session,
        case_id,
        run.id,
        actor,
        now,
        clear_excerpts or {},
        SuppressionIndex.load(session, case_id, now),
        values,
    )
    existing = _load_existing(session, case_id)
    new, changed, unchanged = [], [], []
    for f in items:
        old = existing.get(f.finding_id)
        if old is None:
            new.append(f)
        elif old.data_hash == values[f.finding_id]["data_hash"]:
            unchanged.append(old.pk)
        else:
            changed.append((old, f))
    done = 0
    for chunk in _chunks(new):
        _insert_new(ctx, chunk)
        done += len(chunk)
        if progress:
            progress(done, len(items))
    reopened = _update_changed(ctx, changed)
    search_index.update(session, case_id, ctx.search)
    _touch_unchanged(ctx, unchanged)
    _record_sources(ctx, input_hashes)
    run.n_new, run.n_reopened, run.n_unchanged = len(new), reopened, len(unchanged)
    run.n_updated = len(changed) - reopened
    audit.append(
        session,
        case_id,
        actor,
        "run_import",
        f"run:{run.id}",
        {
            "rulebook_version": rulebook_version,
            "findings": len(items),
            "new": run.n_new,
            "updated": run.n_updated,
            "reopened": reopened,
            "unchanged": run.n_unchanged,
            "inputs_sha256": hashlib.sha256(audit.canonical_json(dict(input_hashes)).encode()).hexdigest(),
        },
        now=now,
    )
    return RunSummary(run.id, run.n_new, run.n_updated, reopened, run.n_unchanged)
