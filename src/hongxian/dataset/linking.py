"""Chat ↔ bill payment linking and refund pairing (research/formats.md §6).

A red packet or transfer seen in chat is a payment row with ``origin = 'chat'`` and its
``ext_id`` = sendid / transferid; a bill row carries the same id in 商户单号 (``ext_id``).
When both exist they merge into one payment: amount, status and txn ids from the bill;
chat_id, message_id and blessing / memo from the chat. A packet seen only in chat keeps
``amount_fen`` null.
"""

from __future__ import annotations

import duckdb

_MERGE_SQL = """
CREATE OR REPLACE TEMP TABLE _pairs AS
SELECT b.payment_id AS bill_id, c.payment_id AS chat_id_row,
       c.chat_id AS c_chat, c.message_id AS c_msg, c.memo AS c_memo
FROM payments b
JOIN (
    SELECT *, row_number() OVER (PARTITION BY ext_id ORDER BY ts, payment_id) AS rn
    FROM payments WHERE origin = 'chat' AND ext_id IS NOT NULL
) c ON b.ext_id = c.ext_id AND c.rn = 1
WHERE b.origin = 'bill' AND b.ext_id IS NOT NULL AND b.kind = c.kind
"""


def link_payments(con: duckdb.DuckDBPyConnection) -> None:
    # Chat-side duplicates first: one transfer produces several status messages sharing transferid.
    con.execute("""
        DELETE FROM payments WHERE origin = 'chat' AND ext_id IS NOT NULL AND payment_id IN (
            SELECT payment_id FROM (
                SELECT payment_id, row_number() OVER (PARTITION BY ext_id, kind ORDER BY ts, payment_id) AS rn
                FROM payments WHERE origin = 'chat' AND ext_id IS NOT NULL) WHERE rn > 1)
    """)
    con.execute(_MERGE_SQL)
    con.execute("""
        UPDATE payments SET chat_id = coalesce(payments.chat_id, p.c_chat),
                            message_id = coalesce(payments.message_id, p.c_msg),
                            memo = CASE WHEN payments.memo IS NULL OR payments.memo = '' THEN p.c_memo
                                        ELSE payments.memo END,
                            origin = 'bill+chat'
        FROM _pairs p WHERE payments.payment_id = p.bill_id
    """)
    con.execute("DELETE FROM payments WHERE payment_id IN (SELECT chat_id_row FROM _pairs)")


def pair_refunds(con: duckdb.DuckDBPyConnection) -> None:
    """Point refund rows at their originals.

    WeChat: a ``转账-退款`` row's 交易单号 equals the original's 商户单号. Alipay: a refund's
    order number is ``<original>_<suffix>``. Rows that readers already paired are left alone.
    """
    con.execute("""
        UPDATE payments SET refund_of = o.payment_id
        FROM payments o
        WHERE payments.kind = 'refund' AND payments.refund_of IS NULL AND o.kind <> 'refund'
          AND payments.source_id = o.source_id
          AND (payments.txn_id = o.merchant_order_id
               OR (payments.txn_id LIKE o.txn_id || '\\_%' ESCAPE '\\'))
    """)
