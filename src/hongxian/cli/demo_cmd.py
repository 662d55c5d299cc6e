"""`hongxian demo`: write the bundled synthetic case and run the whole flow on it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from hongxian.cli.common import console, invocation

DEMO_USERS = (
    ("demo", "审查员", "demo-2024"),
    ("investigator", "调查员", "demo-2024"),
    ("admin", "管理员", "demo-2024"),
    ("viewer", "只读", "demo-2024"),
)


def _ensure_users(service) -> None:
    """The demo accounts (the demo folder is always fresh, so they never exist yet). No trial logins:
    they would open the audit log with failed-login entries."""
    if service.has_users():
        return
    for name, role, password in DEMO_USERS:
        service.add_user(name, role, password)


def run_demo(out: Path) -> None:
    from hongxian.cli.ingest_cmd import print_ingest_report, run_ingest
    from hongxian.cli.screen_cmd import _load_rules, print_summary
    from hongxian.demo.build import write_demo_case
    from hongxian.review.screening import record_screen
    from hongxian.review.service import ReviewService, open_store
    from hongxian.screen import screen_case, write_findings
    from hongxian.settings import Settings

    case_dir = write_demo_case(out)
    console.rule("[bold]1. 生成演示案件")
    console.print(f"演示案件目录：{case_dir}（合成数据，人名、账号均为虚构）")
    console.rule("[bold]2. 导入")
    print_ingest_report(run_ingest(case_dir))
    console.rule("[bold]3. 筛查")
    registry, book = _load_rules()
    result = screen_case(case_dir, registry, book)
    findings_path = case_dir / "findings.jsonl"
    write_findings(result.findings, findings_path)
    print_summary(result, findings_path)
    console.rule("[bold]4. 入库待审")
    settings = Settings()
    store = open_store(case_dir, settings)
    try:
        service = ReviewService(store, settings)
        _ensure_users(service)
        summary = record_screen(service, case_dir, result)
        console.print(
            f"审查库：新增 {summary.new} 项，更新 {summary.updated} 项，重新打开 {summary.reopened} 项"
        )
        reviewer = service.authenticate(DEMO_USERS[0][0], DEMO_USERS[0][2])
    finally:
        store.dispose()
    console.rule("[bold]5. 报告")
    _report(case_dir, reviewer)
    console.rule("[bold]完成")
    _print_next_steps(case_dir, findings_path)


def _report(case_dir: Path, reviewer) -> None:
    """The HTML report; a missing CJK font costs the report, not the demo (one line, no traceback)."""
    from hongxian.report.api import generate_report
    from hongxian.report.inputs import ReportError

    try:
        report = generate_report(case_dir, "html", user=reviewer)
    except ReportError as exc:
        console.print(
            f"[yellow]未生成报告：[/]{escape(str(exc))} "
            f"之后可运行 {invocation()} report {case_dir} --format html",
            soft_wrap=True,
        )
        return
    console.print(f"案件报告（HTML）：{report.path}")


def _print_next_steps(case_dir: Path, findings_path: Path) -> None:
    cmd = invocation()
    console.print(f"发现清单：{findings_path}")
    console.print(
        f"启动审查界面：{cmd} serve {case_dir} --port 8000 （或在源码目录运行 make serve），"
        "浏览器打开 http://127.0.0.1:8000/",
        soft_wrap=True,
    )
    for name, role, password in DEMO_USERS:
        console.print(f"  演示账号 {name} / {password}（{role}）")
    console.print(
        f"命令行审查：{cmd} review list {case_dir} --user demo "
        "（密码经标准输入或环境变量 HONGXIAN_PASSWORD）",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Annotated[Path, typer.Option("--out", help="演示案件输出目录")] = Path("demo-case"),
    ) -> None:
        """生成内置的合成演示案件（数百人、工作群与非工作群、真实格式的聊天与账单导出，覆盖全部问题类别），并依次运行导入、筛查、入库与报告。"""
        try:
            run_demo(out)
        except FileExistsError as exc:
            console.print(f"[red]错误：[/]{escape(str(exc))}")
            raise typer.Exit(2) from None
