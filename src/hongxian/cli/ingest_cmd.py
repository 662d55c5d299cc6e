"""`hongxian ingest` and `hongxian tables`."""

from __future__ import annotations

import csv
import sys
from contextlib import nullcontext
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyarrow.parquet as pq
import typer
from rich.markup import escape
from rich.table import Table

from hongxian.canonical import SCHEMAS
from hongxian.cli.common import case_errors, console, err_console, progress_bar
from hongxian.dataset.store import read_table
from hongxian.ingest.attach import AttachOptions, AttachReport, Limits
from hongxian.ingest.pipeline import IngestReport, ingest_case
from hongxian.labels import ATTACHMENT_STATUS_ZH, SOURCE_STATUS_ZH, source_format_zh
from hongxian.textsafe import csv_cell, json_line, visible_bidi

TABLE_NAMES = ("sources", "rejects", *SCHEMAS.keys())


class TableFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


def print_ingest_report(report: IngestReport) -> None:
    t = Table(title=f"导入结果 · 案件 {report.case.case.id}", show_lines=False)
    for col in ("文件", "格式", "状态", "读入行", "成功行", "拒绝行", "所有者"):
        t.add_column(col, overflow="fold")
    for s in report.sources:
        style = {"failed": "red", "unrecognised": "yellow"}.get(s.status)
        t.add_row(
            visible_bidi(s.path),
            source_format_zh(s.format),
            SOURCE_STATUS_ZH[s.status],
            str(s.rows_in),
            str(s.rows_ok),
            str(s.rows_rejected),
            s.owner or "未知",
            style=style,
        )
    console.print(t)
    for s in report.sources:
        shown = escape(visible_bidi(s.path))
        for w in s.warnings:
            console.print(f"[yellow]提示[/] {shown}：{escape(visible_bidi(w))}")
        if s.error:
            console.print(f"[red]错误[/] {shown}：{escape(visible_bidi(s.error))}")
    counts = "，".join(f"{k} {v}" for k, v in report.table_counts.items())
    console.print(f"规范化数据表：{counts}")
    if report.attachments is not None and report.attachments.files:
        print_attach_report(report.attachments)
    if report.rejected:
        console.print(f"[yellow]共 {report.rejected} 行被拒绝，详见 `hongxian tables CASE_DIR rejects`。[/]")


def print_attach_report(a: AttachReport) -> None:
    states = "，".join(f"{ATTACHMENT_STATUS_ZH.get(k, k)} {v}" for k, v in sorted(a.status.items()))
    console.print(
        f"附件：{a.files} 个（关联到消息 {a.linked} 个；{states}）；页数 {a.pages}，"
        f"其中识别扫描页 {a.ocr_pages}；图片 {a.images}；沿用缓存 {a.cached}；用时 {a.seconds:.1f} 秒"
    )
    for path, status, reason in a.problems:
        shown = escape(visible_bidi(path))
        label = ATTACHMENT_STATUS_ZH.get(status, status)
        console.print(f"[yellow]附件{label}[/] {shown}：{escape(visible_bidi(reason))}")


def run_ingest(case_dir: Path, attach: AttachOptions | None = None) -> IngestReport:
    with progress_bar("导入") as step:
        return ingest_case(case_dir, progress=step, attach=attach)


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_table(case_dir: Path, name: str, fmt: TableFormat, out: Path | None) -> None:
    table = read_table(case_dir, name)
    if fmt is TableFormat.parquet:
        if out is None:
            raise typer.BadParameter("parquet 格式需要 --out 指定输出文件")
        pq.write_table(table, out)
        return
    with open(out, "w", encoding="utf-8", newline="") if out else nullcontext(sys.stdout) as fh:
        if fmt is TableFormat.jsonl:
            for row in table.to_pylist():
                fh.write(json_line({k: _jsonable(v) for k, v in row.items()}) + "\n")
        else:
            writer = csv.writer(fh)
            writer.writerow(table.column_names)
            for row in table.to_pylist():
                writer.writerow(
                    [
                        csv_cell("" if v is None else ";".join(v) if isinstance(v, list) else _jsonable(v))
                        for v in row.values()
                    ]
                )


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest(
        case_dir: Annotated[Path, typer.Argument(help="案件目录（含 case.toml）")],
        workers: Annotated[int, typer.Option("--workers", help="读取附件的进程数（0：不另开进程）")] = 2,
        ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="识别图片和扫描页中的文字")] = True,
        max_pages: Annotated[int, typer.Option("--max-pages", help="每个附件最多读取的页数")] = 50,
        max_mb: Annotated[int, typer.Option("--max-mb", help="附件大小上限（MB）")] = 100,
        timeout: Annotated[float, typer.Option("--attach-timeout", help="单个附件读取时限（秒）")] = 120.0,
    ) -> None:
        """导入案件目录：读取登记表与 exports/ 下的全部导出文件（含聊天附件），生成规范化数据表。"""
        limits = Limits(max_bytes=max_mb << 20, max_pages=max_pages, ocr=ocr)
        with case_errors():
            report = run_ingest(case_dir, AttachOptions(limits=limits, workers=workers, timeout=timeout))
        print_ingest_report(report)

    @app.command("tables")
    def tables(
        case_dir: Annotated[Path, typer.Argument(help="案件目录")],
        table: Annotated[str, typer.Argument(help="表名：" + "、".join(TABLE_NAMES))],
        fmt: Annotated[TableFormat, typer.Option("--format", help="输出格式")] = TableFormat.csv,
        out: Annotated[Path | None, typer.Option("--out", help="输出文件（默认标准输出）")] = None,
    ) -> None:
        """导出一张规范化数据表（csv / jsonl / parquet）。"""
        if table not in TABLE_NAMES:
            err_console.print(f"[red]错误：[/]未知表名“{table}”，可选：{'、'.join(TABLE_NAMES)}")
            raise typer.Exit(2)
        with case_errors():
            ensure_ingested(case_dir)
        export_table(case_dir, table, fmt, out)


def ensure_ingested(case_dir: Path) -> None:
    """Ingest a case that has no dataset yet (as `screen` does), saying so on stderr."""
    from hongxian.case import CasePaths, load_case_config
    from hongxian.dataset.store import TableStore

    load_case_config(case_dir)  # CaseError (exit 2) before anything is written
    if TableStore(CasePaths(case_dir).state).has_dataset():
        return
    err_console.print("案件尚未导入，先导入（等同 hongxian ingest）……")
    report = run_ingest(case_dir)
    err_console.print(f"导入完成：{len(report.sources)} 个文件，拒绝 {report.rejected} 行。")
