"""Evidence-feature SQL shared by several typologies (reciprocity, return flows, cue words)."""

from __future__ import annotations

import pyarrow as pa

from hongxian.detect.payments.common import group_rows
from hongxian.detect.payments.frame import PaymentFrame, Relations
from hongxian.detect.payments.sql import DAY


def reciprocity_sql(t: Relations, rows_table: str, days: int) -> str:
    """Money the official sent back to the same counterparties within ±``days`` of each window.

    ``rows_table`` has columns official, win_key, cp, tsec. Returns official, win_key, back_fen, back_n.
    """
    d = days * DAY
    return f"""
      SELECT w.official, w.win_key, SUM(f.amount_fen) AS back_fen, COUNT(*) AS back_n
      FROM (SELECT official, win_key, MIN(tsec) AS lo, MAX(tsec) AS hi FROM {rows_table}
            GROUP BY official, win_key) w
      JOIN (SELECT DISTINCT official, win_key, cp FROM {rows_table}) c
        ON c.official = w.official AND c.win_key = w.win_key
      JOIN {t.flow} f ON f.src = w.official AND f.dst = c.cp
      WHERE NOT f.returned AND f.tsec >= w.lo - {d} AND f.tsec <= w.hi + {d}
        AND f.kind IN ('red_packet', 'transfer', 'gift_card', 'qr')
      GROUP BY w.official, w.win_key"""


def back_rows(
    frame: PaymentFrame, rows_table: str, keys: list[tuple[str, str]], days: int
) -> dict[tuple, list[dict]]:
    """The official's payments back to the counterparties of each fired (official, win_key)."""
    if not keys:
        return {}
    frame.con.register(
        "hx_fired_keys",
        pa.table(
            {
                "official": pa.array([k[0] for k in keys], pa.string()),
                "win_key": pa.array([k[1] for k in keys], pa.string()),
            }
        ),
    )
    d, t = days * DAY, frame.t
    rows = frame.rows(f"""
        SELECT DISTINCT w.official, w.win_key, f.payment_id, f.ts, f.kind, f.amount_fen, f.memo, f.origin,
               f.returned
        FROM (SELECT r.official, r.win_key, MIN(r.tsec) AS lo, MAX(r.tsec) AS hi FROM {rows_table} r
              JOIN hx_fired_keys k ON k.official = r.official AND k.win_key = r.win_key
              GROUP BY r.official, r.win_key) w
        JOIN (SELECT DISTINCT official, win_key, cp FROM {rows_table}) c
          ON c.official = w.official AND c.win_key = w.win_key
        JOIN {t.flow} f ON f.src = w.official AND f.dst = c.cp
        WHERE NOT f.returned AND f.tsec >= w.lo - {d} AND f.tsec <= w.hi + {d}
          AND f.kind IN ('red_packet', 'transfer', 'gift_card', 'qr')""")
    return group_rows(rows, "official", "win_key")


def recip_ratio(back_fen: int | None, back_n: int | None, sum_fen: int | None, n: int) -> float | None:
    """Sent back ÷ received (by amount when known, else by count)."""
    if sum_fen:
        return (back_fen or 0) / sum_fen
    if n:
        return (back_n or 0) / n
    return None


def like_any(col: str, words: list[str]) -> str:
    """``(col LIKE '%w1%' OR …)`` for cue words (our own constants or check params)."""
    if not words:
        return "FALSE"
    return "(" + " OR ".join(f"{col} LIKE '%" + w.replace("'", "''") + "%'" for w in words) + ")"
