"""`hongxian store import`: record a case's findings file in its review store (embedded).

The Spark engine writes findings files and never touches a review store; this is the separate,
local step that records them, exactly as `hongxian screen` does after an embedded screen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hongxian.cli.common import case_errors, console, err_console

store_app = typer.Typer(help="审查库：导入筛查发现", no_args_is_help=True)


def load_run(findings: Path, rulebook_version: str):
    """A `ScreenResult` from findings.jsonl (+ findings.run.json when present)."""
    from hongxian.case import CaseError
    from hongxian.schema import Finding
    from hongxian.screen import ScreenResult
    from hongxian.spark.engine import run_info_path

    if not findings.is_file():
        raise CaseError(f"找不到发现文件：{findings}")
    out = []
    for n, line in enumerate(findings.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Finding.model_validate(json.loads(line)))
        except ValueError as exc:
            raise CaseError(f"{findings} 第 {n} 行不是有效的发现：{str(exc)[:200]}") from None
    info_path = run_info_path(findings)
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    skipped = [tuple(s) for s in info.get("skipped", [])]
    return ScreenResult(out, skipped, info.get("rulebook_version", rulebook_version))


@store_app.command("import")
def import_findings(
    case_dir: Annotated[Path, typer.Argument(help="案件目录（含 case.toml）")],
    findings: Annotated[
        Path | None, typer.Option("--findings", help="发现文件（默认 CASE_DIR/findings.jsonl）")
    ] = None,
) -> None:
    """将发现文件（如 Spark 引擎的输出）导入案件审查库；已有的审查结论保留。"""
    from hongxian.cli.screen_cmd import _load_rules, store_screen

    _, book = _load_rules()
    with case_errors():
        result = load_run(findings or case_dir / "findings.jsonl", book.version)
        summary = store_screen(case_dir, result)
    if summary is None:
        err_console.print("[bold red]导入失败[/]")
        raise typer.Exit(1)
    console.print(
        f"已入审查库（{len(result.findings)} 项发现）：新增 {summary.new} 项，更新 {summary.updated} 项，"
        f"重新打开 {summary.reopened} 项，未变 {summary.unchanged} 项"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")
