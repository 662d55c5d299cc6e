"""Value parsing shared by the WeChat Pay and Alipay bill readers (research/formats.md §1.6, §1.8, §3).

Hot-path helpers use ``str`` methods, not regexes: a bill can have a million rows. Every parser
raises `BadValue` with a Chinese reason; the reader turns that into a reject, never a crash.
"""

from __future__ import annotations

import codecs
import math
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from hashlib import blake2b

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hongxian.ids import fingerprint

# Bills are Beijing time. A fixed +08:00 offset is exact for every date WeChat Pay / Alipay exist
# (China has had no daylight saving since 1991) and converts to Arrow much faster than ZoneInfo.
BEIJING = timezone(timedelta(hours=8))
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=BEIJING)
MAX_FEN = 10**15  # ten trillion yuan: anything larger is garbage (and would overflow int64 later)
YEN = "¥￥"  # U+00A5 and U+FFE5, both seen in real bills
STRIP = " \t\r\n\u3000\ufeff"
NULLS = ("", "/")
ID_SEP = "\x1f"  # as hongxian.ids.fingerprint joins its parts


class BadValue(ValueError):
    """A cell that cannot be understood: ``column`` and a Chinese ``reason``."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def nullable(text: str) -> str | None:
    """``/`` and empty → None (bills use ``/`` for 'not applicable')."""
    return None if text in NULLS else text


# ---------------------------------------------------------------- money


def yuan_to_fen(text: str, column: str = "金额") -> int:
    """``¥1,234.50`` / ``￥0.07`` / ``50.0`` / ``12`` → integer fen. Never negative."""
    if len(text) > 3 and text[-3] == "." and text[0] in YEN:  # the exporter's own ¥12.34
        whole, frac = text[1:-3], text[-2:]
        if whole.isdigit() and frac.isdigit() and len(whole) < 14 and (whole + frac).isascii():
            return int(whole) * 100 + int(frac)
    s = text
    if s and s[0] in YEN:
        s = s[1:].strip(STRIP)
    if "," in s:
        s = s.replace(",", "")
    whole, dot, frac = s.partition(".")
    if (
        whole.isdigit()
        and whole.isascii()
        and len(whole) < 14
        and (not dot or (len(frac) <= 2 and (not frac or (frac.isdigit() and frac.isascii()))))
    ):
        return int(whole) * 100 + (int(frac) * (10 if len(frac) == 1 else 1) if frac else 0)
    return _yuan_slow(text, s, column)


def _yuan_slow(original: str, s: str, column: str) -> int:
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise BadValue(column, f"金额“{original}”无法识别") from None
    if not value.is_finite():
        raise BadValue(column, f"金额“{original}”无法识别")
    if value < 0:
        raise BadValue(column, f"金额“{original}”为负数（账单金额应为正数，方向见收/支列）")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise BadValue(column, f"金额“{original}”超过两位小数")
    if fen >= MAX_FEN:
        raise BadValue(column, f"金额“{original}”超出合理范围")
    return int(fen)


def number_to_fen(value: float, column: str = "金额") -> int:
    """A numeric spreadsheet cell (yuan) → fen (548.58000000000004 → 54858).

    The same rule as for text (`yuan_to_fen`): more than two decimals is rejected, never rounded
    (28.165 → a reject, as ``¥0.355`` is). Binary float noise (0.1 + 0.2) is not a third decimal."""
    if isinstance(value, bool) or not math.isfinite(value):
        raise BadValue(column, f"金额“{value}”无法识别")
    if value < 0:
        raise BadValue(column, f"金额“{value}”为负数（账单金额应为正数，方向见收/支列）")
    if value * 100 >= MAX_FEN:  # before rounding: a huge float has no integer value to round to
        raise BadValue(column, f"金额“{value}”超出合理范围")
    exact = value * 100
    if abs(exact - round(exact)) > 1e-6 + abs(exact) * 1e-12:
        raise BadValue(column, f"金额“{value!r}”超过两位小数")
    fen = int(Decimal(str(round(value, 2))) * 100)
    if fen >= MAX_FEN:
        raise BadValue(column, f"金额“{value}”超出合理范围")
    return fen


def looks_excel_amount(text: str) -> bool:
    """``¥1,020.00``: thousands separators appear only after a spreadsheet re-save."""
    return "," in text


def status_refund_fen(status: str) -> int | None:
    """``已退款(¥0.73)`` / ``已退款(￥9.10)`` / ``已退款¥0.73`` → 73 / 910 / 73; else None."""
    if not status.startswith("已退款"):
        return None
    rest = status[3:].strip(STRIP + "()（）")
    if not rest or rest[0] not in YEN:
        return None
    try:
        return yuan_to_fen(rest.strip(STRIP + "()（）"))
    except BadValue:
        return None


# ---------------------------------------------------------------- time


def parse_time(text: str, column: str = "交易时间") -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` (Beijing time) → aware datetime; other shapes via `parse_time_loose`."""
    if len(text) == 19 and text[4] == "-" and text[10] == " ":
        try:
            return datetime.fromisoformat(text + "+08:00")
        except ValueError:
            pass
    return parse_time_loose(text, column)


def parse_time_loose(text: str, column: str = "交易时间") -> datetime:
    """Spreadsheet-mangled times: ``2024/1/5 9:03``, ``2024-1-5 9:03:07``, ISO ``T``, an Excel serial."""
    s = text.strip(STRIP)
    if s.replace(".", "", 1).isdigit() and s.isascii():  # a serial that lost its number format
        return excel_serial(float(s), column)
    date_part, _, time_part = s.replace("T", " ").partition(" ")
    pieces = date_part.replace("/", "-").replace(".", "-").split("-")
    try:
        y, m, d = (int(p) for p in pieces)
        hms = [int(p) for p in time_part.strip(STRIP).split(":")] if time_part.strip(STRIP) else []
        if len(hms) > 3 or (hms and len(hms) < 2):
            raise ValueError
        hms += [0] * (3 - len(hms))
        return datetime(y, m, d, hms[0], hms[1], hms[2], tzinfo=BEIJING)
    except (ValueError, OverflowError):
        raise BadValue(column, f"交易时间“{text}”无法识别（应为 YYYY-MM-DD HH:MM:SS）") from None


def looks_excel_time(text: str) -> bool:
    """``2024/1/5 9:03`` (slashes, no seconds): what a spreadsheet re-save does to 交易时间."""
    return "/" in text or text.count(":") == 1


def excel_serial(value: float, column: str = "交易时间") -> datetime:
    """Excel 1900 date serial (base 1899-12-30) → Beijing time, rounded to the second."""
    if isinstance(value, bool) or not math.isfinite(value) or not 1 <= value < 2958466:
        raise BadValue(column, f"交易时间“{value}”不是有效的 Excel 日期序列值")
    return _EXCEL_EPOCH + timedelta(seconds=round(value * 86400))


def cell_time(value: object, column: str = "交易时间") -> tuple[datetime, bool]:
    """A time cell of any type → (aware datetime, looked like a spreadsheet re-save)."""
    if isinstance(value, str):
        s = value.strip(STRIP)
        if len(s) == 19 and s[4] == "-" and s[10] == " ":
            return parse_time(s, column), False
        return parse_time_loose(s, column), looks_excel_time(s)
    if isinstance(value, datetime):
        if value.microsecond:  # a date serial's float noise: bills have whole seconds
            value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value.astimezone(BEIJING), False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial(float(value), column), False
    if value is not None and hasattr(value, "year"):  # a bare date
        return datetime(value.year, value.month, value.day, tzinfo=BEIJING), False  # type: ignore[attr-defined]
    raise BadValue(column, "交易时间为空" if value is None else f"交易时间“{value}”无法识别")


# ---------------------------------------------------------------- text


def decode_head(head: bytes) -> str:
    """The first bytes of a text file as str for sniffing: UTF-8 (BOM or not), else GB18030."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
    return head.decode("gb18030", errors="replace")


def text_encoding(path) -> str:
    """``utf-8-sig`` when the first 64 KiB decode as UTF-8, else ``gb18030``."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def first_lines(head: bytes, n: int = 40) -> list[str]:
    """The first non-empty lines of a text head, each stripped of padding commas, quotes and blanks."""
    out = []
    for line in decode_head(head).splitlines():
        s = line.strip(STRIP + ',"')
        if s:
            out.append(s)
            if len(out) >= n:
                break
    return out


MANGLED_ID_RE = "(?i)^[0-9]+([.][0-9]+)?e[+-]?[0-9]+$"
"""An id a spreadsheet turned into a number and wrote back in scientific notation (RE2 pattern)."""
MANGLED_ID_WARNING = (
    "{column}呈科学计数法（如 4.20000006920171e+27），文件可能经 Excel 打开后另存，单号已失真："
    "失真的单号不再作为单号使用（去重与退款配对不依赖它），请尽量使用原始导出文件"
)


def looks_float_mangled(text: str | None) -> bool:
    """``4.20000006920171e+27`` / ``4.2E+27``: an id that went through a float."""
    if not text or len(text) > 40:
        return False
    mantissa, e, exponent = text.strip().lower().partition("e")
    return bool(e) and mantissa.replace(".", "", 1).isdigit() and exponent.lstrip("+-").isdigit()


def cell_str(value: object) -> str:
    """A spreadsheet cell as stripped text (ids that became numbers lose the ``.0``)."""
    if isinstance(value, str):
        return value.strip(STRIP)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip(STRIP)


# ---------------------------------------------------------------- ids


class PaymentIds:
    """Content fingerprints for bill rows, numbered per identical content (formats.md §1.7).

    The id hashes what the row *says* (never its position or its changing status), so the same
    row in a re-exported, overlapping bill gets the same id, while exact repeats inside one bill
    (the double-entry-generator sample repeats 交易单号) stay distinct through the occurrence index.
    ``ids(*parts)`` equals ``hongxian.ids.fingerprint(prefix, *parts)`` for a first occurrence;
    `from_key` takes the parts already joined with ``ID_SEP`` (the hot path of the readers).
    """

    def __init__(self, prefix: str = "pay"):
        self.prefix = prefix
        self._seen: dict[str, int] = {}  # one entry per distinct row: an OccurrenceCounter keyed by digest

    def __call__(self, *parts: object) -> str:
        return self.from_key(ID_SEP.join("" if p is None else str(p) for p in parts))

    def from_key(self, key: str) -> str:
        base = f"{self.prefix}-{blake2b(key.encode('utf-8'), digest_size=16).hexdigest()[:16]}"
        n = self._seen.get(base)
        if n is None:
            self._seen[base] = 1
            return base
        self._seen[base] = n + 1
        return fingerprint(self.prefix, base, n)


_HEX = np.frombuffer("".join(f"{i:02x}" for i in range(256)).encode(), np.uint8).reshape(256, 2)


def digests(keys: list[bytes], seed: bytes = b"") -> np.ndarray:
    """``blake2b(seed + key, digest_size=16)`` of every key as an (n, 16) uint8 array."""
    copy = blake2b(seed, digest_size=16).copy
    out = []
    for key in keys:
        h = copy()
        h.update(key)
        out.append(h.digest())
    return np.frombuffer(b"".join(out), np.uint8).reshape(len(keys), 16)


def hex_ids(prefix: str, head8: np.ndarray) -> pa.Array:
    """``<prefix>-<16 hex digits>`` for each row of an (n, 8) uint8 array, as an Arrow string array
    (what ``hongxian.ids.fingerprint`` makes), without a Python string per row."""
    n = len(head8)
    pre = np.frombuffer(f"{prefix}-".encode(), np.uint8)
    text = np.concatenate([np.broadcast_to(pre, (n, len(pre))), _HEX[head8].reshape(n, 16)], axis=1)
    offsets = np.arange(0, (n + 1) * text.shape[1], text.shape[1], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())])


def digest_ids(prefix: str, keys: list[bytes], seed: bytes = b"") -> pa.Array:
    """``fingerprint(prefix, …)`` ids of keys already joined with ``ID_SEP`` (``seed`` + key)."""
    return hex_ids(prefix, digests(keys, seed)[:, :8])


class BlockIds:
    """`PaymentIds` for blocks of rows: the same ids, with numpy instead of a dict entry per row.

    Only the digest is computed row by row (``blake2b`` has no vectorised form). Hex text and
    prefix are built with numpy straight into an Arrow string array; repeats are found against
    the sorted first 8 digest bytes of every earlier row (8 bytes a row: the same key as the
    ``prefix-<16 hex>`` base id), so the n-th copy of a row gets ``fingerprint(prefix, base, n)``.
    """

    def __init__(self, prefix: str = "pay"):
        self.prefix = prefix
        self._seen = np.empty(0, dtype=np.uint64)  # sorted, with repeats

    def assign(self, keys: list[bytes]) -> pa.Array:
        """Ids for UTF-8 keys (parts joined with ``ID_SEP``) in file order."""
        n = len(keys)
        if n == 0:
            return pa.array([], pa.string())
        head8 = digests(keys)[:, :8]
        ids = hex_ids(self.prefix, head8)
        head = np.ascontiguousarray(head8).view(">u8").ravel().astype(np.uint64)
        occurrence = self._occurrences(head)
        self._seen = np.sort(np.concatenate([self._seen, head]), kind="stable")
        if occurrence is None:
            return ids
        rows = np.flatnonzero(occurrence)
        bases = ids.take(pa.array(rows)).to_pylist()
        repeats = [fingerprint(self.prefix, b, int(k)) for b, k in zip(bases, occurrence[rows], strict=True)]
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        return pc.replace_with_mask(ids, pa.array(mask), pa.array(repeats, pa.string()))

    def _occurrences(self, head: np.ndarray) -> np.ndarray | None:
        """Per row: how many earlier rows (this block or before) had the same base id; None if none."""
        n = len(head)
        order = np.argsort(head, kind="stable")
        ordered = head[order]
        first = np.r_[True, ordered[1:] != ordered[:-1]]
        seen = self._seen
        left = np.searchsorted(seen, ordered, "left")  # sorted queries: cache-friendly
        hit = seen[np.minimum(left, len(seen) - 1)] == ordered if len(seen) else np.zeros(n, dtype=bool)
        if first.all() and not hit.any():
            return None
        start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        count = np.arange(n) - start
        if hit.any():
            count += np.searchsorted(seen, ordered, "right") - left
        occurrence = np.empty(n, dtype=np.int64)
        occurrence[order] = count
        return occurrence
