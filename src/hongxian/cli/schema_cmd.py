"""`hongxian schema findings`: the JSON Schema of findings.jsonl, as shipped inside the package."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    schema_app = typer.Typer(help="输出数据格式说明（JSON Schema）。", no_args_is_help=True)

    @schema_app.command("findings")
    def findings(
        out: Annotated[Path | None, typer.Option("--out", help="写入文件（默认输出到标准输出）")] = None,
    ) -> None:
        """findings.jsonl 每一行的 JSON Schema（筛查结果的格式）。"""
        from hongxian.schema import findings_schema_text

        text = findings_schema_text()
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")

    app.add_typer(schema_app, name="schema")
