"""Issue 13 items 11 and 14 on exports: CSV cells never run as formulas; bidi controls in file
names are escaped in JSONL and shown visibly in the CLI and reports."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.report.html import jinja_env
from hongxian.testing.bills import WeChatBillRow, write_wechat_csv
from hongxian.textsafe import csv_cell

RLO = "\u202e"
HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","点我")', "@SUM(1+1)", "+1+1", "-2+3"]


def _bill(case_dir: Path, name: str = "bill.csv") -> Path:
    rows = [
        WeChatBillRow(
            datetime(2024, 3, 1, 10, i),
            "转账",
            party,
            party,
            "支出",
            100 + i,
            "零钱",
            "支付成功",
            f"T{i}",
            "/",
        )
        for i, party in enumerate(HOSTILE)
    ]
    return write_wechat_csv(case_dir / "exports" / name, rows)


def test_tables_csv_neutralises_formulas(case_dir: Path) -> None:
    _bill(case_dir)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(case_dir)]).exit_code == 0
    out = case_dir / "payments.csv"
    result = runner.invoke(app, ["tables", str(case_dir), "payments", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert {r["counterparty_name"] for r in rows} == {"'" + h for h in HOSTILE}


def test_csv_cell_rule() -> None:
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("\t=1") == "'\t=1" and csv_cell("＝1") == "'＝1"
    assert csv_cell("正常") == "正常" and csv_cell(-5) == -5 and csv_cell(None) is None


def test_bidi_file_name_is_escaped_in_jsonl_and_shown_in_the_cli(case_dir: Path) -> None:
    _bill(case_dir, f"invoice{RLO}vsc.csv")
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(case_dir)], env={"COLUMNS": "250"})
    assert ingest.exit_code == 0 and RLO not in ingest.output and "⟨U+202E⟩" in ingest.output
    result = runner.invoke(app, ["tables", str(case_dir), "sources", "--format", "jsonl"])
    assert result.exit_code == 0
    assert RLO not in result.output and "\\u202e" in result.output
    (row,) = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert row["path"] == f"exports/invoice{RLO}vsc.csv"  # the data itself is unchanged


def test_report_templates_show_bidi_controls() -> None:
    page = jinja_env().from_string("<p>{{ name }}</p>").render(name=f"a{RLO}b")
    assert RLO not in page and "⟨U+202E⟩" in page
