"""Dataset-wide refund pairing (`pair_refunds`): same pairs as the old OR/LIKE join, by hash joins.

No timing here: linearity is asserted on the query plans DuckDB chooses (every join a hash join
on equality keys only; an ``OR`` / ``LIKE`` residual is evaluated for every pair sharing the keys,
which made the old join grow with the square of a bill), and the pairs are compared with those of
the old statement, kept below as the reference.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import duckdb

from hongxian.canonical import table_from_rows
from hongxian.dataset.linking import pair_refunds
from hongxian.testing.plans import PlanRecorder

B = timezone(timedelta(hours=8))
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=B)

OLD_PAIR_REFUNDS = """
    UPDATE payments SET refund_of = o.payment_id
    FROM payments o
    WHERE payments.kind = 'refund' AND payments.refund_of IS NULL AND o.kind <> 'refund'
      AND payments.source_id = o.source_id
      AND (payments.txn_id = o.merchant_order_id
           OR (payments.txn_id LIKE o.txn_id || '\\_%' ESCAPE '\\'))
"""


def _row(pid, source, kind, minute, txn=None, order=None, refund_of=None, refunded=None):
    return {
        "payment_id": pid,
        "source_id": source,
        "ts": T0 + timedelta(minutes=minute),
        "kind": kind,
        "amount_fen": 100,
        "txn_id": txn,
        "merchant_order_id": order,
        "refund_of": refund_of,
        "refunded_fen": refunded,
        "origin": "bill",
    }


def _con(rows) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.register("_in", table_from_rows("payments", rows))
    con.execute("CREATE TABLE payments AS SELECT * FROM _in")
    con.unregister("_in")
    return con


def _pairs(con) -> dict[str, str | None]:
    rows = con.execute("SELECT payment_id, refund_of FROM payments WHERE kind = 'refund'").fetchall()
    return dict(rows)


def _random_bills(n: int, seed: int) -> list[dict]:
    """WeChat-style (refund 交易单号 = original 商户单号) and Alipay-style (``<original>_<n>``)
    pairs, unmatched refunds, refunds a reader already paired, the same ids in another source,
    originals whose own 交易单号 has underscores, rows without kind or ids."""
    rnd = random.Random(seed)
    rows: list[dict] = []
    for i in range(n):
        src = rnd.choice(["s-wx", "s-ali", "s-other"])
        r = rnd.random()
        if r < 0.5:
            rows.append(_row(f"p{i}", src, "merchant", i, txn=f"T{i:06d}", order=f"M{i:06d}"))
        elif r < 0.6:  # a WeChat returned transfer: 交易单号 of the refund = 商户单号 of the original
            rows.append(_row(f"p{i}", src, "transfer", i, txn=f"T{i:06d}", order=f"M{i:06d}"))
            rows.append(_row(f"r{i}", src, "refund", i + 5, txn=f"M{i:06d}"))
        elif r < 0.7:  # Alipay: <original>_<suffix>, the original itself with an underscore or not
            orig = f"2024{i:08d}" + ("_A" if rnd.random() < 0.3 else "")
            rows.append(_row(f"p{i}", src, "merchant", i, txn=orig))
            rows.append(_row(f"r{i}", src, "refund", i + 5, txn=f"{orig}_{rnd.randint(1, 3)}"))
        elif r < 0.75:  # the original is in another source: never paired across sources
            rows.append(_row(f"p{i}", "s-far", "merchant", i, txn=f"T{i:06d}", order=f"M{i:06d}"))
            rows.append(_row(f"r{i}", src, "refund", i + 5, txn=f"M{i:06d}"))
        elif r < 0.8:  # nothing to pair with (original before the export), one with no id at all
            rows.append(_row(f"r{i}", src, "refund", i, txn=f"503{i:09d}_X" if i % 2 else None))
        elif r < 0.85:  # the reader paired it already: left alone
            rows.append(_row(f"p{i}", src, "merchant", i, txn=f"T{i:06d}", order=f"M{i:06d}"))
            rows.append(_row(f"r{i}", src, "refund", i + 5, txn=f"M{i:06d}", refund_of="kept"))
        elif r < 0.9:  # a refund-looking id on a row without kind: never an original
            rows.append(_row(f"p{i}", src, None, i, txn=f"Q{i:06d}", order=f"Q{i:06d}"))
            rows.append(_row(f"r{i}", src, "refund", i + 5, txn=f"Q{i:06d}_1"))
        else:
            rows.append(_row(f"p{i}", src, "transfer", i, txn=f"T{i:06d}"))
    return rows


def test_pairs_equal_those_of_the_old_join():
    rows = _random_bills(3000, seed=18)
    old, new = _con(rows), _con(rows)
    old.execute(OLD_PAIR_REFUNDS)
    pair_refunds(new)
    expected = _pairs(old)
    assert _pairs(new) == expected
    paired = [v for v in expected.values() if v not in (None, "kept")]
    assert len(paired) > 300 and None in expected.values() and "kept" in expected.values()


def test_wechat_and_alipay_rules_and_their_limits():
    con = _con(
        [
            _row("orig-wx", "s1", "transfer", 0, txn="T1", order="1000050001"),
            _row("ref-wx", "s1", "refund", 5, txn="1000050001"),
            _row("orig-ali", "s1", "merchant", 0, txn="2024051822001400001"),
            _row("ref-ali", "s1", "refund", 5, txn="2024051822001400001_1"),
            _row("ref-ali-nosuffix", "s1", "refund", 5, txn="2024051822001400001"),  # exact txn: no rule
            _row("ref-other-source", "s2", "refund", 5, txn="1000050001"),
            _row("ref-like-wildcard", "s1", "refund", 5, txn="2024051822001400001%_1"),  # LIKE chars are text
        ]
    )
    pair_refunds(con)
    assert _pairs(con) == {
        "ref-wx": "orig-wx",
        "ref-ali": "orig-ali",
        "ref-ali-nosuffix": None,
        "ref-other-source": None,
        "ref-like-wildcard": None,
    }


def test_several_candidates_pick_by_rule_then_specificity_then_refunded_then_earliest():
    con = _con(
        [
            _row("by-suffix", "s", "merchant", 0, txn="K"),
            _row("by-order", "s", "merchant", 1, txn="Z", order="K_1"),
            _row("r1", "s", "refund", 9, txn="K_1"),  # 商户单号 match beats the suffix rule
            _row("short", "s", "merchant", 0, txn="A"),
            _row("long", "s", "merchant", 0, txn="A_B"),
            _row("r2", "s", "refund", 9, txn="A_B_2"),  # the longest prefix wins
            _row("early", "s", "merchant", 0, order="D"),
            _row("refunded", "s", "merchant", 3, order="D", refunded=100),
            _row("r3", "s", "refund", 9, txn="D"),  # the one marked refunded, though later
            _row("e1", "s", "merchant", 2, order="E"),
            _row("e0", "s", "merchant", 1, order="E"),
            _row("r4", "s", "refund", 9, txn="E"),  # then the earliest
        ]
    )
    pair_refunds(con)
    assert _pairs(con) == {"r1": "by-order", "r2": "long", "r3": "refunded", "r4": "e0"}


def test_plan_is_hash_joins_on_equality_keys_only():
    rec = PlanRecorder(_con(_random_bills(3000, seed=7)))
    pair_refunds(rec)  # type: ignore[arg-type]  # a recording stand-in for the connection
    joins = [j for s in rec.statements for j in s.joins]
    assert {j.operator for j in joins} == {"HASH_JOIN"}, joins
    assert len(joins) >= 3 and not rec.superlinear(), rec.superlinear()


def test_the_plan_check_flags_the_old_join():
    """The check above can fail: the old statement is one hash join on source_id whose OR / LIKE
    residual compares every refund with every row of its source."""
    rec = PlanRecorder(_con(_random_bills(3000, seed=7)))
    (bad,) = [j for j in rec.joins(OLD_PAIR_REFUNDS) if j.superlinear]
    assert bad.operator == "HASH_JOIN" and any("like" in c.lower() for c in bad.conditions)
