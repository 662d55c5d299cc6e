"""Every join of the dataset build grows linearly with the case (issue 18), checked on query plans.

A case with every kind of source (WeChat bill with refunds, Alipay bill with ``_suffix`` refunds
and masked accounts, a WeChat database, a PyWxDump CSV with unkeyed transfers, people.csv) is
ingested; the dataset is then rebuilt with `PlanRecorder` as the connection, which keeps the joins
of every statement's physical plan (small-input loop joins disabled, so a few hundred rows get the
plan a million would). No join may compare pairs beyond its equality keys — with one exception:
masked Alipay accounts are matched by pattern against the people register, linear in the bill
(each masked account × the people listed in people.csv).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hongxian.case import CasePaths
from hongxian.dataset.build import build_dataset
from hongxian.dataset.store import TableStore, read_table
from hongxian.ingest.pipeline import ingest_case
from hongxian.testing.bills import AlipayBillRow, WeChatBillRow, write_alipay_csv, write_wechat_csv
from hongxian.testing.plans import PlanRecorder
from hongxian.testing.wechat_db import WeChatDbBuilder
from tests.conftest import CASE_TOML, PEOPLE_HEADER

PEER, ROOM = "wxid_peer0001", "40000000001@chatroom"
PEOPLE = [
    "P001,林小舟,粮站,站长,,中共党员,公职人员,,,wxid_lin,林小舟,linxz@example.com,13900000001,在职,",
    "P002,陈某,,,,群众,企业人员,,,,老陈,chen.mou@163.com,15300007950,在职,",
]
ALLOWED = "_alipay_people"  # pattern match against people.csv (see module doc)


def _wechat_rows(n: int):
    start = datetime(2024, 12, 30, 20, 0)
    for i in range(n):
        row = WeChatBillRow(start - timedelta(minutes=37 * i), direction="收入", amount_fen=500)
        row.status, row.merchant_id = "已全额退款", ""
        if i % 10 == 3:  # a returned transfer; every other one's original precedes the bill
            row.type, row.txn_id = "转账-退款", f"10000500{i + 4 if i % 20 == 3 else i:023d}"
        elif i % 10 == 5:  # a merchant refund (keys never match: paired by name, or not at all)
            row.type, row.counterparty, row.txn_id = "美团平台商户-退款", "美团平台商户", f"503{i:026d}"
        else:
            row.type = "转账" if i % 2 else "商户消费"
            row.counterparty = ["老陈", "老周", "某某酒楼(滨江店)"][i % 3]
            row.direction, row.amount_fen, row.status = "支出", 100 + i, "支付成功"
            row.txn_id, row.merchant_id = f"4200{i:024d}", f"10000500{i:023d}" if i % 2 else "/"
        yield row


def _alipay_rows(n: int) -> list[AlipayBillRow]:
    rows = []
    for i in range(n):
        ts = datetime(2024, 5, 20, 13, 0) + timedelta(minutes=i)
        order = f"2024052022001400{i:012d}"
        account = ["153****7950", "chen***@163.com", "zhao@example.com"][i % 3]
        if i % 4 == 1:  # a refund of the order before, or of one not in this bill
            of = f"2024052022001400{i - 1:012d}" if i % 8 == 1 else order
            rows.append(AlipayBillRow(ts, "退款", "某某火锅", "/", "退款-堂食", "不计收支", 300, "余额",
                                      "退款成功", f"{of}_1"))  # fmt: skip
        else:
            rows.append(AlipayBillRow(ts, "转账红包", "陈某某", account, "转账", "支出", 100 + i, "余额",
                                      "交易成功", order))  # fmt: skip
    return rows


def _database(case_dir: Path) -> None:
    b = WeChatDbBuilder(owner="wxid_owner001", owner_nickname="林小舟")
    b.add_contact(PEER, nickname="老周", remark="周科长")
    b.add_contact("wxid_peer0002", nickname="小王")
    b.add_group(ROOM, "粮站工作群", [PEER, "wxid_peer0002"])
    for i in range(20):
        b.add_text(ROOM, f"收到{i}", sender=PEER)
        b.add_transfer(PEER, f"10000500{i * 10 + 1:023d}", f"T{i:030d}", 101 + i * 10, memo="资料费")
        b.add_transfer(PEER, f"1000050002{i:021d}", f"X{i:030d}", 5000, memo="饭钱")
        b.add_transfer(
            PEER, f"1000050002{i:021d}", f"X{i:030d}", 5000, memo="饭钱", paysubtype=3, sender=PEER
        )
        b.add_red_packet(ROOM, f"1000039801{i:021d}", "恭喜发财", sender=PEER)
        b.add_claim(ROOM, f"1000039801{i:021d}", claimer="你", packet_sender="老周")
    b.write_merged(case_dir / "exports" / "WeChat Files" / "wxid_owner001" / "Msg" / "merge_all.db")
    b.write_pywxdump_csv(case_dir / "exports" / "chat.csv", PEER, my_wxid="wxid_owner001")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[PlanRecorder, Path]:
    case_dir = tmp_path_factory.mktemp("plans") / "case"
    (case_dir / "exports").mkdir(parents=True)
    (case_dir / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    (case_dir / "people.csv").write_text("\n".join([PEOPLE_HEADER, *PEOPLE]) + "\n", encoding="utf-8")
    write_wechat_csv(case_dir / "exports" / "微信支付账单(20240101-20241231).csv", _wechat_rows(300))
    write_alipay_csv(case_dir / "exports" / "alipay.csv", _alipay_rows(60))
    _database(case_dir)
    report = ingest_case(case_dir)
    assert {s.status for s in report.sources} == {"ingested"}, report.sources
    recorders: list[PlanRecorder] = []

    def wrap(con):
        recorders.append(PlanRecorder(con))
        return recorders[-1]

    build_dataset(TableStore(CasePaths(case_dir).state), wrap=wrap)
    return recorders[0], case_dir


def test_no_join_compares_beyond_its_equality_keys(built):
    recorded, _ = built
    bad = [j for j in recorded.superlinear() if ALLOWED not in j.statement]
    assert not bad, "\n".join(
        f"{j.operator} {j.conditions}: {' '.join(j.statement.split())[:200]}" for j in bad
    )


def test_the_steps_were_seen_with_data(built):
    """The plans above were made over non-empty inputs (an empty input plans no join at all)."""
    recorded, case_dir = built
    for table in ("_refund_matches", "_status_rows", "_pairs", "_name_map", "_chat_groups", "_alipay_people"):
        assert any(table in s.sql and s.joins for s in recorded.statements), table
    refunds = [p for p in read_table(case_dir, "payments").to_pylist() if p["kind"] == "refund"]
    assert 0 < sum(p["refund_of"] is None for p in refunds) < len(refunds)  # paired ones and others
    asof = [j for s in recorded.statements if "TABLE _status_rows" in s.sql for j in s.joins]
    assert [j.operator for j in asof] == ["ASOF_JOIN"]
