"""Turn a `Finding` into store rows: indexed columns, evidence rows and party rows."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from hongxian.review.audit import canonical_json
from hongxian.review.status import SEVERITY_RANK
from hongxian.schema import TZ, Finding

_LOCAL = ZoneInfo(TZ)


def aware(dt: datetime | None) -> datetime | None:
    """Naive times in findings are Asia/Shanghai (the canonical time zone)."""
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=_LOCAL)


def evidence_keys(finding: Finding) -> list[str]:
    return [f"{e.table}:{e.id}" for e in finding.evidence]


def evidence_hash(finding: Finding) -> str:
    return hashlib.sha256("\n".join(sorted(set(evidence_keys(finding)))).encode("utf-8")).hexdigest()


def search_text(finding: Finding) -> str:
    """Lower-cased text searched by the queue's ``q`` filter (all of it already masked)."""
    parts = [
        finding.title,
        finding.check_id,
        finding.subject.id,
        finding.subject.name or "",
        finding.explanation,
    ]
    parts += [s.name or s.id for s in finding.related]
    parts += [e.excerpt or "" for e in finding.evidence]
    return "\n".join(p for p in parts if p).lower()


def finding_values(finding: Finding, now: datetime) -> dict:
    """Column values shared by insert and update (no status, version, run or case columns)."""
    data = canonical_json(finding.to_json_dict())
    window = finding.window
    return {
        "finding_id": finding.finding_id,
        "check_id": finding.check_id,
        "category": finding.category,
        "severity": finding.severity,
        "severity_rank": SEVERITY_RANK[finding.severity],
        "score": float(finding.score),
        "title": finding.title,
        "subject_kind": finding.subject.kind,
        "subject_id": finding.subject.id,
        "subject_name": finding.subject.name,
        "window_start": aware(window.start) if window else None,
        "window_end": aware(window.end) if window else None,
        "evidence_hash": evidence_hash(finding),
        "evidence_count": len(finding.evidence),
        "data_hash": hashlib.sha256(data.encode("utf-8")).hexdigest(),
        "data": data,
        "search_text": search_text(finding),
        "updated_at": now,
    }


def evidence_rows(finding_pk: int, finding: Finding, clear: Mapping[tuple[str, str, str], str]) -> list[dict]:
    return [
        {
            "finding_pk": finding_pk,
            "position": i,
            "table_name": e.table,
            "row_id": e.id,
            "ts": aware(e.ts),
            "excerpt": e.excerpt,
            "excerpt_clear": clear.get((finding.finding_id, e.table, e.id)),
            "spans": [list(s) for s in e.spans],
            "amount_fen": e.amount_fen,
            "note": e.note,
        }
        for i, e in enumerate(finding.evidence)
    ]


def party_rows(case_id: str, finding_pk: int, finding: Finding) -> list[dict]:
    seen: set[tuple[str, str]] = set()
    rows = []
    for role, subj in [("subject", finding.subject)] + [("related", s) for s in finding.related]:
        if (subj.kind, subj.id) in seen:
            continue
        seen.add((subj.kind, subj.id))
        rows.append(
            {
                "case_id": case_id,
                "finding_pk": finding_pk,
                "kind": subj.kind,
                "party_id": subj.id,
                "role": role,
            }
        )
    return rows
