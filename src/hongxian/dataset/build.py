"""The normalise stage: reader parts → canonical dataset tables.

Runs as a sequence of SQL steps in DuckDB over the per-source parts:

1. union the parts of each table and keep one row per primary key (ids are content
   fingerprints, so the same row from two files or shards collapses; when no key repeats, the
   messages stay a view over the parts until a step updates them: `materialize`);
2. the steps in `NORMALISE_STEPS` (account resolution, chat ↔ bill payment linking, refund
   pairing), each a function over the connection that rewrites the working tables in place;
3. write the results to ``.hongxian/dataset/`` (DuckDB's own Parquet writer, sorted by time and id).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import duckdb

from hongxian.canonical import SCHEMAS
from hongxian.dataset.duck import count_rows
from hongxian.dataset.store import TableStore
from hongxian.schema import CASE_TABLES, PRIMARY_KEYS, SOURCE_TABLES

Step = Callable[[duckdb.DuckDBPyConnection], None]


LAZY_TABLES = ("messages",)
"""Tables left as a view over the parts when nothing repeats (no copy of a million messages);
a step that updates one first calls `materialize`."""


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _load_parts(con: duckdb.DuckDBPyConnection, store: TableStore) -> None:
    for table in SOURCE_TABLES:
        files = [str(p) for p in store.part_files(table)]
        cols = ", ".join(f'"{c}"' for c in SCHEMAS[table].names)
        if files:
            source = f"read_parquet({_sql_list(files)}, union_by_name=true)"
        else:
            con.register(f"_empty_{table}", SCHEMAS[table].empty_table())
            source = f"_empty_{table}"
        con.execute(f"CREATE OR REPLACE VIEW raw_{table} AS SELECT {cols} FROM {source}")
        _dedupe(con, table)


def _dedupe(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """One row per primary key. Ids are content fingerprints, so most keys occur once: only the
    keys that repeat are ranked (prefer rows with more filled columns, then the source id)."""
    keys = PRIMARY_KEYS[table]
    key_list = ", ".join(keys)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dups AS SELECT {key_list} FROM raw_{table} "
        f"GROUP BY {key_list} HAVING count(*) > 1"
    )
    cols = ", ".join(f'"{c}"' for c in SCHEMAS[table].names)
    if count_rows(con, "SELECT count(*) FROM _dups") == 0:
        if table in LAZY_TABLES:
            con.execute(f"ALTER VIEW raw_{table} RENAME TO {table}")
            return
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {cols} FROM raw_{table}")
    else:
        filled = " + ".join(f'("{c}" IS NOT NULL)::INT' for c in SCHEMAS[table].names)
        match = " AND ".join(f"d.{k} IS NOT DISTINCT FROM r.{k}" for k in keys)
        repeated = f"EXISTS (SELECT 1 FROM _dups d WHERE {match})"
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {cols} FROM raw_{table} r WHERE NOT {repeated} "
            f"UNION ALL SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY {key_list} "
            f"ORDER BY ({filled}) DESC, source_id) AS _rn FROM raw_{table} r WHERE {repeated}) WHERE _rn = 1"
        )
    con.execute(f"DROP VIEW raw_{table}")


def _load_case(con: duckdb.DuckDBPyConnection, store: TableStore) -> None:
    for table in CASE_TABLES:
        con.register(f"_case_{table}", store.read(store.case_path(table), table))
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _case_{table}")


def normalise_steps() -> list[Step]:
    """The ordered normalise steps after de-duplication."""
    from hongxian.dataset import identity, linking

    return [
        identity.resolve_accounts,
        linking.link_payments,
        linking.pair_refunds,
        identity.mark_registered_groups,
    ]


def build_dataset(
    store: TableStore,
    steps: list[Step] | None = None,
    wrap: Callable[[duckdb.DuckDBPyConnection], duckdb.DuckDBPyConnection] | None = None,
) -> dict[str, int]:
    """Rebuild ``dataset/`` from the parts; returns row counts per table. ``wrap`` may stand a
    recording connection in for the real one (`hongxian.testing.plans.PlanRecorder`)."""
    raw = duckdb.connect(":memory:")
    con = wrap(raw) if wrap else raw
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    try:
        _load_case(con, store)
        _load_parts(con, store)
        for step in normalise_steps() if steps is None else steps:
            step(con)
        return {table: _write(con, store, table) for table in SOURCE_TABLES}
    finally:
        raw.close()


def _write(con: duckdb.DuckDBPyConnection, store: TableStore, table: str) -> int:
    """Sorted table → ``dataset/<table>.parquet``, written by DuckDB itself (no Arrow round trip);
    `TableStore.read` casts it back to the canonical schema."""
    cols = ", ".join(f'"{c}"' for c in SCHEMAS[table].names)
    order = ", ".join(PRIMARY_KEYS[table])
    if table in ("messages", "payments"):
        order = "ts, " + order
    path = store.dataset_path(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    target = str(tmp).replace("'", "''")
    con.execute(
        f"COPY (SELECT {cols} FROM {table} ORDER BY {order}) TO '{target}' "
        "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
    )
    os.replace(tmp, path)
    return count_rows(con, f"SELECT count(*) FROM {table}")
