"""The block-wise WeChat CSV path (pyarrow) gives exactly what the line-wise reader gives.

`WeChatBillReader(blockwise=False)` reads every data line with Python's csv module and parses it
row by row; the default reads blocks with pyarrow and sends only unusual rows (and blocks that are
not plain one-line CSV) through the same row parser. Both must agree on every payment, id,
reject (with its line number), warning and account, also when blocks are tiny.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongxian.ingest import wechat_blocks
from hongxian.ingest.bill_common import BlockIds, PaymentIds
from hongxian.ingest.wechat_bill import WeChatBillReader
from hongxian.testing.bills import WeChatBillRow, WeChatCsvStyle, read_bill, write_wechat_csv
from tests.ingest.test_bill_properties import LINE_TEXT, TEXT, wechat_rows

BJ = timezone(timedelta(hours=8))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(sink) -> dict:
    return {
        "payments": sink.table("payments").to_pylist(),
        "accounts": sorted(sink.table("accounts").to_pylist(), key=repr),
        "rejects": [(r.row_number, r.raw, r.error, r.column) for r in sink.rejects],
        "warnings": sorted(sink.warnings),
    }


def both(path: Path, block_bytes: int | None = None) -> tuple[dict, dict]:
    with pytest.MonkeyPatch.context() as mp:
        if block_bytes:
            mp.setattr(wechat_blocks, "BLOCK_BYTES", block_bytes)
        fast = outcome(read_bill(WeChatBillReader(), path))
    return fast, outcome(read_bill(WeChatBillReader(blockwise=False), path))


@SETTINGS
@given(
    rows=st.lists(wechat_rows(text=st.one_of(TEXT, LINE_TEXT)), max_size=30),
    quoting=st.sampled_from(["mixed", "all", "minimal"]),
    suffix=st.sampled_from(["\t", " ", ""]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    commas=st.booleans(),
    excel=st.booleans(),
    repeat=st.integers(0, 3),
    block_bytes=st.sampled_from([None, 300, 2000]),
)
def test_blockwise_equals_linewise(
    rows, quoting, suffix, encoding, newline, commas, excel, repeat, block_bytes
):
    rows = rows + rows[:repeat]  # identical rows must keep distinct ids in both paths
    style = WeChatCsvStyle(
        quoting=quoting,
        id_suffix=suffix,
        encoding=encoding,
        newline=newline,
        unquoted_commas=commas,
        excel_resaved=excel,
    )
    with tempfile.TemporaryDirectory() as tmp:
        fast, slow = both(
            write_wechat_csv(Path(tmp) / "b.csv", rows, nickname="某人", style=style), block_bytes
        )
    assert fast == slow


def _row(i: int, **kw) -> WeChatBillRow:
    base = {
        "ts": datetime(2024, 6, 1, 12, 0, 0) - timedelta(minutes=i),
        "type": "转账",
        "counterparty": f"友{i % 7}",
        "direction": "支出",
        "amount_fen": 100 + i,
        "txn_id": f"T{i:06d}",
        "merchant_id": f"M{i:06d}",
    }
    return WeChatBillRow(**(base | kw))


def test_many_small_blocks_with_a_quoted_newline_and_repeats(tmp_path: Path):
    rows = [_row(i) for i in range(300)]
    rows[40] = _row(40, goods="第一行\n第二行")  # a record over two lines: line-wise from that block on
    rows[10] = rows[250] = _row(10)  # the same content twice, far apart: distinct ids
    rows[20] = _row(20, amount_text="¥abc")
    rows[60] = _row(60, ts="2024-02-30 10:00:00")  # no rollover to 03-01: rejected as the row parser does
    rows[70] = _row(70, ts="0000-01-01 00:00:00")
    rows[80] = _row(80, amount_text="¥ 12.30")  # unusual shape: parsed row by row
    rows[90] = _row(90, amount_text="１２.5")  # full-width digits (Decimal reads them)
    path = write_wechat_csv(tmp_path / "b.csv", rows, style=WeChatCsvStyle(quoting="minimal"))
    fast, slow = both(path, block_bytes=1500)
    assert fast == slow
    assert len(fast["payments"]) == 297 and len({p["payment_id"] for p in fast["payments"]}) == 297
    assert [r[0] for r in fast["rejects"]] == [
        18 + 20,
        18 + 60 + 1,
        18 + 70 + 1,
    ]  # one extra line after row 40
    by_txn = {p["txn_id"]: p for p in fast["payments"]}
    assert by_txn["T000080"]["amount_fen"] == 1230 and by_txn["T000090"]["amount_fen"] == 1250
    assert by_txn["T000041"]["ts"] == datetime(2024, 6, 1, 11, 19, tzinfo=BJ)


def test_plain_amount_and_time_shapes(tmp_path: Path):
    texts = ["¥12.", "12.5", "￥0.07", "7", "¥1234567890123.99", "¥12345678901234", "¥.5", "12.345", "+3"]
    rows = [_row(i, amount_text=t) for i, t in enumerate(texts)]
    fast, slow = both(write_wechat_csv(tmp_path / "b.csv", rows))
    assert fast == slow
    fen = {p["txn_id"]: p["amount_fen"] for p in fast["payments"]}
    assert [fen.get(f"T{i:06d}") for i in range(len(texts))] == [
        1200,
        1250,
        7,
        700,
        123456789012399,
        None,
        50,
        None,
        300,
    ]


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(0, 6), max_size=40), cuts=st.lists(st.integers(1, 9), min_size=1, max_size=10)
)
def test_block_ids_equal_row_ids(keys, cuts):
    texts = [f"k{k}" for k in keys]
    rows = PaymentIds("pay")
    want = [rows.from_key(t) for t in texts]
    blocks, got, i, c = BlockIds("pay"), [], 0, 0
    while i < len(texts):
        step = cuts[c % len(cuts)]
        got += blocks.assign([t.encode() for t in texts[i : i + step]]).to_pylist()
        i, c = i + step, c + 1
    assert got == want
