"""In-reader refund pairing for bill rows (formats.md §1.5, §1.7, §3.3, §6).

Refund rows are held back until the whole file has been read (bills list newest first, so a
refund usually comes *before* its original) and then point at their original through
``refund_of``. Only rows that can be an original are remembered: the ones whose status says
they were refunded, and the ones whose key a refund already asked for. Anything left unpaired
is still written; `hongxian.dataset.linking.pair_refunds` retries across the whole dataset.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Original:
    payment_id: str
    ts: datetime | int  # or µs since the epoch
    amount_fen: int
    name: str | None
    account: str | None
    refunded: bool  # the status says money went back (已退款…, 已全额退款, 对方已退还)


@dataclass(slots=True)
class HeldRefund:
    row: dict
    keys: tuple[str, ...]  # ids the original may carry
    names: tuple[str, ...]  # counterparty names the original may show


class RefundPairer:
    """Remembers candidate originals by key and by name; pairs held refunds at the end."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Original]] = {}
        self.by_name: dict[str, list[Original]] = {}
        self.wanted: set[str] = set()
        self.held: list[HeldRefund] = []

    def hold(self, row: dict, keys: tuple[str, ...], names: tuple[str, ...]) -> None:
        self.held.append(HeldRefund(row, keys, names))
        self.wanted.update(keys)

    def remember(self, orig: Original, keys: tuple[str | None, ...]) -> None:
        """Index a possible original under its keys (only if refunded or already asked for)."""
        for key in keys:
            if key and (orig.refunded or key in self.wanted):
                self.by_key.setdefault(key, []).append(orig)
        if orig.refunded and orig.name:
            self.by_name.setdefault(orig.name, []).append(orig)

    def pair(self) -> list[dict]:
        """The held refund rows with ``refund_of`` (and a missing payer) filled where found."""
        out = []
        names = {name: NameIndex(origs) for name, origs in self.by_name.items()}
        for held in self.held:
            orig = self._by_keys(held) or _by_names(held, names)
            row = held.row
            if orig is not None:
                row["refund_of"] = orig.payment_id
                if row.get("payer_account") is None:
                    row["payer_account"] = orig.account
                if row.get("counterparty_name") is None:
                    row["counterparty_name"] = orig.name
            out.append(row)
        self.held.clear()
        return out

    def _by_keys(self, held: HeldRefund) -> Original | None:
        cands = [o for k in held.keys for o in self.by_key.get(k, ())]
        return _best(cands, held.row)


def _by_names(held: HeldRefund, names: dict[str, NameIndex]) -> Original | None:
    """The latest refunded original at or before the refund, of one of its names, with at least its
    amount; on equal times the first name, then the first remembered (what `_best` would pick
    among all of them, found without looking at each)."""
    ts, fen = held.row["ts"], held.row["amount_fen"]
    best: Original | None = None
    for name in held.names:
        index = names.get(name) if name else None
        found = index.latest(ts, fen) if index else None
        if found is not None and (best is None or _gap(ts, found.ts) < _gap(ts, best.ts)):
            best = found
    return best


class NameIndex:
    """The refunded originals of one counterparty name, sorted by time (on equal times the first
    remembered last), with a sparse table of amount maxima: the latest original at or before a
    time whose amount reaches a refund's is found in O(log n), so pairing a bill where one merchant
    has thousands of refunds stays linear instead of scanning the merchant's rows per refund."""

    def __init__(self, origs: list[Original]) -> None:
        order = sorted(range(len(origs)), key=lambda i: (origs[i].ts, -i))
        self.origs = [origs[i] for i in order]
        self.times = [o.ts for o in self.origs]
        self.maxima = [[o.amount_fen for o in self.origs]]  # maxima[k][i] = max of amounts[i : i + 2**k]
        while (width := 1 << len(self.maxima)) <= len(self.origs):
            prev, half = self.maxima[-1], width >> 1
            self.maxima.append([max(prev[i], prev[i + half]) for i in range(len(self.origs) - width + 1)])

    def latest(self, ts: datetime | int, fen: int) -> Original | None:
        end = bisect_right(self.times, ts)  # originals [0, end) are at or before ts
        for k in range(len(self.maxima) - 1, -1, -1):  # skip trailing blocks whose amounts all fall short
            if end >= 1 << k and self.maxima[k][end - (1 << k)] < fen:
                end -= 1 << k
        return self.origs[end - 1] if end else None


def _best(cands: list[Original], row: dict) -> Original | None:
    if not cands:
        return None
    ts = row["ts"]
    return min(cands, key=lambda o: (not o.refunded, o.ts > ts, _gap(ts, o.ts)))


def _gap(a: datetime | int, b: datetime | int) -> float:
    """Distance between two times: datetimes, or µs since the epoch (the WeChat block reader)."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return abs((a - b).total_seconds())
    if isinstance(a, int) and isinstance(b, int):
        return abs((a - b) / 1_000_000)
    raise TypeError(f"cannot compare times of different kinds: {a!r}, {b!r}")
