"""`hongxian screen`: screen a case folder (the self-check `hongxian check` is in check_cmd.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hongxian.cli.common import case_errors, console, err_console, progress_bar
from hongxian.labels import CATEGORY_ZH, SEVERITY_STYLE, SEVERITY_ZH
from hongxian.schema import SEVERITIES


def _load_rules():
    from hongxian.detect import default_registry
    from hongxian.rulebook.loader import RulebookError, load_rulebook

    registry = default_registry()
    try:
        return registry, load_rulebook(registry.params_models())
    except RulebookError as exc:
        err_console.print(f"[bold red]规则库加载失败：[/]\n{escape(str(exc))}")
        raise typer.Exit(2) from None


def print_summary(result, out: Path) -> None:
    t = Table(title=f"筛查结果（规则库版本 {result.rulebook_version}）")
    t.add_column("类别")
    for sev in reversed(SEVERITIES):
        t.add_column(SEVERITY_ZH[sev], justify="right", style=SEVERITY_STYLE[sev])
    t.add_column("合计", justify="right", style="bold")
    for cat, counts in result.by_category().items():
        t.add_row(
            CATEGORY_ZH[cat], *(str(counts[s] or "") for s in reversed(SEVERITIES)), str(counts["total"])
        )
    if result.findings:
        console.print(t)
    console.print(f"共 {len(result.findings)} 项发现，已写入 {out}")
    if result.skipped:
        reasons = Counter(reason for _, reason in result.skipped)
        console.print(f"[yellow]提示：{len(result.skipped)} 项检查因缺少数据或其他原因未运行：[/]")
        for reason, n in reasons.most_common():
            ids = [c for c, r in result.skipped if r == reason]
            shown = "、".join(ids[:6]) + ("等" if len(ids) > 6 else "")
            console.print(f"  · {reason}（{n} 项：{shown}）")


def store_screen(case_dir: Path, result):
    """Record the run in the case's review store (decisions survive re-screening)."""
    from hongxian.review.screening import record_screen
    from hongxian.review.service import ReviewService, open_store
    from hongxian.settings import Settings

    settings = Settings()
    store = open_store(case_dir, settings)
    try:
        return record_screen(ReviewService(store, settings), case_dir, result)
    finally:
        store.dispose()


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen(
        case_dir: Annotated[
            Path,
            typer.Argument(
                help="案件目录（含 case.toml）；Spark 引擎还可为多个案件的上级目录或按案件分区的数据表 URI"
            ),
        ],
        out: Annotated[
            Path | None,
            typer.Option("--out", help="发现输出文件（默认 CASE_DIR/findings.jsonl）；Spark 引擎为输出目录"),
        ] = None,
        reingest: Annotated[bool, typer.Option("--reingest", help="筛查前重新导入")] = False,
        engine: Annotated[
            str, typer.Option("--engine", help="筛查引擎：duckdb（内嵌，默认）或 spark")
        ] = "duckdb",
        master: Annotated[
            str | None, typer.Option("--master", help="Spark master：local[N]、spark://…、yarn、k8s://…")
        ] = None,
        conf: Annotated[
            list[str] | None, typer.Option("--conf", help="Spark 配置 key=value（可重复）")
        ] = None,
        findings_uri: Annotated[
            str | None, typer.Option("--findings-uri", help="Spark 引擎：另将全部发现按案件分区写到此 URI")
        ] = None,
        stage: Annotated[
            Path | None,
            typer.Option(
                "--stage", help="Spark 引擎：案件目录导出的暂存目录（集群上须为各执行器可读的共享目录）"
            ),
        ] = None,
        findings_format: Annotated[
            str, typer.Option("--findings-format", help="--findings-uri 的格式：json 或 parquet")
        ] = "json",
    ) -> None:
        """筛查案件：按规则库运行所有有数据可查的检查项，发现写入 findings.jsonl，并按类别汇总。"""
        from hongxian.screen import screen_case, write_findings

        if engine not in ("duckdb", "spark") or findings_format not in ("json", "parquet"):
            err_console.print(
                "[bold red]错误：[/]--engine 只能是 duckdb 或 spark，--findings-format 只能是 json 或 parquet"
            )
            raise typer.Exit(2)
        if engine == "spark":
            from hongxian.cli.spark_screen import screen_on_spark

            job = {
                "target": str(case_dir),
                "master": master,
                "out": out,
                "reingest": reingest,
                "stage": stage,
            }
            screen_on_spark(
                job | {"findings_uri": findings_uri, "findings_format": findings_format}, conf or []
            )
            return

        registry, book = _load_rules()
        with case_errors(), progress_bar("筛查") as step:
            result = screen_case(case_dir, registry, book, reingest=reingest, progress=step)
        target = out or Path(case_dir) / "findings.jsonl"
        write_findings(result.findings, target)
        print_summary(result, target)
        with case_errors():
            summary = store_screen(case_dir, result)
        console.print(
            f"已入审查库：新增 {summary.new} 项，更新 {summary.updated} 项，"
            f"重新打开 {summary.reopened} 项，未变 {summary.unchanged} 项"
        )
