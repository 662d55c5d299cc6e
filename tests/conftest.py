"""Shared fixtures: a minimal authorised case folder."""

from __future__ import annotations

from pathlib import Path

import pytest

CASE_TOML = """\
[case]
id = "T-001"
title = "测试案件"

[authorisation]
approved_by = "某县纪委监委第三审查调查室"
approved_on = 2024-01-01
basis = "立案审查"
"""

PEOPLE_HEADER = (
    "人员编号,姓名,单位,职务,职级,政治面貌,身份类别,职责,籍贯,"
    "微信号,微信昵称,支付宝账号,手机号,在职状态,调离日期"
)


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """An empty authorised case folder with exports/."""
    d = tmp_path / "case"
    (d / "exports").mkdir(parents=True)
    (d / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    return d


EXTERNAL_DIR = Path(__file__).resolve().parent / "data" / "external"


@pytest.fixture
def external_dir() -> Path:
    """tests/data/external: the real public sample bills vendored in the repository (NOTICE)."""
    return EXTERNAL_DIR
