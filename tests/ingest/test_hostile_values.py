"""Issue 13, items 6–10: nothing is silently wrong (row accounting, mangled ids, owner namesakes,
three-decimal amounts, refund direction)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.dataset.store import read_table
from hongxian.ingest.alipay_bill import AlipayBillReader
from hongxian.ingest.pipeline import ingest_case
from hongxian.ingest.registry import default_registry
from hongxian.ingest.wechat_bill import WeChatBillReader
from hongxian.ingest.wechat_db import WeChatDbReader
from hongxian.testing.bills import (
    AlipayBillRow,
    WeChatBillRow,
    read_bill,
    write_alipay_csv,
    write_wechat_csv,
    write_wechat_xlsx,
)
from hongxian.testing.wechat_db import WeChatDbBuilder, read_source
from tests.conftest import PEOPLE_HEADER
from tests.ingest.hostile import bill_rows, rewrite_xlsx_column

# ---------------------------------------------------------------- 6. row accounting


def test_all_rows_rejected_shows_zero_ok_rows(case_dir: Path):
    rows = [WeChatBillRow(datetime(2024, 3, 1, 10, i), amount_text="不是金额") for i in range(58)]
    write_wechat_csv(case_dir / "exports" / "bill.csv", rows)
    report = ingest_case(case_dir, registry=default_registry())
    (src,) = report.sources
    assert (src.rows_in, src.rows_ok, src.rows_rejected) == (58, 0, 58)
    manifest = read_table(case_dir, "sources").to_pylist()[0]
    assert (manifest["rows_in"], manifest["rows_ok"], manifest["rows_rejected"]) == (58, 0, 58)


def test_msg_table_without_required_columns_rejects_its_rows(tmp_path: Path):
    path = tmp_path / "MSG0.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE MSG (localId INTEGER PRIMARY KEY, StrTalker TEXT, StrContent TEXT)")
    con.executemany(
        "INSERT INTO MSG (StrTalker, StrContent) VALUES (?, ?)", [("wxid_a", f"m{i}") for i in range(4)]
    )
    con.commit()
    con.close()
    sink = read_source(WeChatDbReader(), path)
    assert sink.rows_in == 4
    assert (sink.rows_ok, len(sink.rejects)) == (0, 4)
    assert "CreateTime" in sink.rejects[0].error and "m0" in sink.rejects[0].raw


def test_merged_database_counts_every_table_row(tmp_path: Path):
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer0001", nickname="老周")
    b.add_contact("wxid_peer0002", nickname="小王")
    b.add_group("1@chatroom", "群", [("wxid_peer0001", None)])
    for i in range(5):
        b.add_text("wxid_peer0001", f"消息{i}")
    sink = read_source(WeChatDbReader(), b.write_merged(tmp_path / "merge_all.db"))
    con = sqlite3.connect(tmp_path / "merge_all.db")
    total = sum(
        con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("MSG", "Contact", "ChatRoom")
    )
    con.close()
    assert sink.rows_in == total
    assert sink.rows_ok + len(sink.rejects) == sink.rows_in


def test_cli_shows_rows_read(case_dir: Path):
    write_wechat_csv(case_dir / "exports" / "bill.csv", bill_rows(3))
    result = CliRunner().invoke(app, ["ingest", str(case_dir)])
    assert result.exit_code == 0
    assert "读入行" in result.output


# ---------------------------------------------------------------- 7. float-mangled ids


def test_numeric_ids_in_xlsx_are_detected_and_do_not_split_rows(case_dir: Path):
    rows = bill_rows(4)
    write_wechat_csv(case_dir / "exports" / "original.csv", rows)
    xlsx = write_wechat_xlsx(case_dir / "exports" / "resaved.xlsx", rows, nickname="林小舟")
    rewrite_xlsx_column(xlsx, "交易单号", {i: float(r.txn_id) for i, r in enumerate(rows)})
    rewrite_xlsx_column(xlsx, "商户单号", {i: float(r.merchant_id) for i, r in enumerate(rows)})
    report = ingest_case(case_dir, registry=default_registry())
    resaved = next(s for s in report.sources if s.path.endswith("resaved.xlsx"))
    assert resaved.rows_ok == 4
    assert any("失真" in w for w in resaved.warnings), resaved.warnings
    assert len(read_table(case_dir, "payments")) == 4


def test_lowercase_scientific_ids_in_csv_are_detected(tmp_path: Path):
    rows = bill_rows(2)
    rows[0].txn_id = "4.20000006920171e+27"
    sink = read_bill(WeChatBillReader(), write_wechat_csv(tmp_path / "b.csv", rows))
    assert any("失真" in w for w in sink.warnings), sink.warnings


def test_alipay_mangled_ids_are_detected(tmp_path: Path):
    rows = [AlipayBillRow(datetime(2024, 3, 1, 10), txn_id="2.02403012200148e+27", amount_fen=100)]
    sink = read_bill(AlipayBillReader(), write_alipay_csv(tmp_path / "a.csv", rows))
    assert any("失真" in w for w in sink.warnings), sink.warnings


# ---------------------------------------------------------------- 8. owner namesakes


def _namesake_rows() -> list[WeChatBillRow]:
    return [
        WeChatBillRow(
            datetime(2024, 3, 1, 10), "转账", "林小舟", "/", "收入", 50000, "/", "已存入零钱", "1", "2"
        ),
        WeChatBillRow(
            datetime(2024, 3, 2, 10), "转账", "老周", "/", "支出", 100, "零钱", "支付成功", "3", "4"
        ),
    ]


def test_counterparty_with_the_owners_nickname_is_not_the_owner(tmp_path: Path):
    sink = read_bill(
        WeChatBillReader(), write_wechat_csv(tmp_path / "b.csv", _namesake_rows(), nickname="林小舟")
    )
    pay = sink.table("payments").to_pylist()[0]
    assert pay["payer_account"] != pay["payee_account"]
    assert pay["payee_account"] == sink.owner_account
    assert pay["counterparty_name"] == "林小舟"


def test_namesake_is_not_resolved_to_the_owner_in_the_dataset(case_dir: Path):
    (case_dir / "people.csv").write_text(
        PEOPLE_HEADER + "\nP1,林小舟,某局,科长,科级,中共党员,公职人员,,,wxid_lin,林小舟,,,在职,\n",
        encoding="utf-8",
    )
    write_wechat_csv(case_dir / "exports" / "b.csv", _namesake_rows(), nickname="林小舟")
    ingest_case(case_dir, registry=default_registry())
    pay = next(p for p in read_table(case_dir, "payments").to_pylist() if p["direction"] == "in")
    assert pay["payee_account"] == "wxid_lin"
    assert pay["payer_account"] != "wxid_lin"


# ---------------------------------------------------------------- 9. three-decimal amounts


def test_three_decimal_numeric_amount_is_rejected_not_rounded(tmp_path: Path):
    xlsx = write_wechat_xlsx(tmp_path / "b.xlsx", bill_rows(2), layout="2026")
    rewrite_xlsx_column(xlsx, "金额(元)", {0: 28.165})
    sink = read_bill(WeChatBillReader(), xlsx)
    assert sink.counts["payments"] == 1
    (reject,) = sink.rejects
    assert "两位小数" in reject.error and "28.165" in reject.error


def test_float_noise_in_numeric_amounts_is_not_a_third_decimal(tmp_path: Path):
    xlsx = write_wechat_xlsx(tmp_path / "b.xlsx", bill_rows(2), layout="2026")
    rewrite_xlsx_column(xlsx, "金额(元)", {0: 0.1 + 0.2, 1: 548.58000000000004})
    sink = read_bill(WeChatBillReader(), xlsx)
    assert sorted(sink.table("payments").column("amount_fen").to_pylist()) == [30, 54858]


def test_three_decimal_text_amount_is_rejected(tmp_path: Path):
    rows = bill_rows(2)
    rows[0].amount_text = "¥0.355"
    sink = read_bill(WeChatBillReader(), write_wechat_csv(tmp_path / "b.csv", rows))
    assert sink.counts["payments"] == 1 and "两位小数" in sink.rejects[0].error


# ---------------------------------------------------------------- 10. refund direction


def test_refund_direction_means_money_to_the_owner_on_both_platforms(tmp_path: Path):
    alipay = [
        AlipayBillRow(datetime(2024, 3, 1, 10), "餐饮美食", "某餐厅", "", "堂食", "支出", 3000, txn_id="T1"),
        AlipayBillRow(
            datetime(2024, 3, 2, 10),
            "退款",
            "某餐厅",
            "",
            "退款-堂食",
            "不计收支",
            3000,
            status="退款成功",
            txn_id="T1_1",
        ),
    ]
    a = (
        read_bill(AlipayBillReader(), write_alipay_csv(tmp_path / "a.csv", alipay))
        .table("payments")
        .to_pylist()
    )
    wechat = [
        WeChatBillRow(
            datetime(2024, 3, 1, 10), "商户消费", "某店", "/", "支出", 3000, "零钱", "已全额退款", "W1", "M1"
        ),
        WeChatBillRow(
            datetime(2024, 3, 2, 10), "某店-退款", "某店", "/", "收入", 3000, "零钱", "已退款", "R1", "W1"
        ),
    ]
    w = (
        read_bill(WeChatBillReader(), write_wechat_csv(tmp_path / "w.csv", wechat))
        .table("payments")
        .to_pylist()
    )
    refunds = [r for r in a + w if r["kind"] == "refund"]
    assert len(refunds) == 2
    assert [r["direction"] for r in refunds] == ["in", "in"]
    assert sorted(r["raw_direction"] for r in refunds) == ["不计收支", "收入"]
    originals = [r for r in a + w if r["kind"] != "refund"]
    assert [r["direction"] for r in originals] == ["out", "out"]
