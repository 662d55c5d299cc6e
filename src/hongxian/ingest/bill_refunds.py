"""In-reader refund pairing for bill rows (formats.md §1.5, §1.7, §3.3, §6).

Refund rows are held back until the whole file has been read (bills list newest first, so a
refund usually comes *before* its original) and then point at their original through
``refund_of``. Only rows that can be an original are remembered: the ones whose status says
they were refunded, and the ones whose key a refund already asked for. Anything left unpaired
is still written; `hongxian.dataset.linking.pair_refunds` retries across the whole dataset.
"""

from __future__ import annotations

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
        for held in self.held:
            orig = self._by_keys(held) or self._by_names(held)
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

    def _by_names(self, held: HeldRefund) -> Original | None:
        ts, fen = held.row["ts"], held.row["amount_fen"]
        cands = [
            o for n in held.names if n for o in self.by_name.get(n, ()) if o.ts <= ts and o.amount_fen >= fen
        ]
        return _best(cands, held.row)


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
