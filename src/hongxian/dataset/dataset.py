"""A `Dataset`: the canonical tables of one case, in memory as Arrow and queryable with DuckDB.

Detectors receive a Dataset. Tests and rule cases build one from small in-memory tables with
`Dataset.from_tables`; the CLI opens the one persisted under ``.hongxian/dataset``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from hongxian.canonical import SCHEMAS, table_from_rows
from hongxian.dataset.store import TableStore
from hongxian.schema import CASE_TABLES, DERIVED_TABLES, SOURCE_TABLES

ALL_TABLES = CASE_TABLES + SOURCE_TABLES + DERIVED_TABLES


class Dataset:
    def __init__(self, tables: dict[str, pa.Table]):
        self.tables: dict[str, pa.Table] = {}
        for name in ALL_TABLES:
            t = tables.get(name)
            self.tables[name] = (
                SCHEMAS[name].empty_table()
                if t is None
                else t.select(SCHEMAS[name].names).cast(SCHEMAS[name])
            )
        self._con: duckdb.DuckDBPyConnection | None = None

    @classmethod
    def from_rows(cls, **rows: list[dict]) -> Dataset:
        return cls({name: table_from_rows(name, r) for name, r in rows.items()})

    @classmethod
    def from_tables(cls, **tables: pa.Table) -> Dataset:
        return cls(tables)

    @classmethod
    def open(cls, state_dir: Path) -> Dataset:
        store = TableStore(state_dir)
        tables = {n: store.read(store.case_path(n), n) for n in CASE_TABLES}
        tables |= {n: store.read(store.dataset_path(n), n) for n in SOURCE_TABLES + DERIVED_TABLES}
        return cls(tables)

    def __getitem__(self, name: str) -> pa.Table:
        return self.tables[name]

    def has(self, name: str) -> bool:
        return self.tables[name].num_rows > 0

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with every table registered under its canonical name."""
        if self._con is None:
            con = duckdb.connect(":memory:")
            con.execute("SET TimeZone = 'Asia/Shanghai'")
            for name, table in self.tables.items():
                con.register(name, table)
            self._con = con
        return self._con

    def sql(self, query: str, params: list | None = None) -> pa.Table:
        return self.con.sql(query, params=params).to_arrow_table()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
