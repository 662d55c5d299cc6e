"""Alipay bill reader on GB18030 files written in the real layouts by hongxian.testing.bills."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hongxian.ingest.alipay_bill import AlipayBillReader, alipay_kind
from hongxian.ingest.base import PeopleIndex, PersonRef, UnreadableSource
from hongxian.ingest.wechat_bill import WeChatBillReader
from hongxian.testing.bills import AlipayBillRow, WeChatBillRow, read_bill, write_alipay_csv, write_wechat_csv

BJ = timezone(timedelta(hours=8))
READER = AlipayBillReader()


def rows_sample() -> list[AlipayBillRow]:
    """formats.md §3.4 plus a red packet, a second partial refund and a closed order."""
    return [
        AlipayBillRow(
            datetime(2024, 5, 20, 13, 14),
            "转账红包",
            "陈某",
            "chen***@163.com",
            "转账",
            "支出",
            52000,
            "余额宝",
            "交易成功",
            "20240520200040011100880012345678",
        ),
        AlipayBillRow(
            datetime(2024, 5, 19, 8, 0),
            "转账红包",
            "周某",
            "zhou***@qq.com",
            "收到红包",
            "收入",
            8800,
            "余额",
            "交易成功",
            "20240519200040011100880012340000",
        ),
        AlipayBillRow(
            datetime(2024, 5, 18, 20, 15, 40),
            "退款",
            "某某火锅",
            "/",
            "退款-堂食",
            "不计收支",
            6800,
            "招商银行信用卡(1234)",
            "退款成功",
            "2024051822001400001234567890_1",
            "T2024051819021100",
        ),
        AlipayBillRow(
            datetime(2024, 5, 18, 21, 0),
            "退款",
            "某某火锅",
            "/",
            "退款-堂食",
            "不计收支",
            1000,
            "招商银行信用卡(1234)",
            "退款成功",
            "2024051822001400001234567890_2",
            "T2024051819021100",
        ),
        AlipayBillRow(
            datetime(2024, 5, 18, 19, 2, 11),
            "餐饮美食",
            "某某火锅",
            "/",
            "堂食",
            "支出",
            36800,
            "招商银行信用卡(1234)",
            "交易成功",
            "2024051822001400001234567890",
            "T2024051819021100",
        ),
        AlipayBillRow(
            datetime(2024, 5, 17, 10, 0),
            "投资理财",
            "余额宝",
            "/",
            "余额宝-自动转入",
            "不计收支",
            10000,
            "余额",
            "交易成功",
            "20240517000100",
        ),
        AlipayBillRow(
            datetime(2024, 5, 16, 10, 0),
            "亲友代付",
            "林某某",
            "/",
            "亲情卡",
            "支出",
            4974,
            "交通银行信用卡(7449)",
            "交易成功",
            "20240516000200",
        ),
        AlipayBillRow(
            datetime(2024, 5, 15, 10, 0),
            "日用百货",
            "某网店",
            "/",
            "商品",
            "不计收支",
            8200,
            "",
            "交易关闭",
            "20240515000300",
            "T3",
        ),
    ]


def by_txn(sink) -> dict[str, dict]:
    return {p["txn_id"]: p for p in sink.table("payments").to_pylist()}


@pytest.mark.parametrize(
    ("pad", "trailing", "encoding"),
    [
        (True, True, "gb18030"),
        (False, True, "gb18030"),
        (False, False, "utf-8"),
        (True, True, "utf-8-sig"),
    ],
)
def test_app_export_values(tmp_path: Path, pad, trailing, encoding):
    path = write_alipay_csv(
        tmp_path / "x.csv",
        rows_sample(),
        name="林小舟",
        account="linxz@example.com",
        pad=pad,
        trailing_comma=trailing,
        encoding=encoding,
    )
    assert READER.sniff(path, path.read_bytes()[:65536]) and not WeChatBillReader().sniff(
        path, path.read_bytes()
    )
    sink = read_bill(READER, path)
    assert sink.rejects == [] and sink.format_label == "支付宝账单 CSV"
    got = by_txn(sink)
    t = got["20240520200040011100880012345678"]
    assert (t["kind"], t["direction"], t["amount_fen"]) == ("transfer", "out", 52000)
    assert t["ts"] == datetime(2024, 5, 20, 13, 14, tzinfo=BJ)
    assert (t["payer_account"], t["payee_account"]) == ("alipay:linxz@example.com", "alipay:chen***@163.com")
    packet = got["20240519200040011100880012340000"]
    assert (packet["kind"], packet["payer_account"], packet["payee_account"]) == (
        "red_packet",
        "alipay:zhou***@qq.com",
        "alipay:linxz@example.com",
    )
    meal = got["2024051822001400001234567890"]
    assert (meal["kind"], meal["payee_account"], meal["merchant_order_id"]) == (
        "merchant",
        "alipayname:某某火锅",
        "T2024051819021100",
    )
    fund = got["20240517000100"]
    assert (fund["kind"], fund["direction"], fund["payee_account"]) == ("other", "neutral", None)
    assert got["20240516000200"]["kind"] == "gift_card"
    assert (got["20240515000300"]["direction"], got["20240515000300"]["status"]) == ("neutral", "交易关闭")
    assert {p["origin"] for p in got.values()} == {"bill"} and {p["ext_id"] for p in got.values()} == {None}


def test_refund_suffix_links_and_sums(tmp_path: Path):
    sink = read_bill(READER, write_alipay_csv(tmp_path / "x.csv", rows_sample()))
    got = by_txn(sink)
    meal = got["2024051822001400001234567890"]
    for suffix in ("_1", "_2"):
        refund = got["2024051822001400001234567890" + suffix]
        assert refund["kind"] == "refund" and refund["refund_of"] == meal["payment_id"]
        assert (refund["payer_account"], refund["direction"]) == ("alipayname:某某火锅", "in")
        assert refund["raw_direction"] == "不计收支"
        assert refund["payee_account"] == "alipay:linxz@example.com"
    assert meal["refunded_fen"] == 7800


def test_web_export(tmp_path: Path):
    path = write_alipay_csv(tmp_path / "web.csv", rows_sample(), account="13800138000", web=True)
    assert READER.sniff(path, path.read_bytes()[:65536])
    sink = read_bill(READER, path)
    assert sink.rejects == [] and sink.format_label == "支付宝账单 CSV(网页版)"
    got = by_txn(sink)
    assert len(got) == len(rows_sample())  # the dashed footer and totals are not rows
    assert sink.owner_account == "alipay:13800138000"
    meal = got["2024051822001400001234567890"]
    assert got["2024051822001400001234567890_1"]["refund_of"] == meal["payment_id"]
    assert got["2024051822001400001234567890_1"]["refunded_fen"] is None  # set on originals only
    assert meal["refunded_fen"] == 7800
    assert meal["payee_account"] == "alipayname:某某火锅"


@pytest.mark.parametrize(
    ("declared", "account", "person"),
    [
        (None, "alipay:linxz@example.com", "P201"),
        ("P202", "alipay:zhou@example.com", "P202"),
        ("P203", "alipay:linxz@example.com", "P203"),  # a person without an Alipay account
        ("wxid_wang", "alipay:linxz@example.com", "P203"),
        ("someone@example.com", "alipay:someone@example.com", None),
    ],
)
def test_owner_resolution(tmp_path: Path, declared, account, person):
    idx = PeopleIndex()
    idx.add(PersonRef("P201", "林小舟", alipay_accounts=("linxz@example.com",)))
    idx.add(PersonRef("P202", "周某", alipay_accounts=("zhou@example.com",)))
    idx.add(PersonRef("P203", "王某", wechat_ids=("wxid_wang",)))
    sink = read_bill(
        READER, write_alipay_csv(tmp_path / "x.csv", rows_sample()), people=idx, declared_owner=declared
    )
    assert (sink.owner_account, sink.owner_person) == (account, person)
    owner = [a for a in sink.table("accounts").to_pylist() if a["account_id"] == account][0]
    assert (owner["platform"], owner["person_id"]) == ("alipay", person)


def test_owner_by_unique_name(tmp_path: Path):
    idx = PeopleIndex()
    idx.add(PersonRef("P301", "赵某"))
    sink = read_bill(
        READER, write_alipay_csv(tmp_path / "x.csv", rows_sample(), name="赵某", account="z@x.cn"), people=idx
    )
    assert (sink.owner_account, sink.owner_person) == ("alipay:z@x.cn", "P301")


def test_bad_rows_rejected_with_line_numbers(tmp_path: Path):
    rows = rows_sample()
    rows[0] = AlipayBillRow("昨天", "转账红包", txn_id="bad-time", amount_fen=100)
    rows[3] = AlipayBillRow(
        datetime(2024, 5, 1), "日用百货", direction="借出", amount_fen=100, txn_id="bad-dir"
    )
    rows[5] = AlipayBillRow(datetime(2024, 5, 1), "日用百货", amount_text="12.3.4", txn_id="bad-amt")
    path = write_alipay_csv(tmp_path / "x.csv", rows)
    lines = path.read_text(encoding="gb18030").splitlines()
    header_line = next(i for i, line in enumerate(lines, 1) if line.startswith("交易时间"))
    sink = read_bill(READER, path)
    rejects = {r.row_number: r for r in sink.rejects}
    assert sorted(rejects) == [header_line + 1, header_line + 4, header_line + 6]
    assert rejects[header_line + 1].column == "交易时间" and "昨天" in rejects[header_line + 1].error
    assert rejects[header_line + 4].column == "收/支"
    assert rejects[header_line + 6].column == "金额"
    assert sink.table("payments").num_rows == len(rows) - 3


def test_not_a_bill_header_is_unreadable(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_bytes("-----\n导出信息：\n支付宝账户：a@b.c\n没有表头\n".encode("gb18030"))
    assert READER.sniff(path, path.read_bytes())
    with pytest.raises(UnreadableSource, match="表头"):
        read_bill(READER, path)


def test_wechat_file_is_not_alipay(tmp_path: Path):
    path = write_wechat_csv(tmp_path / "支付宝交易明细.csv", [WeChatBillRow(datetime(2024, 1, 1))])
    assert READER.sniff(path, path.read_bytes()) is False


@pytest.mark.parametrize(
    ("category", "goods", "txn", "status", "direction", "kind"),
    [
        ("退款", "退款-堂食", "1_1", "退款成功", "neutral", "refund"),
        ("日用百货", "退款-商品", "1", "退款成功", "neutral", "refund"),
        ("转账红包", "转账", "1", "交易成功", "out", "transfer"),
        ("转账红包", "收到红包", "1", "交易成功", "in", "red_packet"),
        ("亲友代付", "亲情卡", "1", "交易成功", "out", "gift_card"),
        ("投资理财", "", "1", "交易成功", "neutral", "other"),
        ("餐饮美食", "", "1", "交易成功", "out", "merchant"),
        ("即时到账交易", "", "1", "交易成功", "out", "merchant"),
        ("新的分类", "", "1", "交易成功", "in", "other"),
    ],
)
def test_kind_mapping(category, goods, txn, status, direction, kind):
    assert alipay_kind(category, goods, txn, status, direction) == kind


def test_xlsx_export_reads_like_the_csv(tmp_path: Path):
    from hongxian.testing.bills import write_alipay_xlsx

    xlsx = write_alipay_xlsx(
        tmp_path / "alipay.xlsx", rows_sample(), name="林小舟", account="linxz@example.com"
    )
    csv_path = write_alipay_csv(
        tmp_path / "alipay.csv", rows_sample(), name="林小舟", account="linxz@example.com"
    )
    assert READER.sniff(xlsx, xlsx.read_bytes()[:65536]) and not WeChatBillReader().sniff(
        xlsx, xlsx.read_bytes()
    )
    from_xlsx, from_csv = read_bill(READER, xlsx), read_bill(READER, csv_path)
    assert from_xlsx.rejects == [] and from_xlsx.format_label == "支付宝账单 XLSX"

    def strip(sink):
        return sorted(
            ({k: v for k, v in p.items() if k != "source_id"} for p in sink.table("payments").to_pylist()),
            key=str,
        )

    assert strip(from_xlsx) == strip(from_csv) and len(strip(from_xlsx)) == len(rows_sample())
    assert from_xlsx.owner_account == from_csv.owner_account == "alipay:linxz@example.com"
