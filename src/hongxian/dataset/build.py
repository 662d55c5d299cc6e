"""The normalise stage: reader parts → canonical dataset tables.

Runs as a sequence of SQL steps in DuckDB over the per-source parts:

1. union the parts of each table and keep one row per primary key (ids are content
   fingerprints, so the same row from two files or shards collapses);
2. the steps in `NORMALISE_STEPS` (account resolution, chat ↔ bill payment linking, refund
   pairing), each a function over the connection that rewrites the working tables in place;
3. write the results to ``.hongxian/dataset/``.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from hongxian.dataset.store import TableStore
from hongxian.schema import CASE_TABLES, PRIMARY_KEYS, SCHEMAS, SOURCE_TABLES

Step = Callable[[duckdb.DuckDBPyConnection], None]


def _load_parts(con: duckdb.DuckDBPyConnection, store: TableStore) -> None:
    for table in SOURCE_TABLES:
        files = [str(p) for p in store.part_files(table)]
        schema = SCHEMAS[table]
        empty = schema.empty_table()
        con.register(f"_empty_{table}", empty)
        if files:
            con.execute(
                f"CREATE OR REPLACE TABLE raw_{table} AS SELECT * FROM read_parquet(?, union_by_name=true)",
                [files],
            )
        else:
            con.execute(f"CREATE OR REPLACE TABLE raw_{table} AS SELECT * FROM _empty_{table}")
        keys = ", ".join(PRIMARY_KEYS[table])
        cols = ", ".join(f'"{c}"' for c in schema.names)
        # Deterministic choice among duplicates: prefer rows with more filled columns, then source id.
        filled = " + ".join(f'("{c}" IS NOT NULL)::INT' for c in schema.names)
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {cols} FROM ("
            f" SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY ({filled}) DESC, source_id) AS _rn"
            f" FROM raw_{table}) WHERE _rn = 1"
        )
        con.execute(f"DROP TABLE raw_{table}")


def _load_case(con: duckdb.DuckDBPyConnection, store: TableStore) -> None:
    for table in CASE_TABLES:
        con.register(f"_case_{table}", store.read(store.case_path(table), table))
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _case_{table}")


def normalise_steps() -> list[Step]:
    """The ordered normalise steps after de-duplication."""
    from hongxian.dataset import identity, linking

    return [identity.resolve_accounts, linking.link_payments, linking.pair_refunds, identity.mark_registered_groups]


def build_dataset(store: TableStore, steps: list[Step] | None = None) -> dict[str, int]:
    """Rebuild ``dataset/`` from the parts; returns row counts per table."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    try:
        _load_case(con, store)
        _load_parts(con, store)
        for step in normalise_steps() if steps is None else steps:
            step(con)
        counts = {}
        for table in SOURCE_TABLES:
            cols = ", ".join(f'"{c}"' for c in SCHEMAS[table].names)
            order = ", ".join(PRIMARY_KEYS[table])
            if table in ("messages", "payments"):
                order = "ts, " + order
            result: pa.Table = con.sql(f"SELECT {cols} FROM {table} ORDER BY {order}").to_arrow_table()
            store.write_dataset_table(table, result.cast(SCHEMAS[table]))
            counts[table] = result.num_rows
        return counts
    finally:
        con.close()
