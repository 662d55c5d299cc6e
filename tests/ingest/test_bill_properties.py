"""Property tests: mangled bills never crash a reader, and no row is silently lost.

Each generated bill is a real-format file (the writers of hongxian.testing.bills) whose rows
carry random text, random quoting quirks and randomly broken times, amounts and directions.
Every data row must end up either as a payment or as a reject.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongxian.ingest.alipay_bill import AlipayBillReader
from hongxian.ingest.bill_common import STRIP, BadValue, cell_time, number_to_fen, parse_time, yuan_to_fen
from hongxian.ingest.wechat_bill import WeChatBillReader
from hongxian.ingest.wechat_rows import INTERNAL
from hongxian.testing.bills import (
    WECHAT_HEADER,
    AlipayBillRow,
    BillPeriod,
    WeChatBillRow,
    WeChatCsvStyle,
    read_bill,
    wechat_preamble,
    write_alipay_csv,
    write_wechat_csv,
    write_wechat_xlsx,
    yuan,
)

BJ = timezone(timedelta(hours=8))
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRICKY = st.sampled_from(
    [",", '"', "\t", " ", "¥", "￥", "/", "-退款", "发给", "，", "已退款(¥", ")", "E+", "\u3000"]
)
TEXT = st.lists(
    st.one_of(TRICKY, st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)), max_size=5
).map("".join)
LINE_TEXT = st.one_of(TEXT, st.just("第一行\n第二行"), st.just("a\r\nb"))
TIMES = st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2030, 12, 31))
TYPES = st.sampled_from(
    [
        "商户消费",
        "微信红包",
        "微信红包（单发）",
        "转账",
        "转账-退款",
        "群收款",
        "扫二维码付款",
        "零钱提现",
        "美团平台商户-退款",
        "亲属卡交易",
        "未知类型",
    ]
)
DIRECTIONS = st.sampled_from(["收入", "支出", "/", "", "不计收支"])
BROKEN = st.one_of(st.none(), TEXT)  # None keeps the valid value, text replaces it


@st.composite
def wechat_rows(draw, text=TEXT):
    ts, bad_ts = draw(TIMES), draw(BROKEN)
    bad_amount = draw(BROKEN)
    return WeChatBillRow(
        ts if bad_ts is None else bad_ts,
        draw(st.one_of(TYPES, text)),
        draw(text),
        draw(text),
        draw(st.one_of(DIRECTIONS, text)),
        draw(st.integers(0, 10**11)),
        draw(text),
        draw(text),
        draw(text),
        draw(text),
        draw(text),
        amount_text=bad_amount,
    )


def _has_text(r: WeChatBillRow) -> bool:
    """A row whose every cell is blank (spaces, tabs) is no row: readers skip it, as a spreadsheet does."""
    if r.amount_text is None:
        return True
    cells = (
        r.ts if isinstance(r.ts, str) else "x",
        r.type,
        r.counterparty,
        r.goods,
        r.direction,
        r.amount_text,
        r.method,
        r.status,
        r.txn_id,
        r.merchant_id,
        r.remark,
    )
    return any(c.strip(STRIP) for c in cells)


def _counts(sink) -> tuple[int, int]:
    assert not [r for r in sink.rejects if r.error.startswith(INTERNAL)], sink.rejects
    return sink.table("payments").num_rows, len(sink.rejects)


@SETTINGS
@given(
    rows=st.lists(wechat_rows(text=LINE_TEXT), max_size=12),
    nickname=TEXT,
    quoting=st.sampled_from(["mixed", "all", "minimal"]),
    suffix=st.sampled_from(["\t", " ", ""]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_wechat_csv_every_row_loaded_or_rejected(rows, nickname, quoting, suffix, encoding, newline):
    style = WeChatCsvStyle(quoting=quoting, id_suffix=suffix, encoding=encoding, newline=newline)
    with tempfile.TemporaryDirectory() as tmp:
        sink = read_bill(
            WeChatBillReader(), write_wechat_csv(Path(tmp) / "b.csv", rows, nickname=nickname, style=style)
        )
    loaded, rejected = _counts(sink)
    assert loaded + rejected == sum(map(_has_text, rows))


@SETTINGS
@given(rows=st.lists(wechat_rows(), max_size=12), excel=st.booleans())
def test_wechat_csv_unquoted_commas_every_row_accounted(rows, excel):
    style = WeChatCsvStyle(unquoted_commas=True, excel_resaved=excel)
    with tempfile.TemporaryDirectory() as tmp:
        sink = read_bill(WeChatBillReader(), write_wechat_csv(Path(tmp) / "b.csv", rows, style=style))
    loaded, rejected = _counts(sink)
    assert loaded + rejected == sum(map(_has_text, rows))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(wechat_rows(), max_size=8),
    layout=st.sampled_from(["2025", "2026"]),
    time_cells=st.sampled_from(["text", "datetime", "serial"]),
    drop=st.booleans(),
)
def test_wechat_xlsx_every_row_loaded_or_rejected(rows, layout, time_cells, drop):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_wechat_xlsx(
            Path(tmp) / "b.xlsx", rows, layout=layout, time_cells=time_cells, drop_blank_row=drop
        )
        sink = read_bill(WeChatBillReader(), path)
    loaded, rejected = _counts(sink)
    assert loaded + rejected == sum(map(_has_text, rows))


CELL = st.one_of(
    st.none(),
    TEXT,
    st.booleans(),
    st.integers(-(10**6), 10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    TIMES,
)


def _write_cells(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws, when = wb.add_worksheet("Sheet1"), wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    lines = wechat_preamble([], "某人", BillPeriod(), "2026")
    for i, line in enumerate([*lines, None]):
        for c, text in enumerate([line] if line is not None else WECHAT_HEADER):
            if text:
                ws.write_string(i, c, text)
    for i, cells in enumerate(rows, start=len(lines) + 1):
        for c, v in enumerate(cells):
            if isinstance(v, datetime):
                ws.write_datetime(i, c, v, when)
            elif isinstance(v, bool):
                ws.write_boolean(i, c, v)
            elif isinstance(v, (int, float)):
                ws.write_number(i, c, v)
            elif v:
                ws.write_string(i, c, v)
    wb.close()


def _blank(cells: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip(STRIP)) for v in cells)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, min_size=11, max_size=11), max_size=8))
def test_wechat_xlsx_any_cell_types(rows):
    with tempfile.TemporaryDirectory() as tmp:
        _write_cells(Path(tmp) / "b.xlsx", rows)
        sink = read_bill(WeChatBillReader(), Path(tmp) / "b.xlsx")
    loaded, rejected = _counts(sink)
    assert loaded + rejected == sum(not _blank(r) for r in rows)


PLAIN = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"'), max_size=12)


@st.composite
def alipay_rows(draw):
    bad_ts = draw(st.one_of(st.none(), PLAIN))
    return AlipayBillRow(
        draw(TIMES) if bad_ts is None else bad_ts,
        draw(st.one_of(st.sampled_from(["退款", "转账红包", "日用百货"]), PLAIN)),
        draw(PLAIN),
        draw(PLAIN),
        draw(PLAIN),
        draw(st.one_of(st.sampled_from(["收入", "支出", "不计收支"]), PLAIN)),
        draw(st.integers(0, 10**11)),
        draw(PLAIN),
        draw(PLAIN),
        draw(st.one_of(st.just("2024_1"), PLAIN)),
        draw(PLAIN),
        draw(PLAIN),
        amount_text=draw(st.one_of(st.none(), PLAIN)),
    )


@SETTINGS
@given(rows=st.lists(alipay_rows(), max_size=12), pad=st.booleans(), web=st.booleans())
def test_alipay_every_row_loaded_or_rejected(rows, pad, web):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_alipay_csv(Path(tmp) / "a.csv", rows, pad=pad, web=web)
        sink = read_bill(AlipayBillReader(), path)
    loaded, rejected = _counts(sink)
    assert loaded + rejected == len(rows)


GARBAGE = st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80), max_size=15)


@SETTINGS
@given(lines=GARBAGE)
def test_garbage_after_a_real_header_never_crashes(lines):
    body = "\n".join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        wpath = write_wechat_csv(Path(tmp) / "w.csv", [])
        wpath.write_text(wpath.read_text(encoding="utf-8") + body, encoding="utf-8")
        apath = write_alipay_csv(Path(tmp) / "a.csv", [], encoding="utf-8")
        apath.write_text(apath.read_text(encoding="utf-8") + body, encoding="utf-8")
        for reader, path in ((WeChatBillReader(), wpath), (AlipayBillReader(), apath)):
            sink = read_bill(reader, path)
            loaded, rejected = _counts(sink)
            assert loaded + rejected <= len(body.splitlines())


# ---------------------------------------------------------------- value parsers


@given(fen=st.integers(0, 10**13 - 1), yen=st.sampled_from(["", "¥", "￥"]), thousands=st.booleans())
def test_yuan_round_trip(fen, yen, thousands):
    assert yuan_to_fen(yen + yuan(fen, thousands)) == fen


@given(fen=st.integers(0, 10**12))
def test_numeric_cell_round_trip(fen):
    assert number_to_fen(fen / 100) == fen


@given(text=st.text(max_size=30))
def test_value_parsers_raise_only_badvalue(text):
    for parse in (yuan_to_fen, parse_time, lambda t: cell_time(t)[0]):
        with contextlib.suppress(BadValue):
            parse(text)


@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20)))
def test_numeric_cells_raise_only_badvalue(value):
    for parse in (lambda v: number_to_fen(float(v)), lambda v: cell_time(v)[0]):
        with contextlib.suppress(BadValue):
            parse(value)


@given(ts=TIMES)
def test_time_round_trip(ts):
    assert parse_time(ts.strftime("%Y-%m-%d %H:%M:%S")) == ts.replace(microsecond=0, tzinfo=BJ)


@given(ts=TIMES, noise=st.integers(-400_000, 400_000))
def test_datetime_cells_round_to_the_second(ts, noise):
    exact = ts.replace(microsecond=0)
    got, _ = cell_time(exact + timedelta(microseconds=noise))
    assert got == exact.replace(tzinfo=BJ)
