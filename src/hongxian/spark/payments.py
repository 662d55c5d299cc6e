"""The payment typologies on Spark SQL: the same portable SQL, through a connection adapter.

The payment detectors talk to a DuckDB-like connection (``sql``, ``execute``, ``register``).
`SparkConnection` gives them one over a SparkSession: temp views instead of DuckDB temp tables
(materialised with ``localCheckpoint``), the one ``DELETE`` the frame issues as a filtered view,
and ``dialect_name = "spark"`` so `PaymentFrame` takes the Spark dialect (its engine-specific
expressions). `SparkCaseData` stands for one case's Dataset: the small tables in Arrow (as in the
embedded engine), messages and payments as Spark views of that case only.
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.canonical import SCHEMAS, TS
from hongxian.dataset.dataset import ALL_TABLES
from hongxian.detect.base import DetectContext
from hongxian.spark.source import CASE_COLUMN
from hongxian.spark.tasks import Shared

_CREATE = re.compile(r"^\s*CREATE\s+OR\s+REPLACE\s+TEMP\s+TABLE\s+(\w+)\s+AS\s+(.*)$", re.S | re.I)
_DELETE = re.compile(r"^\s*DELETE\s+FROM\s+(\w+)\s+WHERE\s+(.*)$", re.S | re.I)
PREFIX = "hx_"


_VARCHAR = re.compile(r"\bAS\s+VARCHAR\b(?!\s*\()", re.I)


def to_spark_sql(query: str) -> str:
    """The few spellings of the portable SQL that Spark SQL reads differently: a bare ``VARCHAR``
    (Spark wants a length; ``STRING`` is the same type)."""
    return _VARCHAR.sub("AS STRING", query)


class _Result:
    def __init__(self, df):
        self.df = df

    @property
    def columns(self) -> list[str]:
        return list(self.df.columns)

    def to_arrow_table(self) -> pa.Table:
        """The result with timestamps in China time, as DuckDB returns them."""
        table = self.df.toArrow()
        for i, f in enumerate(table.schema):
            if pa.types.is_timestamp(f.type):
                table = table.set_column(i, f.name, table.column(i).cast(TS))
        return table


class SparkConnection:
    """The subset of a DuckDB connection the payment typologies use, over a SparkSession."""

    dialect_name = "spark"

    def __init__(self, spark):
        self.spark = spark
        self.views: set[str] = set()

    def sql(self, query: str, params: list | None = None) -> _Result:
        query = to_spark_sql(query)
        return _Result(self.spark.sql(query, args=params) if params else self.spark.sql(query))

    def execute(self, statement: str) -> None:
        statement = to_spark_sql(statement)
        if m := _CREATE.match(statement):
            self._materialise(m.group(1), self.spark.sql(m.group(2)))
        elif m := _DELETE.match(statement):
            self._materialise(
                m.group(1), self.spark.sql(f"SELECT * FROM {m.group(1)} WHERE NOT ({m.group(2)})")
            )
        else:
            self.spark.sql(statement)
            if name := re.search(r"VIEW\s+(\w+)", statement, re.I):
                self.views.add(name.group(1))

    def _materialise(self, name: str, df) -> None:
        df.localCheckpoint(eager=True).createOrReplaceTempView(name)
        self.views.add(name)

    def register(self, name: str, table: pa.Table) -> None:
        self.view(name, self.spark.createDataFrame(table) if table.num_rows else _empty_df(self.spark, table))

    def view(self, name: str, df) -> None:
        df.createOrReplaceTempView(name)
        self.views.add(name)

    def table_exists(self, name: str) -> bool:
        return name in self.views

    def close(self) -> None:
        for name in self.views:
            self.spark.catalog.dropTempView(name)
        self.views.clear()


def _empty_df(spark, table: pa.Table):
    return spark.createDataFrame(pa.Table.from_batches([], schema=table.schema))


class SparkCaseData:
    """One case's Dataset for the payment detectors (see the module docstring)."""

    def __init__(self, con: SparkConnection, registers: dict[str, pa.Table], frames: dict, case_id: str):
        self.con = con
        self.tables = {n: registers.get(n, SCHEMAS[n].empty_table()) for n in ALL_TABLES}
        self.present: set[str] = set()
        for name, table in self.tables.items():
            if name not in ("messages", "payments"):
                con.register(name, table)
        for name in ("messages", "payments"):
            df = frames[name].where(frames[name][CASE_COLUMN] == case_id).drop(CASE_COLUMN)
            con.view(name, df)
            self.present.add(name) if df.limit(1).count() else None
        owners = con.sql("SELECT DISTINCT owner_account FROM payments").to_arrow_table().column(0)
        self.tables["payments"] = _owners_only(owners)

    def __getitem__(self, name: str) -> pa.Table:
        return self.tables[name]

    def has(self, name: str) -> bool:
        return name in self.present or (
            name not in ("messages", "payments") and self.tables[name].num_rows > 0
        )

    def sql(self, query: str, params: list | None = None) -> pa.Table:
        return self.con.sql(query, params).to_arrow_table()

    def close(self) -> None:
        self.con.close()


def _owners_only(owners: pa.ChunkedArray) -> pa.Table:
    """The payments table as the frame reads it in Python: only its distinct export owners (the
    rows themselves stay in Spark)."""
    owners = pc.drop_null(owners)
    schema = SCHEMAS["payments"]
    cols: dict[str, Any] = {f.name: pa.nulls(len(owners), f.type) for f in schema}
    cols["owner_account"] = owners.cast(pa.string())
    return pa.table(cols, schema=schema)


def payment_rows(spark, frames: dict, shared: Shared) -> list[tuple[str, str, str]]:
    """Run each case's payment steps on Spark SQL, case after case, on the driver."""
    from hongxian.spark.tasks import run_steps

    rows: list[tuple[str, str, str]] = []
    for case_id in sorted(shared.plan):
        if not shared.steps(case_id, "payments"):
            continue
        data = SparkCaseData(SparkConnection(spark), shared.registers.get(case_id, {}), frames, case_id)
        rows += run_steps(shared, case_id, data, "payments")  # type: ignore[arg-type]
    return rows


__all__ = ["DetectContext", "SparkCaseData", "SparkConnection", "payment_rows"]
