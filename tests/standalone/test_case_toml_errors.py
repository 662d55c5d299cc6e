"""case.toml mistakes are reported in Chinese with the file and the line (issue 12 item 9), never as
tomllib's or pydantic's English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hongxian.cli import app
from tests.conftest import CASE_TOML

ENGLISH = re.compile(r"Invalid|Expected|Input should|Illegal|at line|column \d")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('title = "测试案件"', "title = 测试案件", "第 3 行第 9 列：case.toml 格式错误：值无效"),
        ('id = "T-001"', 'id "T-001"', "第 2 行第 4 列：case.toml 格式错误：键名后面缺少“="),
        (
            'title = "测试案件"',
            'title = "测试案件',
            "第 3 行第 14 列：case.toml 格式错误：字符串缺少结束的英文双引号",
        ),
        ("approved_on = 2024-01-01", 'approved_on = "昨天"', "第 7 行：[authorisation] 授权段 → 审批日期"),
    ],
)
def test_case_toml_errors_name_file_and_line_in_chinese(case_dir: Path, old: str, new: str, expected: str):
    (case_dir / "case.toml").write_text(CASE_TOML.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(case_dir)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "case.toml" in text and expected in text, text
    assert not ENGLISH.search(text), text


def test_a_date_written_as_text_says_what_to_write(case_dir: Path):
    from hongxian.case import CaseError, load_case_config

    (case_dir / "case.toml").write_text(CASE_TOML.replace("2024-01-01", '"2024年1月1日"'), encoding="utf-8")
    with pytest.raises(CaseError, match=r"第 7 行：.*应为日期（如 2024-01-31）"):
        load_case_config(case_dir)
