"""In-reader refund pairing by counterparty name (`bill_refunds`): same choice as a scan of every
candidate, without the scan (a merchant with thousands of refunds made it quadratic, issue 18)."""

from __future__ import annotations

import random

from hongxian.ingest.bill_refunds import Original, RefundPairer, _best


def _scan(pairer: RefundPairer, row: dict, names: tuple[str, ...]) -> Original | None:
    """The reference: every remembered original of the names, filtered, then `_best`."""
    ts, fen = row["ts"], row["amount_fen"]
    cands = [o for n in names if n for o in pairer.by_name.get(n, ()) if o.ts <= ts and o.amount_fen >= fen]
    return _best(cands, row)


def _random_pairer(seed: int, originals: int, refunds: int) -> tuple[RefundPairer, list]:
    rnd = random.Random(seed)
    pairer = RefundPairer()
    names = ["美团平台商户", "某某酒楼", "滴滴出行", "老周"]
    for i in range(originals):
        ts = rnd.randrange(0, 5_000) * 1_000_000  # repeated times: ties must break the same way
        orig = Original(f"o{i}", ts, rnd.randrange(1, 2_000), rnd.choice(names), None, rnd.random() < 0.9)
        pairer.remember(orig, (None,))
    expected = []
    for j in range(refunds):
        row = {"ts": rnd.randrange(0, 5_200) * 1_000_000, "amount_fen": rnd.randrange(1, 2_200)}
        held_names = tuple(rnd.sample(names + ["", "无此商户"], 2))
        pairer.hold(dict(row, payment_id=f"r{j}"), (), held_names)
        found = _scan(pairer, row, held_names)
        expected.append(found.payment_id if found else None)
    return pairer, expected


def test_name_pairing_equals_the_scan_of_every_candidate():
    for seed in range(5):
        pairer, expected = _random_pairer(seed, originals=600, refunds=400)
        got = [row.get("refund_of") for row in pairer.pair()]
        assert got == expected
        assert sum(g is not None for g in got) > 100 and None in got


class CountingFen(int):
    """An amount that counts the comparisons made with it."""

    seen = 0

    def _count(self, other, op):
        CountingFen.seen += 1
        return op(int(self), int(other))

    def __lt__(self, other):
        return self._count(other, int.__lt__)

    def __gt__(self, other):
        return self._count(other, int.__gt__)

    def __ge__(self, other):
        return self._count(other, int.__ge__)

    def __le__(self, other):
        return self._count(other, int.__le__)


def test_comparisons_grow_like_n_log_n_not_n_squared():
    """2,000 refunded orders and 2,000 refunds of one merchant: a scan per refund makes 4,000,000
    amount comparisons; the index makes about n·log n."""
    n = 2_000
    pairer = RefundPairer()
    for i in range(n):
        pairer.remember(
            Original(f"o{i}", i * 1_000_000, CountingFen(500 + i % 7), "美团平台商户", None, True), ()
        )
    for j in range(n):
        pairer.hold(
            {"payment_id": f"r{j}", "ts": (j + 1) * 1_000_000, "amount_fen": CountingFen(500)},
            (),
            ("美团平台商户",),
        )
    CountingFen.seen = 0
    paired = pairer.pair()
    assert [row["refund_of"] for row in paired] == [f"o{min(j + 1, n - 1)}" for j in range(n)]
    assert CountingFen.seen < 20 * n * n.bit_length(), CountingFen.seen  # 440,000 ≪ 4,000,000
