"""Reading user-written tables (CSV in UTF-8 with/without BOM or GB18030, or .xlsx) as rows of text.

Used for the case registers (people.csv, …). Returns header + rows of stripped strings with
their 1-based row numbers as the user sees them in a spreadsheet, and the rows that could not be
read at all (a cell over the CSV field limit, a broken quote) as rejects: a bad row costs that row.
Any line ending is accepted (LF, CRLF, a lone CR from old Mac spreadsheets).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from hongxian.ingest.base import Reject, UnreadableSource
from hongxian.ingest.containers import is_zip, zip_problem

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not) or GB18030; returns (text, encoding)."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise UnreadableSource("无法识别文件编码（支持 UTF-8、UTF-8 BOM、GB18030）")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S")
            if (value.hour, value.minute, value.second) != (0, 0, 0)
            else value.date().isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


Rows = list[tuple[int, list[str]]]


def read_rows(path: Path) -> tuple[Rows, list[Reject]]:
    """All non-empty rows as (row_number, cells), and the rows that could not be parsed.
    XLSX: first visible sheet."""
    data = Path(path).read_bytes()
    if is_zip(data):
        problem = zip_problem(path)
        if problem:
            raise UnreadableSource(problem)
        return _read_xlsx(path), []
    text, _ = decode_text(data)
    return csv_rows(text)


def csv_rows(text: str) -> tuple[Rows, list[Reject]]:
    """CSV text → (rows, rejects); row numbers are physical line numbers where each record starts."""
    consumed: list[str] = []  # the physical lines of the record being parsed
    reader = csv.reader(_tap(io.StringIO(text, newline=""), consumed))  # any line ending; kept for csv
    out: Rows = []
    rejects: list[Reject] = []
    start = 1
    while True:
        consumed.clear()
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raw = "".join(consumed)[:2000]
            rejects.append(Reject(start, raw, _csv_reason(exc)))
            start = reader.line_num + 1
            continue
        cells = [c.strip().strip("\t") for c in cells]
        if any(cells):
            out.append((start, cells))
        start = reader.line_num + 1
    return out, rejects


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"该行有单元格超过 {csv.field_size_limit()} 个字符，整行无法读取"
    return f"CSV 格式错误，整行无法读取：{text}"


def _tap(lines: Iterator[str], consumed: list[str]) -> Iterator[str]:
    for line in lines:
        consumed.append(line)
        yield line


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [s for s in wb.sheets_metadata if str(getattr(s, "visible", "Visible")).endswith("Visible")]
        if not sheets and not wb.sheets_metadata:
            raise UnreadableSource("Excel 文件中没有工作表")
        name = (sheets[0] if sheets else wb.sheets_metadata[0]).name
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except UnreadableSource:
        raise
    except Exception as exc:  # calamine raises its own error types (a broken sheet, bad XML, …)
        raise UnreadableSource(f"无法读取 Excel 文件：{type(exc).__name__}: {exc}") from exc
    out = []
    for i, cells in enumerate(rows, start=1):
        texts = [_cell_text(c) for c in cells]
        if any(texts):
            out.append((i, texts))
    return out
