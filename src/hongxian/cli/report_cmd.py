"""`hongxian report CASE_DIR --format html|xlsx|pdf [--person ID] [--out FILE]`.

Findings come from the review store when the case has one (acting user: ``--user`` / env
``HONGXIAN_USER``, password from env ``HONGXIAN_PASSWORD``, else the first line of standard input,
else a prompt; the report read and the written file are audited), otherwise from
``--findings FILE`` or ``CASE_DIR/findings.jsonl`` (all findings then 待审).
Exit codes: 0 ok, 1 report error, 2 case folder error, 3 login failed or permission denied.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hongxian.cli.common import acting_password, console, progress_bar, review_errors
from hongxian.report.api import generate_report
from hongxian.report.inputs import ReportError
from hongxian.settings import Settings


class ReportFormat(StrEnum):
    html = "html"
    xlsx = "xlsx"
    pdf = "pdf"


def _login_as(name: str | None, case_dir: Path, settings: Settings, findings: Path | None = None):
    """A login callback for the review store (None when no user was named).

    The password is read now, before the progress bar starts, when the case has a review store."""
    if not name:
        return None
    from hongxian.report.load import store_present

    if findings is None and store_present(case_dir, settings):
        password = acting_password(f"{name} 的密码：")
        return lambda service: service.login(name, password)
    return lambda service: service.login(name, acting_password(f"{name} 的密码："))


def _errors():
    return review_errors(ReportError)


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        case_dir: Annotated[
            Path, typer.Argument(help="案件目录（含 case.toml）", exists=True, file_okay=False)
        ],
        fmt: Annotated[
            ReportFormat, typer.Option("--format", "-f", help="报告格式：html、xlsx 或 pdf")
        ] = ReportFormat.html,
        person: Annotated[
            str | None, typer.Option("--person", "-p", help="只报告该人员（人员编号）的线索与资金往来")
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="输出文件（默认：案件目录 reports/ 下）")
        ] = None,
        findings: Annotated[
            Path | None, typer.Option("--findings", help="发现文件 findings.jsonl（不使用审查库）")
        ] = None,
        user: Annotated[
            str | None,
            typer.Option("--user", "-u", envvar="HONGXIAN_USER", help="操作人用户名（案件有审查库时必填）"),
        ] = None,
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                envvar="HONGXIAN_DATABASE_URL",
                help="审查库地址（默认：案件目录下 .hongxian/store.db）",
            ),
        ] = None,
    ) -> None:
        """生成案件报告：摘要、分类发现、证据、规则条款与处分幅度、审查结论、资金往来图表；个人信息脱敏。"""
        settings = Settings(database_url=db)
        login = _login_as(user, case_dir, settings, findings)
        with _errors(), progress_bar("报告") as step:
            result = generate_report(
                case_dir,
                fmt.value,
                person=person,
                out=out,
                findings=findings,
                settings=settings,
                login=login,
                progress=step,
            )
        console.print(
            f"已生成 {fmt.value.upper()} 报告：{result.path}"
            f"（{result.findings} 条发现，来源：{result.origin}）",
            soft_wrap=True,
        )
