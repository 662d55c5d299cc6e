"""Persistence of canonical tables under ``CASE_DIR/.hongxian/`` as Parquet.

Layout (documented in docs/storage.md)::

    .hongxian/
      sources.parquet              one row per ingested file (sha256, format, counts, owner)
      rejects.parquet              every rejected row of every source (file, row, column, reason)
      case/<table>.parquet         people, relations, events, group_register, account_register
      parts/<table>/<source>.parquet   rows as each reader produced them, one file per source
      dataset/<table>.parquet      the canonical tables: parts unioned, de-duplicated, linked

Parts are per source so an unchanged file (same sha256) is skipped and a changed one is
replaced without touching the others.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hongxian.case import CasePaths
from hongxian.schema import SCHEMAS, SOURCE_TABLES


def _atomic_write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


class PartWriter:
    """Streams a reader's batches to per-table part files; nothing is visible until `commit`."""

    def __init__(self, store: TableStore, source_id: str):
        self.store, self.source_id = store, source_id
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._tmp: dict[str, Path] = {}

    def __call__(self, table: str, batch: pa.RecordBatch) -> None:
        if table not in self._writers:
            path = self.store.part_path(table, self.source_id).with_suffix(".tmp")
            path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp[table] = path
            self._writers[table] = pq.ParquetWriter(path, SCHEMAS[table], compression="zstd")
        self._writers[table].write_batch(batch)

    def commit(self) -> None:
        for table, writer in self._writers.items():
            writer.close()
            os.replace(self._tmp[table], self.store.part_path(table, self.source_id))

    def abort(self) -> None:
        for table, writer in self._writers.items():
            writer.close()
            self._tmp[table].unlink(missing_ok=True)


class TableStore:
    def __init__(self, state_dir: Path):
        self.root = Path(state_dir)

    # -- paths
    def part_path(self, table: str, source_id: str) -> Path:
        return self.root / "parts" / table / f"{source_id}.parquet"

    def case_path(self, table: str) -> Path:
        return self.root / "case" / f"{table}.parquet"

    def dataset_path(self, table: str) -> Path:
        return self.root / "dataset" / f"{table}.parquet"

    @property
    def sources_path(self) -> Path:
        return self.root / "sources.parquet"

    @property
    def rejects_path(self) -> Path:
        return self.root / "rejects.parquet"

    # -- reading
    def read(self, path: Path, table: str) -> pa.Table:
        if not path.is_file():
            return SCHEMAS[table].empty_table()
        return pq.read_table(path, schema=SCHEMAS[table])

    def sources(self) -> pa.Table:
        return self.read(self.sources_path, "sources")

    def rejects(self) -> pa.Table:
        return self.read(self.rejects_path, "rejects")

    def part_files(self, table: str) -> list[Path]:
        folder = self.root / "parts" / table
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else []

    def has_dataset(self) -> bool:
        return self.dataset_path("messages").is_file() or self.dataset_path("payments").is_file()

    # -- writing
    def write_sources(self, table: pa.Table) -> None:
        _atomic_write(table, self.sources_path)

    def write_rejects(self, table: pa.Table) -> None:
        _atomic_write(table, self.rejects_path)

    def write_case_table(self, name: str, table: pa.Table) -> None:
        _atomic_write(table, self.case_path(name))

    def write_dataset_table(self, name: str, table: pa.Table) -> None:
        _atomic_write(table, self.dataset_path(name))

    def drop_source(self, source_id: str) -> None:
        for table in SOURCE_TABLES:
            self.part_path(table, source_id).unlink(missing_ok=True)

    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def read_table(case_dir: Path, table: str) -> pa.Table:
    """A persisted table of a case folder by canonical name (case tables, dataset tables, sources,
    rejects)."""
    store = TableStore(CasePaths(case_dir).state)
    if table == "sources":
        return store.sources()
    if table == "rejects":
        return store.rejects()
    if store.case_path(table).is_file():
        return store.read(store.case_path(table), table)
    return store.read(store.dataset_path(table), table)
