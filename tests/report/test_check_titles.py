"""Reports show a check by its Chinese title; the technical id is only a muted 规则编号 (HTML) or its own
column (XLSX)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl

from hongxian.report.api import render_bytes
from hongxian.report.inputs import SuppressedNote
from hongxian.report.view import build_view
from hongxian.report.xlsx import render_xlsx

from .conftest import make_input, ts

CHECK = "gift-money.splitting"
TITLE = "化整为零：多次收受 200 元封顶红包"


def _input():
    inp = make_input()
    for rf in inp.findings:
        rf.finding = rf.finding.model_copy(update={"check_id": CHECK})
    inp.suppressed = [SuppressedNote(CHECK, "", "已另案处理", "审查员甲", ts(28) + timedelta(days=30), 3)]
    return inp


def test_view_and_suppressed_note_use_the_check_title() -> None:
    v = build_view(_input())
    assert {(f.check_title, f.check_id) for f in v.findings} == {(TITLE, CHECK)}
    assert f"检查项“{TITLE}”（全部对象） 3 项" in v.suppressed and CHECK not in v.suppressed


def test_html_shows_the_title_and_the_id_only_as_a_muted_rule_number() -> None:
    html = render_bytes(_input(), "html").decode()
    assert html.count(f'{TITLE}<br><small class="muted rule-id">规则编号 {CHECK}</small>') == 2
    assert CHECK not in re.sub(r'<small class="muted rule-id">[^<]*</small>', "", html)


def test_xlsx_check_columns_hold_the_title_and_the_id_its_own_column() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(_input())))
    header = [c.value for c in wb["发现"][1]]
    row = [c.value for c in wb["发现"][2]]
    assert row[header.index("检查项")] == TITLE and row[header.index("规则编号")] == CHECK
    rules = wb["规则引用"]
    assert [c.value for c in rules[1]][1] == "检查项" and rules["B2"].value == TITLE
