"""SQL of P3 (red-packet gambling): packets, shares, 扫雷 settlements, 接龙 links, banker rounds.

Only group packets in chats where an official sent or grabbed a packet, or is a member, are looked at
(``hx_p3_rows``), with every member's packets and shares there; ``hx_p3_xfer`` holds the 1:1
transfers and packets to or from anyone who played in those chats (settlements, bets, deposits).
A packet is keyed by its send id (``ext_id``, shared by the send row and every received share) or,
lacking one, by its payment id.
"""

from __future__ import annotations

from hongxian.detect.payments.frame import PaymentFrame
from hongxian.detect.payments.sql import Dialect

# Face value and mine digits from the blessing text: "10/3", "30雷5", "100/123", "扫雷 20-7".
# No backslash escapes, so the pattern reads the same in RE2 (DuckDB) and in Spark SQL string literals.
MINE_RE = (
    r"^[^0-9]{0,6}([0-9]{1,5}(?:[.][0-9]{1,2})?)[ ]*(?:/|-|—|_|,|，|雷|扫雷| )[ ]*([0-9]{1,4})[^0-9]{0,6}$"
)


def rows_sql(frame: PaymentFrame) -> str:
    t = frame.t
    official_chats = " UNION ".join(
        [
            *(
                f"SELECT f.chat_id FROM {t.flow} f JOIN {t.official} o ON o.person_id = f.{side} "
                "WHERE f.kind = 'red_packet' AND f.chat_id LIKE '%@chatroom'"
                for side in ("src", "dst")
            ),
            f"SELECT m.group_id FROM group_members m JOIN {t.party} h ON h.account_id = m.account_id "
            f"JOIN {t.official} o ON o.person_id = h.person_id",
            f"SELECT m.group_id FROM group_members m JOIN {t.official} o ON o.person_id = m.account_id",
        ]
    )
    return f"""CREATE OR REPLACE TEMP TABLE hx_p3_rows AS {
        frame.flow_select(
            f"payments p JOIN ({official_chats}) c ON c.chat_id = p.chat_id", "p.kind = 'red_packet'"
        )
    }"""


def xfer_sql(frame: PaymentFrame) -> str:
    """Every 1:1 payment to or from an account (or any account of a person) that played in those chats."""
    t = frame.t
    parties = f"""(SELECT k FROM (SELECT src AS k FROM hx_p3_rows UNION SELECT dst FROM hx_p3_rows) w
                  WHERE k IS NOT NULL
                  UNION SELECT h.account_id FROM {t.party} h JOIN hx_p3_rows r ON r.src = h.person_id
                  UNION SELECT h.account_id FROM {t.party} h JOIN hx_p3_rows r ON r.dst = h.person_id)"""
    where = (
        f"(p.payee_account IN {parties} OR p.payer_account IN {parties}) "
        "AND p.kind IN ('transfer', 'red_packet', 'qr') AND COALESCE(p.chat_id, '') NOT LIKE '%@chatroom'"
    )
    return f"CREATE OR REPLACE TEMP TABLE hx_p3_xfer AS {frame.flow_select(where=where)}"


def packets_sql() -> str:
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p3_pk AS
    SELECT x.*,
           CASE WHEN regexp_extract(memo, '{MINE_RE}', 2) <> '' THEN regexp_extract(memo, '{MINE_RE}', 2)
                ELSE NULL END AS mines,
           CASE WHEN regexp_extract(memo, '{MINE_RE}', 1) <> ''
                THEN CAST(ROUND(CAST(regexp_extract(memo, '{MINE_RE}', 1) AS DOUBLE) * 100) AS BIGINT)
                ELSE NULL END AS face_fen,
           COALESCE(sent_fen, shares_fen) AS total_fen
    FROM (
      SELECT COALESCE(ext_id, payment_id) AS pk, MIN(src) AS sender, MAX(chat_id) AS chat_id,
             MIN(ts) AS ts0, MIN(tsec) AS tsec0, MAX(memo) AS memo,
             MAX(CASE WHEN dst IS NULL THEN amount_fen END) AS sent_fen,
             MAX(CASE WHEN dst IS NULL THEN payment_id END) AS send_id,
             SUM(CASE WHEN dst IS NOT NULL THEN amount_fen END) AS shares_fen,
             SUM(CASE WHEN dst IS NOT NULL THEN 1 ELSE 0 END) AS n_shares
      FROM hx_p3_rows GROUP BY COALESCE(ext_id, payment_id)
    ) x"""


def shares_sql(d: Dialect) -> str:
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p3_share AS
    SELECT f.payment_id, f.ts, f.tsec, f.amount_fen, f.memo, f.origin, f.returned, f.kind, f.chat_id,
           f.dst AS grabber, pk.pk, pk.sender, pk.face_fen, pk.mines,
           CASE WHEN pk.mines IS NOT NULL AND f.amount_fen IS NOT NULL
                 AND position({d.last_digit("f.amount_fen")} IN pk.mines) > 0 THEN 1 ELSE 0 END AS hit
    FROM hx_p3_rows f JOIN hx_p3_pk pk ON pk.pk = COALESCE(f.ext_id, f.payment_id)
    WHERE f.dst IS NOT NULL"""


def settle_sql(multipliers: list[float], tolerance: float, window_sec: int) -> str:
    """Payments to a mine packet's sender of face × m (±tolerance) within the window after it.

    Each payment settles one packet: the latest one it could settle, preferring a packet the payer hit.
    """
    mult = " UNION ALL ".join(f"SELECT CAST({m} AS DOUBLE) AS m" for m in multipliers)
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p3_settle AS
    SELECT * FROM (
      SELECT m.*,
             ROW_NUMBER() OVER (PARTITION BY m.payment_id ORDER BY m.on_hit DESC, m.tsec0 DESC, m.pk) AS rn
      FROM (
        SELECT DISTINCT pk.pk, pk.chat_id, pk.sender, pk.tsec0, t.payment_id, t.ts, t.tsec, t.kind,
               t.amount_fen,
               t.memo, t.origin, t.returned, t.src AS payer, t.dst AS payee,
               CASE WHEN s.hit = 1 THEN 1 ELSE 0 END AS on_hit
        FROM hx_p3_pk pk
        JOIN hx_p3_xfer t ON t.dst = pk.sender AND t.tsec >= pk.tsec0 AND t.tsec <= pk.tsec0 + {window_sec}
        CROSS JOIN ({mult}) mm
        LEFT JOIN hx_p3_share s ON s.pk = pk.pk AND s.grabber = t.src
        WHERE pk.mines IS NOT NULL AND pk.face_fen IS NOT NULL AND t.src <> pk.sender
          AND t.kind IN ('transfer', 'red_packet') AND NOT t.returned AND t.amount_fen IS NOT NULL
          AND COALESCE(t.chat_id, '') NOT LIKE '%@chatroom'
          AND ABS(t.amount_fen - pk.face_fen * mm.m) <= pk.face_fen * mm.m * {tolerance}
      ) m
    ) r WHERE rn = 1"""


def chain_sql(gap_sec: int, pay_sec: int) -> str:
    """接龙: the next packet of the same value is sent by the previous packet's smallest grabber."""
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p3_chain AS
    WITH mg AS (
      SELECT pk, grabber FROM (
        SELECT pk, grabber, ROW_NUMBER() OVER (PARTITION BY pk ORDER BY amount_fen, tsec, grabber) AS rn
        FROM hx_p3_share WHERE amount_fen IS NOT NULL) m WHERE rn = 1
    ), seq AS (
      SELECT pk.pk, pk.chat_id, pk.sender, pk.tsec0, pk.total_fen, mg.grabber AS min_grabber,
             LEAD(pk.sender) OVER (PARTITION BY pk.chat_id ORDER BY pk.tsec0, pk.pk) AS next_sender,
             LEAD(pk.total_fen) OVER (PARTITION BY pk.chat_id ORDER BY pk.tsec0, pk.pk) AS next_fen,
             LEAD(pk.tsec0) OVER (PARTITION BY pk.chat_id ORDER BY pk.tsec0, pk.pk) AS next_sec
      FROM hx_p3_pk pk JOIN mg ON mg.pk = pk.pk
    )
    SELECT l.pk, l.chat_id, t.payment_id, t.ts, t.tsec, t.kind, t.amount_fen, t.memo, t.origin,
           t.returned, t.src AS payer, t.dst AS payee
    FROM (SELECT * FROM seq WHERE next_sender = min_grabber AND next_fen = total_fen
            AND next_sec - tsec0 < {gap_sec}) l
    LEFT JOIN hx_p3_share s ON s.pk = l.pk
    LEFT JOIN hx_p3_xfer t ON t.src = s.grabber AND t.kind = 'transfer' AND NOT t.returned
          AND t.tsec >= l.tsec0 AND t.tsec <= l.tsec0 + {pay_sec} AND t.dst <> s.grabber"""


def banker_sql(micro_fen: int, max_shares: int, per_hour: int, around_sec: int) -> str:
    """Bets (transfers to a micro-packet sender just before) and payouts (from him just after)."""
    return f"""
    CREATE OR REPLACE TEMP TABLE hx_p3_bank AS
    WITH micro AS (
      SELECT pk, chat_id, sender, tsec0, CAST(floor(tsec0 / 3600) AS BIGINT) AS hour_no FROM hx_p3_pk
      WHERE total_fen <= {micro_fen} AND n_shares <= {max_shares}
    ), hot AS (
      SELECT chat_id, sender, hour_no FROM micro GROUP BY chat_id, sender, hour_no
      HAVING COUNT(*) >= {per_hour}
    ), rounds AS (
      SELECT m.* FROM micro m
      JOIN hot h ON h.chat_id = m.chat_id AND h.sender = m.sender AND h.hour_no = m.hour_no
    )
    SELECT DISTINCT r.chat_id, r.sender, t.payment_id, t.ts, t.tsec, t.kind, t.amount_fen, t.memo, t.origin,
           t.returned, t.src AS payer, t.dst AS payee, 'bet' AS role
    FROM rounds r
    JOIN hx_p3_xfer t ON t.dst = r.sender AND t.tsec >= r.tsec0 - {around_sec} AND t.tsec <= r.tsec0
    WHERE t.kind = 'transfer' AND NOT t.returned AND COALESCE(t.chat_id, '') NOT LIKE '%@chatroom'
    UNION
    SELECT DISTINCT r.chat_id, r.sender, t.payment_id, t.ts, t.tsec, t.kind, t.amount_fen, t.memo, t.origin,
           t.returned, t.src AS payer, t.dst AS payee, 'payout' AS role
    FROM rounds r
    JOIN hx_p3_xfer t ON t.src = r.sender AND t.tsec >= r.tsec0 AND t.tsec <= r.tsec0 + {around_sec}
    WHERE t.kind = 'transfer' AND NOT t.returned AND COALESCE(t.chat_id, '') NOT LIKE '%@chatroom'
"""
