"""Realistically shaped synthetic identifiers for the demo: payment ids, ID numbers, times."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def beijing(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def resident_id(
    rng: random.Random, region: str = "640104", born: tuple[int, int, int] = (1975, 3, 14)
) -> str:
    """An 18-digit ID number with a correct GB 11643 check digit (synthetic, random sequence)."""
    body = f"{region}{born[0]:04d}{born[1]:02d}{born[2]:02d}{rng.randrange(100, 999):03d}"
    return body + _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


class PaymentIds:
    """Red-packet send ids (31 digits), transfer ids (31) and transaction ids (36), per formats.md §1.7."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.svrid = 8_100_000_000_000_000_000

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def sendid(self, ts: datetime) -> str:
        return f"1000039801{ts:%Y%m%d}{self._digits(13)}"

    def transferid(self, ts: datetime) -> str:
        return f"1000050001{ts:%Y%m%d}{self._digits(13)}"

    def transcationid(self, ts: datetime) -> str:
        return f"1000050001{ts:%y%m%d}{self._digits(20)}"

    def red_packet_txn(self, ts: datetime) -> str:
        return f"1000039801{ts:%y%m%d}{self._digits(20)}"

    def merchant_txn(self, ts: datetime) -> str:
        return f"4200{self._digits(6)}{ts:%Y%m%d}{self._digits(10)}"

    def next_svrid(self) -> int:
        self.svrid += self.rng.randrange(1, 5000)
        return self.svrid
