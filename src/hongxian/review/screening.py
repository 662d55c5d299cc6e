"""Recording a screening run in the review store (used by `hongxian screen` and `hongxian demo`)."""

from __future__ import annotations

from pathlib import Path

from hongxian.case import CasePaths
from hongxian.dataset.store import TableStore


def input_hashes(case_dir: Path) -> dict[str, str]:
    """sha256 of every ingested source, by path relative to the case folder."""
    sources = TableStore(CasePaths(case_dir).state).sources().to_pylist()
    return {row["path"]: row["sha256"] for row in sources}


def record_screen(service, case_dir: Path, result, *, actor: str = "system"):
    """Import a `ScreenResult` as one run: findings keep their review status across re-screens."""
    params = {"skipped_checks": [{"check_id": c, "reason": r} for c, r in result.skipped]}
    return service.record_run(
        result.findings, result.rulebook_version, params, input_hashes(case_dir), actor=actor
    )
