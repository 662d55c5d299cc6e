"""Measured skew of a generated payments folder (issue 18): how concentrated the activity is.

Accounts are counted on both sides (a payment counts once for its payer and once for its payee);
``person`` accounts are people (``u…`` ordinary population, ``w…`` registered people), merchants
(``m…``) are reported apart. Group packets are the group 拼手气 sends (one per packet, shares apart).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

PARTS = ("payments_inj", "bg_simple", "bg_group")


def measure(folder: Path) -> dict:
    con = duckdb.connect()
    files = ", ".join(f"'{folder / f'{p}.parquet'}'" for p in PARTS)
    con.execute(
        "CREATE TEMP TABLE pay AS SELECT payment_id, payer_account, payee_account, chat_id, ext_id "
        f"FROM read_parquet([{files}], union_by_name = true)"
    )
    con.execute("""
    CREATE TEMP TABLE acc AS
    SELECT account, count(*) AS n FROM (
      SELECT payer_account AS account FROM pay UNION ALL SELECT payee_account FROM pay
    ) WHERE account IS NOT NULL GROUP BY account""")
    persons = _concentration(con, "account[1] IN ('u', 'w')")
    merchants = _concentration(con, "account[1] = 'm'")
    groups = con.execute("""
    SELECT count(*) FILTER (WHERE packets >= 10000), coalesce(max(packets), 0), coalesce(max(n), 0), count(*)
    FROM (SELECT chat_id, count(DISTINCT ext_id) AS packets, count(*) AS n FROM pay
          WHERE chat_id IS NOT NULL GROUP BY chat_id)""").fetchone()
    total = con.execute("SELECT count(*) FROM pay").fetchone()[0]
    con.close()
    assert groups is not None
    return {
        "payments": total,
        "person": persons,
        "merchant": merchants,
        "groups": groups[3],
        "groups_ge_1e4_packets": groups[0],
        "max_group_packets": groups[1],
        "max_group_rows": groups[2],
    }


def _concentration(con: duckdb.DuckDBPyConnection, where: str) -> dict:
    """Share of the top 1% of accounts (by payment count), accounts with 10⁴+ payments, the busiest."""
    row = con.execute(f"""
    WITH a AS (SELECT n, row_number() OVER (ORDER BY n DESC) AS rk, count(*) OVER () AS k
               FROM acc WHERE {where})
    SELECT count(*), coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE rk <= greatest(1, k // 100)), 0),
           count(*) FILTER (WHERE n >= 10000), coalesce(max(n), 0)
    FROM a""").fetchone()
    assert row is not None
    accounts, occurrences, top, big, busiest = row
    return {
        "accounts": accounts,
        "top1pct_share": top / occurrences if occurrences else 0.0,
        "ge_1e4": big,
        "max": busiest,
    }


def top_accounts(folder: Path, k: int) -> list[str]:
    """The ``k`` busiest person accounts (for the fixed-population check)."""
    files = ", ".join(f"'{folder / f'{p}.parquet'}'" for p in PARTS)
    rows = duckdb.sql(f"""
    SELECT account FROM (
      SELECT payer_account AS account FROM read_parquet([{files}], union_by_name = true)
      UNION ALL SELECT payee_account FROM read_parquet([{files}], union_by_name = true))
    WHERE account[1] IN ('u', 'w') GROUP BY account ORDER BY count(*) DESC, account LIMIT {k}""").fetchall()
    return [r[0] for r in rows]


def describe(s: dict) -> str:
    p, m = s["person"], s["merchant"]
    return (
        f"skew: top 1% of {p['accounts']:,} person accounts hold {p['top1pct_share']:.1%} of their payments "
        f"(busiest {p['max']:,}; {p['ge_1e4']} with ≥ 10⁴); merchants top 1% {m['top1pct_share']:.1%} "
        f"(busiest {m['max']:,}; {m['ge_1e4']} with ≥ 10⁴); {s['groups']:,} group chats, "
        f"{s['groups_ge_1e4_packets']} with ≥ 10⁴ packets (busiest {s['max_group_packets']:,} packets, "
        f"{s['max_group_rows']:,} rows)"
    )
