"""Portable SQL helpers for the payment typologies.

The typology SQL is written in the common subset of DuckDB and Spark SQL: plain joins,
``GROUP BY``, ``ROW_NUMBER``/``LAG``/``LEAD`` windows, ``CASE``, ``regexp_extract``,
``position(x IN y)``, ``CAST``. Times are turned once into integer epoch seconds (``tsec``) and
local day numbers (``day_no``, Asia/Shanghai = UTC+8 without DST since 1991) so that window
arithmetic is integer arithmetic. The few engine-specific expressions live in `Dialect`.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400
LOCAL_OFFSET = 8 * 3600


@dataclass(frozen=True)
class Dialect:
    name: str = "duckdb"

    def epoch_sec(self, col: str) -> str:
        if self.name == "spark":
            return f"CAST(unix_timestamp({col}) AS BIGINT)"
        return f"CAST(floor(epoch({col})) AS BIGINT)"

    def day_no(self, sec_expr: str) -> str:
        return f"CAST(floor(({sec_expr} + {LOCAL_OFFSET}) / {DAY}) AS BIGINT)"

    def last_digit(self, fen_expr: str) -> str:
        return (
            f"CAST(({fen_expr}) % 10 AS VARCHAR(1))"
            if self.name != "spark"
            else f"CAST(({fen_expr}) % 10 AS STRING)"
        )


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def dialect_of(con) -> Dialect:
    """The dialect of a connection: DuckDB's, or the one an adapter declares (``dialect_name``,
    e.g. the Spark engine's connection over a SparkSession)."""
    return Dialect(getattr(con, "dialect_name", "duckdb"))


def in_list(values: list[str] | tuple[str, ...]) -> str:
    """A SQL ``IN (...)`` list of string literals (values are our own constants)."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def table_exists(con, name: str) -> bool:
    if hasattr(con, "table_exists"):  # an adapter over another engine knows its own catalogue
        return bool(con.table_exists(name))
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()[0]
    return bool(row and row[0])
