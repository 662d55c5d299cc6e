"""Builders of hostile and odd input files for the ingest hardening tests (issue 13)."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

from hongxian.testing.bills import WeChatBillRow, write_wechat_csv, write_wechat_xlsx
from hongxian.testing.wechat_db import WeChatDbBuilder


def bill_rows(n: int = 3) -> list[WeChatBillRow]:
    return [
        WeChatBillRow(
            datetime(2024, 3, 1, 10, i),
            "转账",
            "老周",
            "转账备注:还款",
            "收入",
            5000 + i,
            "/",
            "已存入零钱",
            f"10000500012403010001112223334445556{i}",
            f"100005000120240301011122233344{i}",
        )
        for i in range(n)
    ]


def good_bill(path: Path, n: int = 3) -> Path:
    return write_wechat_csv(path, bill_rows(n))


def corrupt_deflate_xlsx(path: Path) -> Path:
    """A WeChat bill .xlsx whose sharedStrings deflate stream is garbage (zlib.error on read)."""
    tmp = path.with_suffix(".tmp.xlsx")
    write_wechat_xlsx(tmp, bill_rows(5))
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
    tmp.unlink()
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/sharedStrings.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + min(info.compress_size, 40)):
        data[i] = 0xFF  # an invalid block type
    path.write_bytes(bytes(data))
    return path


def zip_bomb_xlsx(path: Path, inflated: int = 64 << 20) -> Path:
    """A small .xlsx whose one worksheet inflates to ``inflated`` bytes (a zip bomb)."""
    tmp = path.with_suffix(".tmp.xlsx")
    write_wechat_xlsx(tmp, bill_rows(2))
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                member = zipfile.ZipInfo(info.filename)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w", force_zip64=True) as fh:
                    chunk = b" " * (1 << 20)
                    for _ in range(inflated >> 20):
                        fh.write(chunk)
            else:
                dst.writestr(info, src.read(info.filename))
    tmp.unlink()
    return path


def msg_db(path: Path, n_text: int = 3) -> Path:
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer0001", nickname="老周")
    for i in range(n_text):
        b.add_text("wxid_peer0001", f"第{i}条消息")
    return b.write_merged(path)


def non_utf8_schema_db(path: Path) -> Path:
    """A MSG database plus a table whose name in sqlite_master is not valid UTF-8."""
    msg_db(path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE Qzzq (a)")
    con.commit()
    con.close()
    data = path.read_bytes().replace(b"Qzzq", b"\xff\xfezq")
    path.write_bytes(data)
    return path


def quoted_table_db(path: Path) -> Path:
    """A valid MSG database with an extra table whose name contains a double quote."""
    msg_db(path)
    con = sqlite3.connect(path)
    con.execute('CREATE TABLE "we""ird" (a)')
    con.commit()
    con.close()
    return path


def rewrite_xlsx_column(path: Path, header: str, values: dict[int, object]) -> Path:
    """Set data cells of one column of a bill's ``Sheet1`` (``values``: data row index → value),
    as a spreadsheet user editing the file would (numbers stay numbers)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Sheet1"]
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "交易时间")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(top, c).value == header)
    for i, value in values.items():
        ws.cell(top + 1 + i, col).value = value
    wb.save(path)
    return path
