"""Reading user-written tables (CSV in UTF-8 with/without BOM or GB18030, or .xlsx) as rows of text.

Used for the case registers (people.csv, …). Returns header + rows of stripped strings with
their 1-based row numbers as the user sees them in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from hongxian.ingest.base import UnreadableSource

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


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """All non-empty rows as (row_number, cells). XLSX: first visible sheet."""
    data = Path(path).read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path)
    text, _ = decode_text(data)
    out = []
    for i, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip().strip("\t") for c in cells]
        if any(cells):
            out.append((i, cells))
    return out


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise UnreadableSource(f"无法打开 Excel 文件：{exc}") from exc
    sheets = [s for s in wb.sheets_metadata if str(getattr(s, "visible", "Visible")).endswith("Visible")]
    name = (sheets[0] if sheets else wb.sheets_metadata[0]).name
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    out = []
    for i, cells in enumerate(rows, start=1):
        texts = [_cell_text(c) for c in cells]
        if any(texts):
            out.append((i, texts))
    return out
