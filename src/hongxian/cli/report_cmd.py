"""`hongxian report CASE_DIR --format html|xlsx|pdf [--person ID] [--out FILE]`.

Findings come from the review store when the case has one (acting user: ``--user`` / env
``HONGXIAN_USER``, password from env ``HONGXIAN_PASSWORD``, else the first line of standard input,
else a prompt; the report read and the written file are audited), otherwise from
``--findings FILE`` or ``CASE_DIR/findings.jsonl`` (all findings then 待审).
Exit codes: 0 ok, 1 report error, 2 case folder error, 3 login failed or permission denied.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hongxian.cli.common import case_errors, console, err_console
from hongxian.report.inputs import ReportError
from hongxian.report.load import (
    LoadedReport,
    findings_file,
    from_file,
    from_service,
    open_case,
    store_present,
)
from hongxian.settings import Settings


class ReportFormat(StrEnum):
    html = "html"
    xlsx = "xlsx"
    pdf = "pdf"


def default_out(case_dir: Path, case_id: str, fmt: str, person: str | None) -> Path:
    stem = re.sub(r"[^\w.-]+", "_", f"report-{case_id}" + (f"-{person}" if person else ""))
    return Path(case_dir) / "reports" / f"{stem}.{fmt}"


def write_report(loaded: LoadedReport, fmt: str, out: Path) -> Path:
    """Render and write one report file, then record the export."""
    if fmt == "html":
        from hongxian.report.html import write_html as write
    elif fmt == "xlsx":
        from hongxian.report.xlsx import write_xlsx as write
    else:
        from hongxian.report.pdf import write_pdf as write
    path = write(loaded.input, out)
    loaded.log_export(fmt, path)
    return path


def current_rulebook_version() -> str | None:
    """The version of the rulebook shipped now (for findings files, which do not record one)."""
    try:
        from hongxian.detect import default_registry
        from hongxian.rulebook.loader import load_rulebook

        return load_rulebook(default_registry()).version
    except Exception:  # noqa: BLE001 - a report must not fail because the rulebook does not load
        return None


def _password(name: str) -> str:
    env = os.environ.get("HONGXIAN_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(f"{name} 的密码：")


def _load_from_store(case_dir: Path, settings: Settings, user_name: str | None, person: str | None) -> LoadedReport:
    from hongxian.report.load import case_sources
    from hongxian.review.errors import AuthError
    from hongxian.review.service import ReviewService, open_store

    case, dataset = open_case(case_dir)
    service = ReviewService(open_store(case_dir, settings), settings)
    if not user_name:
        raise AuthError("该案件已有审查库，导出报告需要操作人：请用 --user 指定用户名（或设置环境变量 HONGXIAN_USER）")
    user = service.login(user_name, _password(user_name))
    return from_service(service, user, case, dataset, person=person, sources=case_sources(case_dir),
                        mask=settings.mask_personal_data)


@contextmanager
def _errors() -> Iterator[None]:
    from hongxian.review.errors import AuthError, PermissionDenied, ReviewError

    with case_errors():
        try:
            yield
        except (AuthError, PermissionDenied) as exc:
            err_console.print(f"[bold red]拒绝：[/]{exc}")
            raise typer.Exit(3) from None
        except (ReportError, ReviewError) as exc:
            err_console.print(f"[bold red]错误：[/]{exc}")
            raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        case_dir: Annotated[Path, typer.Argument(help="案件目录（含 case.toml）", exists=True, file_okay=False)],
        fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="报告格式：html、xlsx 或 pdf")] = ReportFormat.html,
        person: Annotated[str | None, typer.Option("--person", "-p", help="只报告该人员（人员编号）的线索与资金往来")] = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="输出文件（默认：案件目录 reports/ 下）")] = None,
        findings: Annotated[Path | None, typer.Option("--findings", help="发现文件 findings.jsonl（不使用审查库）")] = None,
        user: Annotated[str | None, typer.Option("--user", "-u", envvar="HONGXIAN_USER",
                                                 help="操作人用户名（案件有审查库时必填）")] = None,
        db: Annotated[str | None, typer.Option("--db", envvar="HONGXIAN_DATABASE_URL",
                                               help="审查库地址（默认：案件目录下 .hongxian/store.db）")] = None,
    ) -> None:
        """生成案件报告：摘要、分类发现、证据、规则条款与处分幅度、审查结论、资金往来图表；个人信息脱敏。"""
        settings = Settings(database_url=db)
        with _errors():
            if findings is None and store_present(case_dir, settings):
                loaded = _load_from_store(case_dir, settings, user, person)
            else:
                case, dataset = open_case(case_dir)
                loaded = from_file(case_dir, case, dataset, findings_file(case_dir, findings), person=person)
                version = current_rulebook_version()
                loaded.input.rulebook_version = f"{version}（生成报告时的规则库）" if version else None
            target = out or default_out(case_dir, loaded.input.case.case.id, fmt.value, person)
            path = write_report(loaded, fmt.value, target)
        shown = len(loaded.input.filtered().findings)
        console.print(f"已生成{fmt.value.upper()}报告：{path}（{shown} 条发现）")
