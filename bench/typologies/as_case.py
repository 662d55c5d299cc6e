"""The generated organisation as a case folder that ``hongxian screen`` opens without ingesting:
case.toml plus the canonical tables in the case's state folder (as ``hongxian ingest`` leaves them).
The payments are those of the benchmark; the whole command then runs every check of the shipped
rulebook (payments, groups, text on the few messages) and records the findings for review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from screen_child import load_payments

from hongxian.case import CasePaths
from hongxian.dataset.store import TableStore

CASE_TOML = """\
[case]
id = "基准-类型-001"
title = "资金类型基准（合成数据）"

[authorisation]
approved_by = "基准测试"
approved_on = 2024-07-01
basis = "初步核实"
case_number = "基准〔2024〕1号"
"""


def write_case(folder: Path) -> Path:
    """Write (or rewrite) ``folder/case``; returns its path."""
    root = folder / "case"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    store = TableStore(CasePaths(root).state)
    for name in ("people", "relations", "events"):
        store.write_case_table(name, pq.read_table(folder / f"{name}.parquet"))
    for name in ("group_members", "messages"):
        store.write_dataset_table(name, pq.read_table(folder / f"{name}.parquet"))
    store.write_dataset_table("payments", load_payments(folder))
    return root
