"""Building a `ReportInput` for a case folder: from the review store, or from a findings file.

With a review store (``--db`` / a configured URL, or ``CASE_DIR/.hongxian/store.db``) the findings
come from `ReviewService.report_findings` with their review status and decisions; reading them
and writing the report file are both recorded in the store's audit log. Without one, findings
come from ``--findings FILE`` or ``CASE_DIR/findings.jsonl`` and are all 待审.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hongxian.case import STATE_DIR, CaseConfig, CasePaths, load_case_config
from hongxian.dataset.dataset import Dataset
from hongxian.report.inputs import (
    DecisionRecord,
    ReportError,
    ReportFinding,
    ReportInput,
    SuppressedNote,
    read_findings_file,
)
from hongxian.review.checkpoint import SIDECAR_SUFFIX
from hongxian.schema import Evidence
from hongxian.settings import Settings

FINDINGS_CANDIDATES = ("findings.jsonl", f"{STATE_DIR}/findings.jsonl")
SYSTEM_ACTORS = {"system", "系统"}


def store_present(case_dir: Path, settings: Settings) -> bool:
    """Whether this case has a review store to report from (never creates one)."""
    return bool(settings.database_url) or (Path(case_dir) / STATE_DIR / "store.db").is_file()


def findings_file(case_dir: Path, explicit: Path | None) -> Path:
    if explicit is not None:
        if not Path(explicit).is_file():
            raise ReportError(f"{explicit}：找不到发现文件。")
        return Path(explicit)
    for rel in FINDINGS_CANDIDATES:
        cand = Path(case_dir) / rel
        if cand.is_file():
            return cand
    raise ReportError(
        f"{case_dir}：没有审查库，也找不到 findings.jsonl。"
        "请先运行 `hongxian screen`，或用 --findings 指定发现文件。"
    )


def case_sources(case_dir: Path) -> list[dict]:
    from hongxian.dataset.store import read_table

    return read_table(case_dir, "sources").to_pylist()


def _detail_to_report(d) -> ReportFinding:
    """A `FindingDetail` of the review service as a report finding (store excerpts, decisions)."""
    evidence = [
        Evidence(
            table=e.table,
            id=e.id,
            ts=e.ts,
            excerpt=e.excerpt,
            spans=list(e.spans),
            amount_fen=e.amount_fen,
            note=e.note,
        )
        for e in d.evidence
    ]
    finding = d.finding.model_copy(update={"evidence": evidence}) if evidence else d.finding
    decisions = [
        DecisionRecord(
            status=x.status_label,
            user="系统（重新筛查）" if x.by_system or x.actor in SYSTEM_ACTORS else x.actor,
            at=x.created_at,
            reason=x.reason or "",
        )
        for x in d.decisions
    ]
    return ReportFinding(finding, status=d.status_label, decisions=decisions)


@dataclass
class LoadedReport:
    """A report input plus how to record the export of the written file."""

    input: ReportInput
    log_export: Callable[[str, Path], None]
    close: Callable[[], None] = lambda: None


def _no_log(_fmt: str, _path: Path) -> None:
    return None


def from_service(
    service,
    user,
    case: CaseConfig,
    dataset: Dataset,
    *,
    person: str | None = None,
    sources: list[dict] | None = None,
    mask: bool = True,
    case_dir: Path | None = None,
) -> LoadedReport:
    """Report input from the review service (masked details; the read is audited as a report)."""
    details = service.report_findings(user)
    stats = service.stats(user)
    suppressed = [
        SuppressedNote(
            c.rule.check_id,
            c.rule.subject_id or "",
            c.rule.reason,
            c.rule.created_by,
            c.rule.expires_at,
            c.findings,
        )
        for c in service.suppressed_counts(user)
    ]
    inp = ReportInput(
        case=case,
        findings=[_detail_to_report(d) for d in details],
        dataset=dataset,
        rulebook_version=stats.last_rulebook_version,
        person=person,
        sources=sources or [],
        origin="审查库（含审查结论）",
        mask_personal_data=mask,
        suppressed=suppressed,
        case_dir=case_dir,
    )

    def log_export(fmt: str, path: Path) -> None:
        shown = len(inp.filtered().findings)
        cp = service.log_export(
            user,
            f"report-{fmt}",
            f"report:{Path(path).name}",
            {"path": str(path), "person": person, "findings": shown},
        )
        if cp is not None:  # the chain's signed head travels with the report (review.checkpoint)
            Path(str(path) + SIDECAR_SUFFIX).write_text(cp.text() + "\n", encoding="utf-8")

    return LoadedReport(inp, log_export, service.store.dispose)


def from_file(
    case_dir: Path,
    case: CaseConfig,
    dataset: Dataset,
    path: Path,
    *,
    person: str | None = None,
    rulebook_version: str | None = None,
    mask: bool = True,
) -> LoadedReport:
    findings = read_findings_file(path)
    inp = ReportInput(
        case=case,
        findings=[ReportFinding(f) for f in findings],
        dataset=dataset,
        rulebook_version=rulebook_version,
        person=person,
        sources=case_sources(case_dir),
        origin=f"{path.name}（未经审查）",
        mask_personal_data=mask,
        case_dir=Path(case_dir),
    )
    return LoadedReport(inp, _no_log)


def resolve_person(dataset: Dataset, person: str | None) -> str | None:
    """``--person``: a 人员编号 or a unique 姓名 → the 人员编号; unknown or ambiguous → `ReportError`."""
    if person is None:
        return None
    wanted = person.strip()
    people = dataset.sql("SELECT person_id, name FROM people").to_pylist() if dataset.has("people") else []
    if any(p["person_id"] == wanted for p in people):
        return wanted
    named = sorted(p["person_id"] for p in people if p["name"] == wanted)
    if len(named) == 1:
        return named[0]
    if named:
        raise ReportError(f"姓名“{wanted}”对应多名人员（{'、'.join(named)}），请用 --person 指定人员编号。")
    if not people:
        raise ReportError(f"找不到人员“{wanted}”：案件没有人员登记表 people.csv（或尚未导入）。")
    sample = "、".join(f"{p['person_id']} {p['name']}" for p in people[:5])
    raise ReportError(
        f"找不到人员“{wanted}”：people.csv 中既没有这个人员编号，也没有这个姓名。"
        f"可用人员编号或姓名，例如：{sample}。"
    )


def open_case(case_dir: Path) -> tuple[CaseConfig, Dataset]:
    """The case config (CaseError when invalid) and its ingested dataset."""
    case = load_case_config(Path(case_dir))
    return case, Dataset.open(CasePaths(case_dir).state)
