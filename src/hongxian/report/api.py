"""One call to produce a case report file: `generate_report` (used by the CLI and the demo).

Findings come from the review store when the case has one (the caller supplies the acting
user, or a ``login`` callback that returns one), otherwise from ``findings`` /
``CASE_DIR/findings.jsonl``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hongxian.report.inputs import ReportError, ReportInput
from hongxian.report.load import (
    LoadedReport,
    case_sources,
    findings_file,
    from_file,
    from_service,
    open_case,
    resolve_person,
    store_present,
)
from hongxian.settings import Settings

FORMATS = ("html", "xlsx", "pdf")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: str
    findings: int
    origin: str


def default_out(case_dir: Path, case_id: str, fmt: str, person: str | None) -> Path:
    """``CASE_DIR/reports/report-<case id>[-<person>].<fmt>``."""
    stem = re.sub(r"[^\w.-]+", "_", f"report-{case_id}" + (f"-{person}" if person else ""))
    return Path(case_dir) / "reports" / f"{stem}.{fmt}"


def render_bytes(inp: ReportInput, fmt: str) -> bytes:
    """The report in one format as bytes (HTML as UTF-8)."""
    if fmt == "html":
        from hongxian.report.html import render_html

        return render_html(inp).encode("utf-8")
    if fmt == "xlsx":
        from hongxian.report.xlsx import render_xlsx

        return render_xlsx(inp)
    if fmt == "pdf":
        from hongxian.report.pdf import render_pdf

        return render_pdf(inp)
    raise ReportError(f"未知报告格式“{fmt}”，可选：{'、'.join(FORMATS)}")


def write_report(loaded: LoadedReport, fmt: str, out: Path) -> Path:
    """Render and write one report file, then record the export."""
    data = render_bytes(loaded.input, fmt)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    loaded.log_export(fmt, out)
    return out


def current_rulebook_version() -> str | None:
    """The version of the rulebook shipped now (findings files do not record one)."""
    try:
        from hongxian.detect import default_registry
        from hongxian.rulebook.loader import load_rulebook

        return load_rulebook(default_registry().params_models()).version
    except Exception:  # noqa: BLE001 - a report must not fail because the rulebook does not load
        return None


def _from_store(case_dir: Path, settings: Settings, user, login, person: str | None) -> LoadedReport:
    from hongxian.review.errors import AuthError
    from hongxian.review.service import ReviewService, open_store

    case, dataset = open_case(case_dir)
    person = resolve_person(dataset, person)
    if user is None and login is None:
        raise AuthError(
            "该案件已有审查库，导出报告需要操作人：请用 --user 指定用户名（或设置环境变量 HONGXIAN_USER）"
        )
    service = ReviewService(open_store(case_dir, settings), settings, case_dir=Path(case_dir))
    try:
        user = user if user is not None else login(service)
        return from_service(
            service,
            user,
            case,
            dataset,
            person=person,
            sources=case_sources(case_dir),
            mask=settings.mask_personal_data,
            case_dir=Path(case_dir),
        )
    except BaseException:
        service.store.dispose()
        raise


def load_case_report(
    case_dir: Path,
    *,
    person: str | None = None,
    findings: Path | None = None,
    settings: Settings | None = None,
    user=None,
    login: Callable[[object], object] | None = None,
) -> LoadedReport:
    """The report input of a case: from the review store if present, else from a findings file."""
    settings = settings or Settings()
    if findings is None and store_present(case_dir, settings):
        return _from_store(case_dir, settings, user, login, person)
    case, dataset = open_case(case_dir)
    person = resolve_person(dataset, person)
    loaded = from_file(
        case_dir,
        case,
        dataset,
        findings_file(case_dir, findings),
        person=person,
        mask=settings.mask_personal_data,
    )
    version = current_rulebook_version()
    loaded.input.rulebook_version = f"{version}（生成报告时的规则库）" if version else None
    return loaded


def generate_report(
    case_dir: Path,
    fmt: str = "html",
    *,
    person: str | None = None,
    out: Path | None = None,
    findings: Path | None = None,
    settings: Settings | None = None,
    user=None,
    login: Callable[[object], object] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ReportResult:
    """Write the report of a case and return where it went.

    ``user`` is a logged-in `hongxian.review.roles.User` (or ``login(service) -> User``), needed
    only when the case has a review store.
    """
    if fmt not in FORMATS:
        raise ReportError(f"未知报告格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    step = progress or (lambda _what, _done, _total: None)
    step("读取案件数据与发现", 0, 2)
    loaded = load_case_report(
        case_dir, person=person, findings=findings, settings=settings, user=user, login=login
    )
    try:
        target = out or default_out(case_dir, loaded.input.case.case.id, fmt, loaded.input.person)
        step(f"生成 {fmt.upper()}（图表与版面）", 1, 2)
        path = write_report(loaded, fmt, target)
        step("完成", 2, 2)
        return ReportResult(path, fmt, len(loaded.input.filtered().findings), loaded.input.origin)
    finally:
        loaded.close()
