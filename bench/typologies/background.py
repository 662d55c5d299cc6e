"""Ordinary activity (AMLSim-style stage 2, vectorised in DuckDB): merchant spending, transfers,
1:1 red packets (a few of exactly ¥200), QR payments and group 拼手气 packets with their shares,
over 2021–2023, among the ordinary population and the officials. Nothing here is labelled.
Ordinary accounts, merchants and group chats are drawn with heavy tails; officials uniformly."""

from __future__ import annotations

import duckdb
import pyarrow as pa

START = "TIMESTAMPTZ '2021-01-01 00:00:00+08'"
SPAN = 3 * 365 * 86400
BLESSINGS = "['恭喜发财', '大吉大利', '生日快乐', '周末愉快', '辛苦了', '谢谢', '新年快乐', '早上好']"
MERCHANTS = 5000
GROUPS = 20000
# Heavy tails (issue 18): an index floor(n * u**k) with u uniform puts a share n**(-1/k) of the draws
# on index 0 and 0.01**(1/k) on the first 1% — k = 3 gives ≈ 21% to the top 1% of the population
# (uniform draws gave 1.7%), k = 4 makes a few group chats carry 10⁴+ packets at 3M rows and more.
# The tails are fixed by the population, not by the row count: more rows = the same people, busier.
ACCOUNT_TAIL = 3.0
GROUP_TAIL = 4.0


def _heavy(n: int, tail: float) -> str:
    """SQL for an index in [0, n) drawn with a heavy tail (small indices are the busy ones)."""
    return f"CAST(floor({n} * pow(random(), {tail})) AS BIGINT)"


def write_background(path: str, rows: int, population: int, officials: list[str], seed: int) -> int:
    """Write about ``rows`` background payments to Parquet; returns the exact count."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})").fetchall()
    con.register("offs", pa.table({"idx": list(range(len(officials))), "acct": [f"w{o}" for o in officials]}))
    n_off = max(1, len(officials))
    group_rows = int(rows * 0.25)
    packets = group_rows // 6
    simple = rows - packets * 6
    con.execute(f"""
    CREATE TABLE simple AS
    SELECT i, random() AS r, random() AS r2, {_heavy(population, ACCOUNT_TAIL)} AS a,
           {_heavy(population, ACCOUNT_TAIL)} AS b, {_heavy(MERCHANTS, ACCOUNT_TAIL)} AS m,
           CAST(floor(random() * {n_off}) AS BIGINT) AS o,
           CAST(floor(random() * {SPAN}) AS BIGINT) AS sec
    FROM range({simple}) t(i)""")
    con.execute(f"""
    COPY (
      SELECT 'b' || i AS payment_id, 'bg' AS source_id, {START} + to_seconds(sec) AS ts,
             CASE WHEN r < 0.45 THEN 'merchant' WHEN r < 0.70 THEN 'transfer' WHEN r < 0.92 THEN 'red_packet'
                  ELSE 'qr' END AS kind,
             CASE WHEN r2 < 0.04 THEN offs.acct ELSE 'u' || a END AS payer_account,
             CASE WHEN r < 0.45 THEN 'm' || m WHEN r2 >= 0.04 AND r2 < 0.045 THEN offs.acct
                  ELSE 'u' || CASE WHEN b = a THEN (b + 1) % {population} ELSE b END
             END AS payee_account,
             CAST(NULL AS VARCHAR) AS chat_id,
             CASE WHEN r >= 0.70 AND r < 0.92 AND r2 > 0.97 THEN 20000
                  ELSE CAST(100 + floor(random() * 49900) AS BIGINT) END AS amount_fen,
             CASE WHEN r >= 0.45 AND r < 0.70 THEN '已收钱' ELSE '支付成功' END AS status,
             CASE WHEN r >= 0.70 AND r < 0.92 THEN {BLESSINGS}[1 + (a % 8)] END AS memo,
             'bill' AS origin, CAST(NULL AS VARCHAR) AS ext_id
      FROM simple LEFT JOIN offs ON offs.idx = simple.o
    ) TO '{path}/bg_simple.parquet' (FORMAT parquet)""")
    con.execute(f"""
    CREATE TABLE pk AS
    SELECT i, {_heavy(population, ACCOUNT_TAIL)} AS a,
           CAST(floor(random() * {SPAN}) AS BIGINT) AS sec,
           CAST(100 * (1 + floor(random() * 200)) AS BIGINT) AS face,
           {_heavy(GROUPS, GROUP_TAIL)} AS g
    FROM range({packets}) t(i)""")
    con.execute(f"""
    COPY (
      SELECT 'g' || i || '-' || k AS payment_id, 'bg' AS source_id,
             {START} + to_seconds(sec + k * 7) AS ts, 'red_packet' AS kind, 'u' || a AS payer_account,
             CASE WHEN k = 0 THEN NULL
                  ELSE 'u' || ((a * 31 + g * 7 + k * 1009) % {population}) END AS payee_account,
             'grp' || g || '@chatroom' AS chat_id,
             CASE WHEN k = 0 THEN face ELSE CAST(1 + floor(random() * face / 3) AS BIGINT) END AS amount_fen,
             CASE WHEN k = 0 THEN '支付成功' ELSE '已存入零钱' END AS status,
             {BLESSINGS}[1 + (g % 8)] AS memo, 'bill' AS origin, 'gp' || i AS ext_id
      FROM pk, range(6) s(k)
    ) TO '{path}/bg_group.parquet' (FORMAT parquet)""")
    con.close()
    return simple + packets * 6
