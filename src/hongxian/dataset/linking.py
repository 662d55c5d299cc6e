"""Chat ↔ bill payment linking and refund pairing (docs/formats.md §5).

A red packet or transfer seen in chat is a payment row with ``origin = 'chat'`` and its
``ext_id`` = sendid / transferid (``txn_id`` = a transfer's transcationid); a bill row carries
the same id in 商户单号 (``ext_id``) and 交易单号 (``txn_id``). Steps:

1. chat-side de-duplication: one transfer produces several status messages sharing transferid
   (发起 → 已收款 / 已退还), and one packet can be seen in several exports. They collapse to the
   earliest row, which takes the latest status and any column it lacked. Transfers rendered
   without ids (PyWxDump CSV) collapse when a status row follows an initiation in the same
   chat with the same amount and parties within 48 hours;
2. merge with the bill: same kind and ``ext_id`` (or, for transfers, the same ``txn_id``).
   The bill row stays (amount, status, txn ids are the bill's); it gains chat_id, message_id,
   the chat's memo / blessing (the bill's 商品 text is kept when the chat has none: WeChat writes
   a placeholder ``微信转账`` there), real wxids where it had only an unresolved
   ``wxname:`` display name, and ``origin = 'bill+chat'``. The chat row goes;
3. a packet seen only in chat stays with ``amount_fen`` null (the chat never shows it).
"""

from __future__ import annotations

import duckdb

_CHAT_KEY = "coalesce(ext_id, txn_id)"

_DEDUPE_BY_ID = f"""
CREATE OR REPLACE TEMP TABLE _chat_groups AS
SELECT payment_id, {_CHAT_KEY} AS k, kind,
       row_number() OVER w AS rn,
       first_value(payment_id) OVER w AS keep_id,
       last_value(status IGNORE NULLS)
           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_status
FROM payments WHERE origin = 'chat' AND {_CHAT_KEY} IS NOT NULL
WINDOW w AS (PARTITION BY {_CHAT_KEY}, kind ORDER BY ts, payment_id)
"""

_FILL_KEPT = """
UPDATE payments SET
    status = coalesce(g.last_status, payments.status),
    amount_fen = coalesce(payments.amount_fen, o.amount_fen),
    txn_id = coalesce(payments.txn_id, o.txn_id),
    ext_id = coalesce(payments.ext_id, o.ext_id),
    memo = coalesce(payments.memo, o.memo),
    payer_account = coalesce(payments.payer_account, o.payer_account),
    payee_account = coalesce(payments.payee_account, o.payee_account)
FROM _chat_groups g, (
    SELECT g2.keep_id, any_value(p.amount_fen) AS amount_fen, any_value(p.txn_id) AS txn_id,
           any_value(p.ext_id) AS ext_id, any_value(p.memo) AS memo,
           any_value(p.payer_account) AS payer_account, any_value(p.payee_account) AS payee_account
    FROM _chat_groups g2 JOIN payments p USING (payment_id) GROUP BY g2.keep_id
) o
WHERE payments.payment_id = g.payment_id AND g.rn = 1 AND o.keep_id = g.payment_id
"""

_UNKEYED_STATUS = """
CREATE OR REPLACE TEMP TABLE _status_rows AS
WITH unkeyed AS (
    SELECT payment_id, ts, status, chat_id, amount_fen,
           coalesce(payer_account, chr(0)) AS payer_k, coalesce(payee_account, chr(0)) AS payee_k
    FROM payments
    WHERE origin = 'chat' AND kind = 'transfer' AND ext_id IS NULL AND txn_id IS NULL
), inits AS (
    SELECT * FROM unkeyed WHERE status LIKE '发起%'
), followers AS (
    SELECT * FROM unkeyed WHERE amount_fen IS NOT NULL AND (status IS NULL OR status NOT LIKE '发起%')
)
SELECT s.payment_id AS status_id, s.status AS status, s.ts AS ts,
       CASE WHEN i.ts >= s.ts - INTERVAL 48 HOUR THEN i.payment_id END AS init_id
FROM followers s ASOF LEFT JOIN inits i
  ON s.chat_id = i.chat_id AND s.amount_fen = i.amount_fen
 AND s.payer_k = i.payer_k AND s.payee_k = i.payee_k AND s.ts >= i.ts
"""
"""Each unkeyed status row → the latest initiation at or before it in the same chat with the same
amount and parties, if at most 48 h earlier (an ASOF join: sorted, not a pairwise band join)."""

_PAIR_COLUMNS = """b.payment_id AS bill_id, c.payment_id AS chat_row,
       c.chat_id AS c_chat, c.message_id AS c_msg, c.memo AS c_memo,
       c.payer_account AS c_payer, c.payee_account AS c_payee"""
_MERGE_SQL = f"""
CREATE OR REPLACE TEMP TABLE _pairs AS
SELECT {_PAIR_COLUMNS} FROM payments b JOIN payments c ON b.kind = c.kind AND b.ext_id = c.ext_id
WHERE b.origin = 'bill' AND c.origin = 'chat'
UNION
SELECT {_PAIR_COLUMNS} FROM payments b JOIN payments c ON b.txn_id = c.txn_id
WHERE b.origin = 'bill' AND c.origin = 'chat' AND b.kind = 'transfer' AND c.kind = 'transfer'
"""

_APPLY_MERGE = """
UPDATE payments SET
    chat_id = coalesce(payments.chat_id, p.c_chat),
    message_id = coalesce(payments.message_id, p.c_msg),
    memo = coalesce(nullif(p.c_memo, ''), payments.memo),
    payer_account = CASE WHEN (payments.payer_account IS NULL OR payments.payer_account LIKE 'wxname:%')
                          AND p.c_payer IS NOT NULL AND p.c_payer NOT IN ('owner-unknown')
                         THEN p.c_payer ELSE payments.payer_account END,
    payee_account = CASE WHEN (payments.payee_account IS NULL OR payments.payee_account LIKE 'wxname:%')
                          AND p.c_payee IS NOT NULL AND p.c_payee NOT IN ('owner-unknown')
                         THEN p.c_payee ELSE payments.payee_account END,
    origin = 'bill+chat'
FROM (SELECT bill_id, any_value(c_chat) AS c_chat, any_value(c_msg) AS c_msg, any_value(c_memo) AS c_memo,
             any_value(c_payer) AS c_payer, any_value(c_payee) AS c_payee
      FROM _pairs GROUP BY bill_id) p
WHERE payments.payment_id = p.bill_id
"""


def dedupe_chat_payments(con: duckdb.DuckDBPyConnection) -> None:
    """Step 1: one chat payment per (transferid / sendid, kind); unkeyed status rows folded."""
    con.execute(_DEDUPE_BY_ID)
    con.execute(_FILL_KEPT)
    con.execute("DELETE FROM payments WHERE payment_id IN (SELECT payment_id FROM _chat_groups WHERE rn > 1)")
    con.execute(_UNKEYED_STATUS)
    con.execute("""
        UPDATE payments SET status = coalesce(s.status, payments.status)
        FROM (SELECT init_id, arg_max(status, ts) AS status FROM _status_rows
              WHERE init_id IS NOT NULL GROUP BY init_id) s
        WHERE payments.payment_id = s.init_id
    """)
    con.execute(
        "DELETE FROM payments WHERE payment_id IN (SELECT status_id FROM _status_rows "
        "WHERE init_id IS NOT NULL)"
    )


def link_payments(con: duckdb.DuckDBPyConnection) -> None:
    """Steps 1–2: de-duplicate chat payments, then merge them into the matching bill rows."""
    dedupe_chat_payments(con)
    con.execute(_MERGE_SQL)
    con.execute(_APPLY_MERGE)
    con.execute("DELETE FROM payments WHERE payment_id IN (SELECT chat_row FROM _pairs)")


_REFUND_KEYS = """
CREATE OR REPLACE TEMP TABLE _refund_keys AS
WITH open AS (
    SELECT payment_id, source_id, txn_id FROM payments
    WHERE kind = 'refund' AND refund_of IS NULL AND txn_id IS NOT NULL
), split AS (
    SELECT payment_id, source_id, string_split(txn_id, '_') AS parts FROM open WHERE contains(txn_id, '_')
)
SELECT payment_id AS refund_id, source_id, txn_id AS k, 0 AS rule FROM open
UNION ALL
SELECT payment_id, source_id, array_to_string(parts[1:cut], '_'), 1
FROM (SELECT payment_id, source_id, parts, unnest(range(1, len(parts))) AS cut FROM split)
"""
"""Every key a still unpaired refund may match, one row each: its 交易单号 against an original's
商户单号 (rule 0), and each prefix of it that ends before a ``_`` against an original's 交易单号
(rule 1: ``<original>_<suffix>``, so ``A_B_1`` offers ``A`` and ``A_B``)."""

_REFUND_MATCHES = """
CREATE OR REPLACE TEMP TABLE _refund_matches AS
WITH cands AS (
    SELECT source_id, merchant_order_id AS k, 0 AS rule, payment_id, refunded_fen, ts FROM payments
    WHERE kind <> 'refund' AND merchant_order_id IS NOT NULL
    UNION ALL
    SELECT source_id, txn_id, 1, payment_id, refunded_fen, ts FROM payments
    WHERE kind <> 'refund' AND txn_id IS NOT NULL
), best AS (
    SELECT c.source_id, c.k, c.rule,
           arg_min(c.payment_id, (c.refunded_fen IS NULL, c.ts, c.payment_id)) AS orig_id
    FROM cands c SEMI JOIN _refund_keys r ON c.source_id = r.source_id AND c.k = r.k AND c.rule = r.rule
    GROUP BY c.source_id, c.k, c.rule
)
SELECT r.refund_id, arg_min(b.orig_id, (r.rule, -length(r.k))) AS orig_id
FROM _refund_keys r JOIN best b ON b.source_id = r.source_id AND b.k = r.k AND b.rule = r.rule
GROUP BY r.refund_id
"""


def pair_refunds(con: duckdb.DuckDBPyConnection) -> None:
    """Point refund rows at their originals (same source), by exact keys only.

    WeChat: a ``转账-退款`` row's 交易单号 equals the original's 商户单号. Alipay: a refund's
    order number is ``<original>_<suffix>``; that rule is a derived key (the prefixes before each
    ``_``), so both are hash joins and the cost grows with the bill, not its square. When several
    originals fit: the 商户单号 match first, then the longest prefix; among originals sharing a key
    one marked refunded, then the earliest. Rows that readers already paired are left alone.
    """
    con.execute(_REFUND_KEYS)
    con.execute(_REFUND_MATCHES)
    con.execute(
        "UPDATE payments SET refund_of = m.orig_id FROM _refund_matches m "
        "WHERE payments.payment_id = m.refund_id"
    )
