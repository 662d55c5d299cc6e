"""Validators for personal data in Chinese text: resident IDs, mobiles, bank cards, addresses.

All functions work on *normalised* text (hongxian.normalize: full-width digits are ASCII there).

* 18-digit resident ID (GB 11643-1999): check digit (ISO 7064 MOD 11-2), province code, birth date
  that exists and is not in the future. The province is a hard gate; the city/county part is only
  checked for shape, because IDs keep the region code of birth forever and many codes were later
  abolished (a table of current codes, such as python-stdnum's, rejects a few per cent of real IDs).
* 15-digit old IDs (before 1999): province + a valid 19YYMMDD date; no check digit exists, so callers
  demand a context word (身份证 …).
* Mainland mobiles: 1[3-9]x prefixes in use, with +86 / 86 / 0086 prefixes, spaces or dashes (3-4-4).
* Bank cards: 16–19 digits, Luhn, optionally grouped by four.
* Detailed addresses: a residential detail (路/街/号/小区/栋/单元/室 …) confirmed by `cpca`
  (province/city/district), see `find_addresses`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Literal

import numpy as np

PROVINCES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")

CANDIDATE = re.compile(r"[0-9][0-9 \-]{9,40}[0-9Xx]")
"""Cheap scan over a whole batch: digit runs (with single spaces/dashes) of 11+ characters."""

_ID18 = re.compile(r"(?<![0-9])\d(?:[ -]?\d){16}[ -]?[0-9Xx](?![0-9Xx])")
_ID15 = re.compile(r"(?<![0-9])\d{15}(?![0-9Xx])")
_MOB = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?(1\d{2})[ -]?(\d{4})[ -]?(\d{4})(?![0-9])")
_CARD = re.compile(r"(?<![0-9])(?:\d{4}[ -]){3,4}\d{1,4}(?![0-9])|(?<![0-9])\d{16,19}(?![0-9])")


PiiKindName = Literal["id18", "id15", "mobile", "card", "address"]


@dataclass(frozen=True, slots=True)
class PiiHit:
    kind: PiiKindName
    start: int
    end: int
    value: str  # digits only (or the address text)


def _date_ok(y: int, m: int, d: int, today: date) -> bool:
    try:
        born = date(y, m, d)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def id18_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _W, strict=True)) % 11]


def valid_id18(value: str, today: date | None = None) -> bool:
    """GB 11643 check digit + province + existing birth date (city/county shape only)."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    if int(value[:2]) not in PROVINCES or value[2:4] == "00":
        return False
    if not _date_ok(int(value[6:10]), int(value[10:12]), int(value[12:14]), today or date.today()):
        return False
    return id18_check_digit(value[:17]) == value[17].upper()


def valid_id15(value: str) -> bool:
    if len(value) != 15 or not value.isdigit() or int(value[:2]) not in PROVINCES:
        return False
    return _date_ok(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]), date(1999, 12, 31))


def valid_mobile(value: str) -> bool:
    return len(value) == 11 and _MOBILE.fullmatch(value) is not None


def luhn_ok(value: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(value)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def valid_card(value: str) -> bool:
    return 16 <= len(value) <= 19 and value.isdigit() and len(set(value)) > 2 and luhn_ok(value)


def _digits(s: str) -> str:
    return s.replace(" ", "").replace("-", "").replace("+", "")


def _boundary_ok(text: str, start: int, end: int) -> bool:
    """A number glued to letters (SF1234…, No.…) is an order/waybill code, not personal data."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def plain_pii(chunk: str, today: date | None = None) -> PiiKindName | None:
    """The kind of a bare digit run (id18 / mobile / id15 / card) if it validates, else None."""
    n = len(chunk)
    if n == 18 and valid_id18(chunk.upper(), today):
        return "id18"
    if n == 11 and valid_mobile(chunk):
        return "mobile"
    if n in (13, 15) and chunk.startswith(("86", "0086")) and valid_mobile(chunk[-11:]):
        return "mobile"
    if n == 15 and valid_id15(chunk):
        return "id15"
    if 16 <= n <= 19 and valid_card(chunk):
        return "card"
    return None


_CHECK_CODES = np.frombuffer(_CHECK.encode("ascii"), dtype=np.uint8)
_W_ARR = np.array(_W, dtype=np.int64)


def _luhn_rows(d: np.ndarray) -> np.ndarray:
    """Luhn test of each row of a digit matrix (values 0–9)."""
    rev = d[:, ::-1].astype(np.int64)
    doubled = rev[:, 1::2] * 2
    rev[:, 1::2] = np.where(doubled > 9, doubled - 9, doubled)
    return rev.sum(axis=1) % 10 == 0


def plain_pii_many(runs: list[str], today: date | None = None) -> list[bool]:
    """``[plain_pii(r) is not None for r in runs]`` for bare runs (digits, maybe a final X), with the
    check-digit and Luhn tests done for all runs of a length at once: only the runs that pass them
    (about one in ten) are validated one by one."""
    out = [False] * len(runs)
    by_len: dict[int, list[int]] = {}
    for i, r in enumerate(runs):
        by_len.setdefault(len(r), []).append(i)
    for n, idx in by_len.items():
        survivors = idx
        if 16 <= n <= 19 and len(idx) > 8:
            raw = np.frombuffer("".join(runs[i] for i in idx).encode("ascii"), dtype=np.uint8).reshape(-1, n)
            digits = raw.astype(np.int16) - 48
            all_digits = ((digits >= 0) & (digits <= 9)).all(axis=1)
            assert isinstance(all_digits, np.ndarray)  # one flag per row of a 2-D array (stubs: maybe scalar)
            maybe = all_digits & _luhn_rows(np.where(all_digits[:, None], digits, 0))
            if n == 18:
                expected = _CHECK_CODES[(np.clip(digits[:, :17], 0, 9) @ _W_ARR) % 11]
                last = np.where(raw[:, 17] == ord("x"), ord("X"), raw[:, 17])
                maybe |= (expected == last) & ((digits[:, :17] >= 0) & (digits[:, :17] <= 9)).all(axis=1)
            survivors = [i for i, keep in zip(idx, maybe.tolist(), strict=True) if keep]
        for i in survivors:
            out[i] = plain_pii(runs[i], today) is not None
    return out


def _plain(text: str, start: int, end: int, today: date | None) -> list[PiiHit] | None:
    """Fast path for a bare digit run (no separators): classify by length. None → use the regexes."""
    chunk = text[start:end]
    if not chunk.isdigit() and not (chunk[:-1].isdigit() and chunk[-1] in "Xx"):
        return None
    if start > 0 and text[start - 1] == "+":
        return None
    if not _boundary_ok(text, start, end):
        return []
    kind = plain_pii(chunk, today)
    if kind is None:
        return []
    value = chunk.upper() if kind == "id18" else chunk[-11:] if kind == "mobile" else chunk
    return [PiiHit(kind, start, end, value)]


def _valid_numbers(chunk: str, today: date | None) -> Iterator[tuple[PiiKindName, int, int, str]]:
    """(kind, start, end, value) of the valid identifiers in ``chunk``, kinds in priority order:
    18-digit id, mobile, card, 15-digit id."""
    for m in _ID18.finditer(chunk):
        v = _digits(m.group(0)).upper()
        if valid_id18(v, today):
            yield "id18", m.start(), m.end(), v
    for m in _MOB.finditer(chunk):
        v = m.group(1) + m.group(2) + m.group(3)
        if valid_mobile(v):
            yield "mobile", m.start(), m.end(), v
    for m in _CARD.finditer(chunk):
        v = _digits(m.group(0))
        if valid_card(v):
            yield "card", m.start(), m.end(), v
    for m in _ID15.finditer(chunk):
        if valid_id15(m.group(0)):
            yield "id15", m.start(), m.end(), m.group(0)


def numbers_in(text: str, start: int, end: int, today: date | None = None) -> list[PiiHit]:
    """Validated identifiers inside the candidate text[start:end] (offsets are into `text`); an
    identifier overlapping one of a kind found before it is dropped."""
    plain = _plain(text, start, end, today)
    if plain is not None:
        return plain
    hits: list[PiiHit] = []
    taken: list[tuple[int, int]] = []
    for kind, a, b, value in _valid_numbers(text[start:end], today):
        if any(a < y and x < b for x, y in taken) or not _boundary_ok(text, start + a, start + b):
            continue
        taken.append((a, b))
        hits.append(PiiHit(kind, start + a, start + b, value))
    return sorted(hits, key=lambda h: h.start)


# ---------------------------------------------------------------- addresses

_UNIT = r"(?:号楼|号院|栋|幢|座|单元|室|户|号|楼|层)"
_DETAIL = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,12}?(?:路|街|大街|大道|巷|弄|胡同|村|小区|花园|公寓|家园|苑|里)"
    r"[\u4e00-\u9fa5A-Za-z0-9\-]{0,16}?"
    r"(?:\d+|[一二三四五六七八九十]+)\s*"
    + _UNIT
    + r"(?:[\u4e00-\u9fa5A-Za-z\-]{0,8}?(?:\d+|[一二三四五六七八九十]+)\s*"
    + _UNIT
    + r")*(?:\d{2,4}(?![0-9]))?"
)
_GATE = re.compile(
    r"(?:路|街|大道|巷|弄|胡同|村|小区|花园|公寓|家园|苑|里)[^\n]{0,40}?(?:\d|[一二三四五六七八九十])"
)
_RESIDENTIAL = re.compile(r"小区|花园|公寓|家园|苑|号楼|栋|幢|单元|\d+室|户")


@dataclass(frozen=True, slots=True)
class Address:
    start: int
    end: int
    admin_end: int
    """Offset where the province/city/district prefix ends: the masked part starts here."""
    adcode: str | None
    residential: bool


def find_addresses(text: str, locate=None) -> list[Address]:
    """Detailed addresses: a 路/街/小区 … + number detail, preceded by a real district or city.

    `locate` is the cpca-backed resolver (`AddressLocator`); without it only the detail regex is used
    and `adcode` stays None.
    """
    out: list[Address] = []
    if not _GATE.search(text):  # the detail regex backtracks: skip texts that cannot match
        return out
    for m in _DETAIL.finditer(text):
        start, end = m.start(), m.end()
        head_from = max(0, start - 14)
        admin = locate(text[head_from:end]) if locate else None
        if admin is None:
            if locate is not None:
                continue
            admin_end, adcode = start, None
        else:
            a_start, a_end, adcode = admin
            start, admin_end = head_from + a_start, head_from + a_end
        out.append(
            Address(
                start,
                end,
                max(admin_end, start),
                adcode,
                _RESIDENTIAL.search(text, m.start(), end) is not None,
            )
        )
    return out


class AddressLocator:
    """Province/city/district recognition with `cpca` (loaded on first use, ≈0.6 s; ≈0.1 ms a call via
    its per-string core, ≈1.6 ms through the pandas-returning `cpca.transform`).

    Returns (start, end, adcode) of the administrative prefix inside the string, or None when cpca
    finds no city or district (a bare 某某路5号 is not an identifiable address).
    """

    def __init__(self, cache_size: int = 4096) -> None:
        self._cpca: ModuleType | None = None  # imported on first use
        self._cache: dict[str, tuple[int, int, str] | None] = {}
        self._cache_size = cache_size

    def __call__(self, s: str) -> tuple[int, int, str] | None:
        if s in self._cache:
            return self._cache[s]
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[s] = found = self._locate(s)
        return found

    def _row(self, s: str) -> dict:
        if self._cpca is None:
            import cpca

            self._cpca = cpca
        one = getattr(self._cpca, "_get_one_addr", None)
        if one is not None:  # cpca 0.5.5: the per-string core of transform(), ≈0.05–0.1 ms without pandas
            try:
                return one(s, True, {})
            except Exception:  # noqa: BLE001 - fall back to the public API
                pass
        return self._cpca.transform([s], pos_sensitive=True).iloc[0].to_dict()

    def _locate(self, s: str) -> tuple[int, int, str] | None:
        row = self._row(s)
        positions = [int(row[k]) for k in ("省_pos", "市_pos", "区_pos") if int(row[k]) >= 0]
        names = [row[k] for k in ("省", "市", "区") if isinstance(row[k], str)]
        if not positions or not isinstance(row["区"], str) and not isinstance(row["市"], str):
            return None
        last = max(positions)
        tail = next((n for n in reversed(names) if s.startswith(n, last)), None)
        if tail is None:
            tail = _admin_word(s, last)
        return min(positions), last + len(tail), str(row["adcode"])


def _admin_word(s: str, pos: int) -> str:
    m = re.match(r"[\u4e00-\u9fa5]{1,8}?(?:自治区|自治州|自治县|省|市|区|县|旗|盟|州)", s[pos:])
    return m.group(0) if m else s[pos : pos + 2]
