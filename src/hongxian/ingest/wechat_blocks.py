"""Block-wise reading of a WeChat Pay CSV bill's data part with ``pyarrow.csv`` (the fast path).

The data lines after the header are read in blocks of a few MiB and tokenised by Arrow's CSV
parser, which splits single-line records exactly as Python's lenient ``csv`` module does
(quotes mid-field are literal, text after a closing quote is kept — the TAB after ids).
Cleaning (strip of blanks, TABs, U+3000, BOM) and the common value shapes are vectorised:
``YYYY-MM-DD HH:MM:SS`` times, ``¥123.45`` amounts (integer fen via string digits, never a
float), known 收/支 values. Every other row — wrong field count (unquoted commas, short rows),
spreadsheet-mangled values, garbage — goes through the line-wise `WeChatRows.parse_cells` with
its real line number, and the block is reassembled in file order.

A block is used only when each of its physical lines is exactly one record: no NUL, no bare CR,
Arrow's record count equal to the line count, no quote left open on the last line, no field over
Python csv's field size limit. Otherwise the caller continues from that block's first line with
the line-wise reader (`bill_csv.CsvRecords`), so the result is the same either way.
"""

from __future__ import annotations

import csv
import io
from functools import reduce
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from hongxian.ingest.bill_common import STRIP
from hongxian.ingest.bill_csv import one_line
from hongxian.ingest.wechat_columns import DIRECTIONS, PARSED, map_values
from hongxian.ingest.wechat_rows import WeChatRows, values_block

BLOCK_BYTES = 8 << 20
_TIME_RE = r"^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
_AMOUNT_RE = r"^[¥￥]?[0-9]{1,13}(\.[0-9]{0,2})?$"
_STR = pa.string()
_EIGHT_HOURS_US = 8 * 3600 * 1_000_000


def data_offset(path: Path, lines: int) -> int | None:
    """Byte offset of physical line ``lines + 1``; None when a bare CR (a line break to Python's
    text reader, not to a byte reader) makes the two numberings differ."""
    with open(path, "rb") as fh:
        head = b"".join(fh.readline() for _ in range(lines))
    return len(head) if head.count(b"\r") == head.count(b"\r\n") else None


def read_blocks(rows: WeChatRows, path: Path, encoding: str, offset: int, first_line: int) -> int | None:
    """Feed the data part from byte ``offset`` (physical line ``first_line``) block by block.

    Returns None when the file was read to the end, else the line number from which the
    line-wise reader must continue (the first line of a block that is not plain one-line CSV)."""
    reader = _BlockParser(rows, encoding)
    line = first_line
    with open(path, "rb") as fh:
        fh.seek(offset)
        carry = b""
        while True:
            chunk = fh.read(BLOCK_BYTES)
            data = carry + chunk
            cut = len(data) if not chunk else data.rfind(b"\n") + 1
            if chunk and cut == 0:
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
            if not block:
                return None
            nlines = block.count(b"\n") + (not block.endswith(b"\n"))
            if not reader.block(block, line, nlines):
                return line
            line += nlines


def _ends_in_quote(line: bytes) -> bool:
    """Whether Python's csv would still be inside a quoted field at the end of this line."""
    if b'"' not in line:
        return False
    state = 0  # 0 start of field, 1 in field, 2 in quotes, 3 quote inside quotes
    for ch in line.rstrip(b"\r\n"):
        if state == 2:
            state = 3 if ch == 0x22 else 2
        elif ch == 0x2C:
            state = 0
        elif state != 1:  # start of field, or just after a closing quote ("" inside quotes: back in)
            state = 2 if ch == 0x22 else 1
    return state == 2


class _BlockParser:
    def __init__(self, rows: WeChatRows, encoding: str):
        self.rows, self.encoding = rows, encoding
        self.names = [str(i) for i in range(rows.width)]
        self.limit = csv.field_size_limit()

    def block(self, block: bytes, first_line: int, nlines: int) -> bool:
        """Parse and emit one block; False (nothing emitted) when it is not plain one-line CSV."""
        if b"\x00" in block or (b"\r" in block and block.count(b"\r") != block.count(b"\r\n")):
            return False
        if _ends_in_quote(block[block.rfind(b"\n", 0, len(block) - 1) + 1 :]):
            return False
        parsed = self._tokenise(block)
        if parsed is None:
            return False
        table, invalid = parsed
        if table.num_rows + len(invalid) != nlines or any(n is None or n < 1 for n, _ in invalid):
            return False
        if (
            table.num_rows
            and max(pc.max(pc.binary_length(c)).as_py() for c in table.columns) > self.limit
            and max(pc.max(pc.utf8_length(c)).as_py() for c in table.columns) > self.limit
        ):
            return False  # Python's csv would refuse such a field
        lines = np.arange(first_line, first_line + nlines, dtype=np.int64)
        if invalid:
            lines = np.delete(lines, [n - 1 for n, _ in invalid])
        slow = [(first_line + n - 1, one_line(text)) for n, text in invalid]
        self._emit(table, lines, slow)
        return True

    def _tokenise(self, block: bytes) -> tuple[pa.Table, list[tuple[int, str]]] | None:
        utf8 = self.encoding.startswith("utf-8")
        parsed = self._try(block if utf8 else _utf8(block, self.encoding))
        if parsed is None and utf8:  # invalid UTF-8: decoded with U+FFFD, as the line-wise reader does
            parsed = self._try(_utf8(block, "utf-8"))
        return parsed

    def _try(self, data: bytes) -> tuple[pa.Table, list[tuple[int, str]]] | None:
        invalid: list[tuple[int, str]] = []
        try:
            return self._read(data, invalid), invalid
        except (pa.ArrowException, UnicodeDecodeError, ValueError):
            return None

    def _read(self, data: bytes, invalid: list[tuple[int, str]]) -> pa.Table:
        def handler(row) -> str:
            invalid.append((row.number, row.text))
            return "skip"

        return pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(
                column_names=self.names, use_threads=False, block_size=len(data) + 1
            ),
            parse_options=pcsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=handler
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(self.names, _STR),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def _emit(self, table: pa.Table, lines: np.ndarray, slow: list[tuple[int, list[str]]]) -> None:
        rows = self.rows
        clean = [pc.utf8_trim(c.combine_chunks(), STRIP) for c in table.columns]
        fields = [clean[i] if i >= 0 else None for i in rows.cols]
        ok, fast = _fast_rows(fields, table.num_rows)
        nonblank = reduce(pc.or_, (pc.greater(pc.binary_length(c), 0) for c in clean))
        redo = pc.indices_nonzero(pc.and_(nonblank, pc.invert(ok))).to_pylist()
        if redo:
            raw = table.take(redo).to_pylist()
            slow.extend((int(lines[i]), list(r.values())) for i, r in zip(redo, raw, strict=True))
            slow.sort(key=lambda s: s[0])
        parsed = [(n, v) for n, cells in slow if (v := rows.parse_cells(n, cells)) is not None]
        good = pc.indices_nonzero(ok)
        rows.sink.count_in(len(good))  # the other rows were counted by `parse_cells`
        block = {k: v.take(good) for k, v in fast.items()}
        if parsed:
            block = _merge(block, pa.array(lines).take(good), parsed)
        rows.emit_block(block)


def _fast_rows(fields: list, n: int) -> tuple[pa.Array, dict[str, pa.Array]]:
    """(mask of rows whose time, amount and 收/支 have the plain shapes, their parsed columns)."""
    empty = pa.array([""] * n, _STR)
    t, a, d, *rest = (f if f is not None else empty for f in fields)
    t_ok = pc.and_(pc.match_substring_regex(t, _TIME_RE), pc.invert(pc.starts_with(t, "0000")))
    tt = pc.if_else(t_ok, t, "1970-01-01 00:00:00")
    naive = pc.strptime(tt, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=True)
    day = pc.cast(pc.utf8_slice_codeunits(tt, 8, 10), pa.int64())
    t_ok = pc.and_(t_ok, pc.fill_null(pc.equal(pc.day(naive), day), False))  # strptime rolls 02-30 over
    a_ok = pc.match_substring_regex(a, _AMOUNT_RE)
    d_ok = pc.is_in(d, value_set=pa.array(list(DIRECTIONS), _STR))
    fast = {
        "ts": pc.subtract(pc.fill_null(naive.cast(pa.int64()), 0), _EIGHT_HOURS_US),
        "ts_key": pc.binary_join_element_wise(t, "+08:00", ""),
        "fen": _fen(pc.if_else(a_ok, a, "0")),
        "d": d,
        "direction": map_values(pc.if_else(d_ok, d, ""), DIRECTIONS.__getitem__, {}),
    }
    fast.update(zip(PARSED[5:], rest, strict=True))
    return pc.and_(pc.and_(t_ok, a_ok), d_ok), fast


def _fen(amount: pa.Array) -> pa.Array:
    """Amounts already matching `_AMOUNT_RE` → integer fen from their digits (``12.5`` → 1250)."""
    digits = pc.utf8_ltrim(amount, "¥￥")
    dot = pc.find_substring(digits, ".")
    decimals = pc.subtract(pc.subtract(pc.binary_length(digits), dot), 1)  # after the dot (dot = -1: none)
    scale = pc.if_else(
        pc.or_(pc.less(dot, 0), pc.equal(decimals, 0)), 100, pc.if_else(pc.equal(decimals, 1), 10, 1)
    )
    return pc.multiply(pc.cast(pc.replace_substring(digits, ".", ""), pa.int64()), pc.cast(scale, pa.int64()))


def _merge(
    block: dict[str, pa.Array], lines: pa.Array, parsed: list[tuple[int, tuple]]
) -> dict[str, pa.Array]:
    """The vectorised rows and the line-wise ones together, in file order."""
    extra = values_block([v for _, v in parsed])
    order = pc.sort_indices(pa.concat_arrays([lines, pa.array([n for n, _ in parsed], pa.int64())]))
    return {k: pa.concat_arrays([block[k], extra[k]]).take(order) for k in PARSED}


def _utf8(block: bytes, encoding: str) -> bytes:
    return block.decode(encoding, errors="replace").encode("utf-8")
