"""WeChat Pay bill reader on files written in the real layouts by hongxian.testing.bills."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hongxian.ingest.alipay_bill import AlipayBillReader
from hongxian.ingest.base import PeopleIndex, PersonRef, UnreadableSource
from hongxian.ingest.wechat_bill import WeChatBillReader
from hongxian.ingest.wechat_rows import wechat_kind
from hongxian.testing.bills import (
    AlipayBillRow,
    WeChatBillRow,
    WeChatCsvStyle,
    read_bill,
    write_alipay_csv,
    write_wechat_csv,
    write_wechat_xlsx,
)

BJ = timezone(timedelta(hours=8))
READER = WeChatBillReader()


def rows_sample() -> list[WeChatBillRow]:
    """The formats.md §1.10 bill, newest first as exported (a refund comes before its original)."""
    return [
        WeChatBillRow(
            datetime(2024, 3, 30, 21, 5, 12),
            "微信红包（单发）",
            "发给老周",
            "/",
            "支出",
            20000,
            "零钱",
            "支付成功",
            "100003980124033000012345678901234567",
            "1000039801202403308765432109876",
        ),
        WeChatBillRow(
            datetime(2024, 3, 28, 12, 30, 45),
            "微信红包",
            "老周",
            "/",
            "收入",
            8800,
            "/",
            "已存入零钱",
            "100003980124032800098765432101234567",
            "1000039801202403281112223334445",
        ),
        WeChatBillRow(
            datetime(2024, 3, 20, 18, 0, 3),
            "转账",
            "王建国",
            "转账备注:微信转账",
            "支出",
            100000,
            "招商银行(1234)",
            "对方已收钱",
            "100005000124032000011122233344455566",
            "1000050001202403200111222333444",
        ),
        WeChatBillRow(
            datetime(2024, 3, 18, 9, 40, 31),
            "转账-退款",
            "/",
            "转账备注:资料费",
            "收入",
            50000,
            "零钱",
            "已全额退款",
            "1000050001202403180222333444555",
            "",
        ),
        WeChatBillRow(
            datetime(2024, 3, 18, 9, 12, 0),
            "转账",
            "李娜",
            "转账备注:资料费",
            "支出",
            50000,
            "零钱",
            "对方已退还",
            "100005000124031800022233344455566677",
            "1000050001202403180222333444555",
        ),
        WeChatBillRow(
            datetime(2024, 3, 15, 19, 48, 9),
            "商户消费",
            "某某酒楼(滨江店)",
            "堂食订单",
            "支出",
            4550,
            "零钱通",
            "支付成功",
            "4200002001202403151234567890",
            "JL20240315194801",
        ),
        WeChatBillRow(
            datetime(2024, 3, 10, 10, 0, 0),
            "群收款",
            "老周",
            "/",
            "收入",
            30000,
            "/",
            "已存入零钱",
            "1000049501240310012345678901234567890123",
            "/",
        ),
        WeChatBillRow(
            datetime(2024, 3, 5, 16, 20, 11),
            "零钱提现",
            "招商银行(1234)",
            "/",
            "/",
            30030,
            "招商银行(1234)",
            "提现已到账",
            "207240305100012345678901234",
            "/",
            "服务费¥0.30",
        ),
    ]


def payments(sink) -> list[dict]:
    return sink.table("payments").to_pylist()


def by_txn(sink) -> dict[str, dict]:
    return {p["txn_id"]: p for p in payments(sink)}


# ---------------------------------------------------------------- sniffing


def test_sniff_by_content_never_by_name(tmp_path: Path):
    csv_path = write_wechat_csv(tmp_path / "whatever.dat", rows_sample())
    xlsx_path = write_wechat_xlsx(tmp_path / "no_extension", rows_sample(), extra_sheet=True)
    alipay = write_alipay_csv(
        tmp_path / "微信支付账单(20240101-20240131).csv", [AlipayBillRow(datetime(2024, 1, 1))]
    )
    other = tmp_path / "微信支付账单明细.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    for path, expected in ((csv_path, True), (xlsx_path, True), (alipay, False), (other, False)):
        assert READER.sniff(path, path.read_bytes()[:65536]) is expected, path.name
    assert AlipayBillReader().sniff(csv_path, csv_path.read_bytes()[:65536]) is False


def test_format_labels(tmp_path: Path):
    assert (
        read_bill(READER, write_wechat_csv(tmp_path / "a", rows_sample())).format_label == "微信支付账单 CSV"
    )
    x25 = write_wechat_xlsx(tmp_path / "b", rows_sample(), layout="2025")
    x26 = write_wechat_xlsx(tmp_path / "c", rows_sample(), layout="2026")
    assert read_bill(READER, x25).format_label == "微信支付账单 XLSX(2025版式)"
    assert read_bill(READER, x26).format_label == "微信支付账单 XLSX(2026版式)"


# ---------------------------------------------------------------- values


def test_csv_sample_values_and_parties(tmp_path: Path):
    sink = read_bill(READER, write_wechat_csv(tmp_path / "bill.csv", rows_sample(), nickname="林小舟"))
    assert sink.rejects == []
    rows = by_txn(sink)
    assert len(rows) == 8
    sent = rows["100003980124033000012345678901234567"]
    assert sent["ts"] == datetime(2024, 3, 30, 21, 5, 12, tzinfo=BJ)
    assert (sent["kind"], sent["direction"], sent["amount_fen"]) == ("red_packet", "out", 20000)
    assert (sent["payer_account"], sent["payee_account"]) == ("wxname:林小舟", "wxname:老周")
    assert sent["counterparty_name"] == "老周"
    assert sent["ext_id"] == sent["merchant_order_id"] == "1000039801202403308765432109876"
    assert (sent["origin"], sent["raw_type"], sent["status"]) == ("bill", "微信红包（单发）", "支付成功")
    got = rows["100003980124032800098765432101234567"]
    assert (got["payer_account"], got["payee_account"], got["direction"]) == (
        "wxname:老周",
        "wxname:林小舟",
        "in",
    )
    transfer = rows["100005000124032000011122233344455566"]
    assert (transfer["kind"], transfer["memo"], transfer["amount_fen"]) == ("transfer", "微信转账", 100000)
    group = rows["1000049501240310012345678901234567890123"]
    assert (group["kind"], group["merchant_order_id"], group["ext_id"]) == ("group_collection", None, None)
    merchant = rows["4200002001202403151234567890"]
    assert (merchant["kind"], merchant["ext_id"], merchant["memo"]) == ("merchant", None, "堂食订单")
    cash_out = rows["207240305100012345678901234"]
    assert (cash_out["direction"], cash_out["payer_account"], cash_out["payee_account"]) == (
        "neutral",
        "wxname:林小舟",
        None,
    )
    assert (cash_out["amount_fen"], cash_out["memo"], cash_out["kind"]) == (30030, "服务费¥0.30", "other")
    accounts = {a["account_id"]: a for a in sink.table("accounts").to_pylist()}
    assert accounts["wxname:林小舟"]["nickname"] == "林小舟"
    assert accounts["wxname:老周"]["display_name"] == "老周"
    assert {"wxname:王建国", "wxname:李娜", "wxname:某某酒楼(滨江店)"} <= set(accounts)
    assert "wxname:招商银行(1234)" not in accounts  # neutral moves have no counterparty account


def test_transfer_refund_paired_even_when_listed_before_original(tmp_path: Path):
    sink = read_bill(READER, write_wechat_csv(tmp_path / "bill.csv", rows_sample()))
    rows = by_txn(sink)
    original = rows["100005000124031800022233344455566677"]
    refund = rows["1000050001202403180222333444555"]
    assert refund["kind"] == "refund" and refund["refund_of"] == original["payment_id"]
    assert refund["payer_account"] == "wxname:李娜"  # from the original: the peer sent it back
    assert refund["payee_account"] == "wxname:林小舟"
    assert refund["counterparty_name"] == "李娜"
    assert original["refunded_fen"] == 50000 and refund["refunded_fen"] is None


def test_partial_and_merchant_refunds(tmp_path: Path):
    rows = [  # real 2023 shapes (Qianji-Trans test rows, formats.md §7)
        WeChatBillRow(
            datetime(2023, 7, 11, 14, 41, 10),
            "商户消费",
            "luckin coffee",
            "订单付款",
            "支出",
            9340,
            "零钱",
            "已退款(￥9.10)",
            "4200001879202307111251305441",
            "10113350741140217857",
        ),
        WeChatBillRow(
            datetime(2023, 7, 11, 15, 0, 0),
            "luckin coffee-退款",
            "luckin coffee",
            "/",
            "收入",
            910,
            "零钱",
            "已退款￥9.10",
            "50302307111251305441999",
            "",
        ),
        WeChatBillRow(
            datetime(2023, 1, 15, 12, 53, 58),
            "南越王博物院（西汉南越国史研究中心）-退款",
            "南越王博物院（西汉南越国史研究中心）",
            "南越王博物院（西汉南越国史研究中心）",
            "收入",
            2000,
            "招商银行(0638)",
            "已全额退款",
            "50302304522023011529958682250",
            "",
        ),
        WeChatBillRow(
            datetime(2023, 1, 15, 11, 2, 49),
            "商户消费",
            "南越王博物院（西汉南越国史研究中心）",
            "10836317|普通票|单个",
            "支出",
            2000,
            "招商银行(0638)",
            "已全额退款",
            "4200001653202301150174201960",
            "10490823",
        ),
        WeChatBillRow(
            datetime(2023, 2, 1, 9, 0, 0),
            "微信红包（单发）",
            "发给老周",
            "/",
            "支出",
            5000,
            "零钱",
            "已退款(¥20.00)",
            "100003980123020100012345678901234567",
            "1000039801202302010001112223334",
        ),
    ]
    sink = read_bill(READER, write_wechat_csv(tmp_path / "bill.csv", rows))
    got = by_txn(sink)
    coffee, coffee_refund = got["4200001879202307111251305441"], got["50302307111251305441999"]
    assert coffee["refunded_fen"] == 910 and coffee_refund["refund_of"] == coffee["payment_id"]
    museum, museum_refund = got["4200001653202301150174201960"], got["50302304522023011529958682250"]
    assert museum["refunded_fen"] == 2000 and museum_refund["refund_of"] == museum["payment_id"]
    assert got["100003980123020100012345678901234567"]["refunded_fen"] == 2000  # ¥ (U+00A5) in the status


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("微信红包", "red_packet"),
        ("微信红包（单发）", "red_packet"),
        ("微信红包（群红包）", "red_packet"),
        ("企业微信红包", "red_packet"),
        ("微信红包-退款", "refund"),
        ("转账", "transfer"),
        ("转账-退款", "refund"),
        ("群收款", "group_collection"),
        ("扫二维码付款", "qr"),
        ("二维码收款", "qr"),
        ("付款码付款", "qr"),
        ("赞赏码", "qr"),
        ("商户消费", "merchant"),
        ("分分捐", "merchant"),
        ("美团平台商户-退款", "refund"),
        ("亲属卡交易", "gift_card"),
        ("亲属卡交易-退款", "refund"),
        ("零钱提现", "other"),
        ("购买理财通", "other"),
        ("转入零钱通-来自零钱", "other"),
        ("其他", "other"),
        ("deg-不认识的-txType", "other"),
    ],
)
def test_kind_mapping(raw: str, kind: str):
    assert wechat_kind(raw) == kind


def test_group_packet_has_no_payee(tmp_path: Path):
    row = WeChatBillRow(
        datetime(2024, 2, 9, 20, 0),
        "微信红包（群红包）",
        "发出群红包",
        "/",
        "支出",
        8800,
        "零钱",
        "支付成功",
        "100003980124020900011",
        "1000039801202402090001",
    )
    p = payments(read_bill(READER, write_wechat_csv(tmp_path / "b", [row])))[0]
    assert (p["kind"], p["payee_account"], p["counterparty_name"]) == ("red_packet", None, None)


# ---------------------------------------------------------------- lexical quirks


@pytest.mark.parametrize(
    "style",
    [
        WeChatCsvStyle(),
        WeChatCsvStyle(encoding="utf-8-sig"),
        WeChatCsvStyle(encoding="gb18030", newline="\r\n"),
        WeChatCsvStyle(quoting="all", id_suffix=" "),
        WeChatCsvStyle(quoting="minimal", id_suffix="   "),
        WeChatCsvStyle(yen="￥", pad_commas=8),
        WeChatCsvStyle(id_suffix=""),
    ],
    ids=["plain", "bom", "gb18030-crlf", "all-quoted-space", "minimal-3spaces", "fullwidth-yen", "no-suffix"],
)
def test_lexical_variants_give_identical_rows(tmp_path: Path, style: WeChatCsvStyle):
    base = payments(read_bill(READER, write_wechat_csv(tmp_path / "base.csv", rows_sample())))
    sink = read_bill(READER, write_wechat_csv(tmp_path / "v.csv", rows_sample(), style=style))
    assert sink.rejects == [] and sink.warnings == base_warnings(tmp_path)
    assert payments(sink) == [dict(p) for p in base]


def base_warnings(tmp_path: Path) -> list[str]:
    return read_bill(READER, write_wechat_csv(tmp_path / "w.csv", rows_sample())).warnings


def test_unquoted_commas_in_counterparty_are_merged(tmp_path: Path):
    row = WeChatBillRow(
        datetime(2024, 1, 5, 9, 3, 7),
        "商户消费",
        "WALMART HONG KONG CO.,LIMITED",
        "购物",
        "支出",
        10250,
        "零钱",
        "支付成功",
        "4200000001",
        "W1",
    )
    path = write_wechat_csv(
        tmp_path / "b.csv", [row, *rows_sample()], style=WeChatCsvStyle(unquoted_commas=True)
    )
    assert "CO.,LIMITED,购物" in path.read_text(encoding="utf-8") or "CO.,LIMITED," in path.read_text(
        encoding="utf-8"
    )
    sink = read_bill(READER, path)
    p = by_txn(sink)["4200000001"]
    assert (p["counterparty_name"], p["amount_fen"], p["memo"]) == (
        "WALMART HONG KONG CO.,LIMITED",
        10250,
        "购物",
    )
    assert sink.rejects == [] and any("逗号" in w for w in sink.warnings)


def test_excel_resaved_file_warns_but_loads(tmp_path: Path):
    rows = [
        WeChatBillRow(
            datetime(2024, 1, 5, 9, 3, 7),
            "转账",
            "王建国",
            "/",
            "支出",
            102000,
            "零钱",
            "对方已收钱",
            "100005000124010500011",
            "1000050001202401050001",
        )
    ]
    sink = read_bill(
        READER, write_wechat_csv(tmp_path / "b.csv", rows, style=WeChatCsvStyle(excel_resaved=True))
    )
    p = payments(sink)[0]
    assert p["amount_fen"] == 102000 and p["ts"] == datetime(2024, 1, 5, 9, 3, tzinfo=BJ)
    assert any("千位分隔符" in w and "Excel" in w for w in sink.warnings)
    assert any("2024/1/5 9:03" in w for w in sink.warnings)


def test_quoted_newline_kept_and_runaway_quote_contained(tmp_path: Path):
    good = WeChatBillRow(
        datetime(2024, 1, 2, 8, 0),
        "商户消费",
        "某店",
        "第一行\n第二行",
        "支出",
        100,
        "零钱",
        "支付成功",
        "T-good",
        "M1",
    )
    path = write_wechat_csv(
        tmp_path / "b.csv", [good, *rows_sample()], style=WeChatCsvStyle(quoting="minimal")
    )
    text = path.read_text(encoding="utf-8")
    assert text.count('"') == 2  # only the quoted newline
    path.write_text(text.replace(",堂食订单,", ',"堂食订单,'), encoding="utf-8")  # opens, never closes
    sink = read_bill(READER, path)
    loaded = by_txn(sink)
    assert loaded["T-good"]["memo"] == "第一行\n第二行"
    assert len(loaded) + len(sink.rejects) == 1 + len(rows_sample())
    assert "4200002001202403151234567890" not in loaded  # the broken row is rejected, not silently merged
    assert "100005000124032000011122233344455566" in loaded  # rows after it survive


# ---------------------------------------------------------------- bad rows


def test_bad_rows_rejected_with_file_line_numbers(tmp_path: Path):
    rows = rows_sample()
    rows[1] = WeChatBillRow("2024-13-45 25:00:00", "微信红包", "老周", "/", "收入", 8800, txn_id="bad-time")
    rows[2] = WeChatBillRow(
        datetime(2024, 3, 20), "转账", "王建国", "/", "支出", amount_text="¥abc", txn_id="bad-amt"
    )
    rows[5] = WeChatBillRow(datetime(2024, 3, 15), "商户消费", "某店", "/", "借出", 100, txn_id="bad-dir")
    sink = read_bill(READER, write_wechat_csv(tmp_path / "b.csv", rows))
    rejects = {r.row_number: r for r in sink.rejects}
    assert sorted(rejects) == [19, 20, 23]  # header on line 17, first data row on 18
    assert (
        rejects[19].column == "交易时间" and "无法识别" in rejects[19].error and "bad-time" in rejects[19].raw
    )
    assert rejects[20].column == "金额(元)" and "¥abc" in rejects[20].error
    assert rejects[23].column == "收/支" and "借出" in rejects[23].error
    assert len(payments(sink)) == len(rows) - 3


def test_unreadable_bill_raises_chinese_reason(tmp_path: Path):
    no_header = tmp_path / "a.csv"
    no_header.write_text("微信支付账单明细,,,\n微信昵称：[x],,,\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UnreadableSource, match="未找到表头"):
        read_bill(READER, no_header)
    missing = tmp_path / "b.csv"
    missing.write_text(
        "微信支付账单明细\n交易时间,交易类型,交易对方\n2024-01-01 00:00:00,转账,x\n", encoding="utf-8"
    )
    with pytest.raises(UnreadableSource, match="金额"):
        read_bill(READER, missing)


def test_empty_bill_has_owner_and_no_rows(tmp_path: Path):
    sink = read_bill(READER, write_wechat_csv(tmp_path / "b.csv", [], nickname="空账单"))
    assert sink.table("payments").num_rows == 0 and sink.owner_account == "wxname:空账单"


# ---------------------------------------------------------------- owner


def people() -> PeopleIndex:
    idx = PeopleIndex()
    idx.add(PersonRef("P201", "林某", wechat_ids=("wxid_lin201",), wechat_nicknames=("林小舟",)))
    idx.add(PersonRef("P202", "周某", wechat_nicknames=("老周",)))
    idx.add(PersonRef("P203", "王某", wechat_ids=("wxid_wang",), wechat_nicknames=("同名",)))
    idx.add(PersonRef("P204", "王某某", wechat_nicknames=("同名",)))
    return idx


@pytest.mark.parametrize(
    ("nickname", "declared", "account", "person"),
    [
        ("林小舟", None, "wxid_lin201", "P201"),  # nickname → person → wxid
        ("老周", None, "wxname:老周", "P202"),  # person without a wxid
        ("同名", None, "wxname:同名", None),  # two people share the nickname: never guess
        ("陌生人", None, "wxname:陌生人", None),
        ("陌生人", "P201", "wxid_lin201", "P201"),  # case.toml [[sources]] owner wins
        ("林小舟", "wxid_other", "wxid_other", None),
        ("林小舟", "wxid_wang", "wxid_wang", "P203"),
    ],
)
def test_owner_resolution(tmp_path: Path, nickname, declared, account, person):
    sink = read_bill(
        READER,
        write_wechat_csv(tmp_path / "b.csv", rows_sample(), nickname=nickname),
        people=people(),
        declared_owner=declared,
    )
    assert (sink.owner_account, sink.owner_person) == (account, person)
    assert {p["owner_account"] for p in payments(sink)} == {account}
    owner_row = [a for a in sink.table("accounts").to_pylist() if a["account_id"] == account][0]
    assert (owner_row["platform"], owner_row["person_id"], owner_row["nickname"]) == (
        "wechat",
        person,
        nickname,
    )
    if person is None and declared is None:
        assert any(nickname in w and "people.csv" in w for w in sink.warnings)


# ---------------------------------------------------------------- XLSX


@pytest.mark.parametrize(
    ("layout", "time_cells", "blank_xml", "drop", "extra"),
    [
        ("2025", "text", False, False, False),
        ("2025", "text", True, False, True),
        ("2026", "text", False, False, True),
        ("2026", "datetime", True, False, False),
        ("2026", "serial", False, False, False),
        ("2026", "datetime", False, True, True),
    ],
)
def test_xlsx_layouts_match_csv(tmp_path: Path, layout, time_cells, blank_xml, drop, extra):
    csv_rows = payments(read_bill(READER, write_wechat_csv(tmp_path / "b.csv", rows_sample())))
    path = write_wechat_xlsx(
        tmp_path / "b.xlsx",
        rows_sample(),
        layout=layout,
        time_cells=time_cells,
        blank_row_xml=blank_xml,
        drop_blank_row=drop,
        extra_sheet=extra,
    )
    sink = read_bill(READER, path)
    assert sink.rejects == []
    assert payments(sink) == csv_rows  # same ids, times, fen, kinds, pairing


def test_xlsx_float_amounts_round_to_fen(tmp_path: Path):
    rows = [
        WeChatBillRow(
            datetime(2017, 10, 20, 18, 36, 44), "信用卡还款", "建设银行", "/", "/", 54858, txn_id="a"
        ),
        WeChatBillRow(datetime(2021, 7, 18, 10, 48, 9), "商户消费", "x", "/", "收入", 7, txn_id="b"),
        WeChatBillRow(datetime(2021, 7, 18, 10, 48, 9), "商户消费", "x", "/", "收入", 123456789, txn_id="c"),
    ]
    sink = read_bill(READER, write_wechat_xlsx(tmp_path / "b.xlsx", rows, layout="2026"))
    assert [p["amount_fen"] for p in payments(sink)] == [54858, 7, 123456789]


def test_xlsx_without_bill_sheet_is_unreadable(tmp_path: Path):
    import xlsxwriter

    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write_string(0, 0, "说明")
    ws.write_string(40, 0, "微信支付账单明细")  # mentioned, but not a bill
    wb.close()
    assert READER.sniff(path, path.read_bytes()[:65536]) is False
    with pytest.raises(UnreadableSource):
        read_bill(READER, path)


# ---------------------------------------------------------------- ids


def test_ids_stable_across_containers_and_reexports(tmp_path: Path):
    rows = rows_sample()
    first = by_txn(read_bill(READER, write_wechat_csv(tmp_path / "a.csv", rows[:5])))
    later = rows[2:]  # overlapping re-export, one status changed meanwhile
    later[0] = WeChatBillRow(**{**later[0].__dict__, "status": "已退款(¥10.00)"})
    again = by_txn(read_bill(READER, write_wechat_xlsx(tmp_path / "b.xlsx", later, layout="2026")))
    for txn in set(first) & set(again):
        assert first[txn]["payment_id"] == again[txn]["payment_id"], txn
    assert len(set(first) & set(again)) == 3


def test_identical_rows_keep_distinct_ids(tmp_path: Path):
    row = WeChatBillRow(
        datetime(2024, 1, 1, 12, 0),
        "扫二维码付款",
        "某餐厅",
        "/",
        "支出",
        1200,
        txn_id="3985734",
        merchant_id="129847129",
    )
    sink = read_bill(READER, write_wechat_csv(tmp_path / "b.csv", [row, row, row]))
    ids = [p["payment_id"] for p in payments(sink)]
    assert len(ids) == 3 and len(set(ids)) == 3
    again = [
        p["payment_id"] for p in payments(read_bill(READER, write_wechat_csv(tmp_path / "c.csv", [row] * 3)))
    ]
    assert again == ids
