"""Canonical tables partitioned by case: the Spark engine's input.

Layout (any URI Spark reads: a local path, ``hdfs://``, ``s3a://``)::

    ROOT/<table>/case_id=<case id>/part-0.parquet

with the Arrow schemas of `hongxian.canonical.SCHEMAS`. `export_cases` writes case folders (ingested
first when they have no dataset, the case's [scope] applied as in the embedded screen) into that
layout on a local path; a platform that already keeps canonical tables writes the same layout itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hongxian.canonical import SCHEMAS
from hongxian.case import CaseError, CasePaths, load_case_config
from hongxian.dataset.dataset import ALL_TABLES, Dataset
from hongxian.dataset.store import TableStore

CASE_COLUMN = "case_id"
SAFE_CASE_ID = re.compile(r"^\w[\w.\-]*$")


def check_case_id(case_id: str, where: str) -> str:
    if not SAFE_CASE_ID.match(case_id):
        raise CaseError(f"{where}：案件编号 {case_id!r} 不能用作分区名（只允许文字、数字、_ . -）")
    return case_id


def write_canonical(tables: dict[str, pa.Table], case_id: str, root: Path) -> None:
    """One case's canonical tables (missing tables empty) under ROOT/<table>/case_id=<id>/."""
    check_case_id(case_id, str(root))
    for name in ALL_TABLES:
        table = tables.get(name)
        table = SCHEMAS[name].empty_table() if table is None else table.select(SCHEMAS[name].names)
        part = Path(root) / name / f"{CASE_COLUMN}={case_id}"
        part.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.cast(SCHEMAS[name]), part / "part-0.parquet")


def case_folders(path: Path) -> list[Path]:
    """A case folder (with case.toml), or the case folders directly inside a folder of cases."""
    path = Path(path)
    if (path / "case.toml").is_file():
        return [path]
    found = sorted(p for p in path.iterdir() if (p / "case.toml").is_file()) if path.is_dir() else []
    if not found:
        raise CaseError(f"{path}：既不是案件目录（缺少 case.toml），也不含案件目录")
    return found


def export_cases(
    case_dirs: list[Path], root: Path, reingest: bool = False, progress: Callable | None = None
) -> dict[str, Path]:
    """Write the case folders' canonical tables under ROOT; returns case id → case folder."""
    from hongxian.ingest.pipeline import ingest_case
    from hongxian.screen import apply_scope

    out: dict[str, Path] = {}
    for case_dir in case_dirs:
        paths = CasePaths(case_dir)
        config = load_case_config(paths.root)
        case_id = check_case_id(config.case.id, str(paths.root / "case.toml"))
        if case_id in out:
            raise CaseError(f"案件编号 {case_id} 重复：{out[case_id]} 与 {paths.root}")
        if reingest or not TableStore(paths.state).has_dataset():
            ingest_case(paths.root, progress=progress)
        dataset = apply_scope(Dataset.open(paths.state), config.scope.start, config.scope.end)
        try:
            write_canonical(dataset.tables, case_id, root)
        finally:
            dataset.close()
        out[case_id] = paths.root
    return out
