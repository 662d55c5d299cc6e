"""Small DuckDB helpers shared by the normalise steps."""

from __future__ import annotations

import duckdb


def materialize(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Make ``table`` a real table (it may still be a view over the parts) before updating it."""
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()
    if kind and kind[0] == "VIEW":
        con.execute(f"CREATE TABLE _materialized AS SELECT * FROM {table}")
        con.execute(f"DROP VIEW {table}")
        con.execute(f"ALTER TABLE _materialized RENAME TO {table}")


def count_rows(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The value of a ``SELECT count(*) …`` query (an aggregate without GROUP BY: always one row)."""
    row = con.execute(sql).fetchone()
    if row is None:
        raise ValueError(f"count query returned no row: {sql}")
    return int(row[0])
