"""Chat ↔ bill payment linking (formats.md §6): end-to-end through a case folder, and the SQL steps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from hongxian.canonical import table_from_rows
from hongxian.dataset.linking import dedupe_chat_payments, link_payments
from hongxian.dataset.store import read_table
from hongxian.ingest.pipeline import ingest_case
from hongxian.testing.wechat_db import WeChatDbBuilder
from tests.conftest import CASE_TOML

T = "\t"
SENT_RP, RECV_RP, CHAT_ONLY_RP = (
    "1000039801202403308765432109876",
    "1000039801202403281112223334445",
    "1000039801202403290000000000001",
)
TRANSFER_ID, TXN_ID = "1000050001202403200111222333444", "100005000124032000011122233344455566"
# docs/formats.md §1, the ≤2025 CSV layout, byte for byte (TAB after the ids).
BILL = f"""微信支付账单明细,,,,,,,,,,
微信昵称：[林小舟],,,,,,,,,,
起始时间：[2024-03-01 00:00:00] 终止时间：[2024-03-31 23:59:59],,,,,,,,,,
导出类型：[全部],,,,,,,,,,
导出时间：[2024-04-02 09:15:41],,,,,,,,,,
,,,,,,,,,,
共8笔记录,,,,,,,,,,
收入：3笔 888.00元,,,,,,,,,,
支出：4笔 1745.50元,,,,,,,,,,
中性交易：1笔 300.30元,,,,,,,,,,
注：,,,,,,,,,,
1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易,,,,,,,,,,
2. 本明细仅展示当前账单中的交易，不包括已删除的记录,,,,,,,,,,
3. 本明细仅供个人对账使用,,,,,,,,,,
,,,,,,,,,,
----------------------微信支付账单明细列表--------------------,,,,,,,,,,
交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注
2024-03-30 21:05:12,微信红包（单发）,发给老周,"/",支出,¥200.00,零钱,支付成功,\
100003980124033000012345678901234567{T},{SENT_RP}{T},"/"
2024-03-28 12:30:45,微信红包,老周,"/",收入,¥88.00,/,已存入零钱,100003980124032800098765432101234567{T},\
{RECV_RP}{T},"/"
2024-03-20 18:00:03,转账,王建国,"转账备注:微信转账",支出,¥1000.00,招商银行(1234),对方已收钱,{TXN_ID}{T},\
{TRANSFER_ID}{T},"/"
2024-03-18 09:12:00,转账,李娜,"转账备注:资料费",支出,¥500.00,零钱,对方已退还,\
100005000124031800022233344455566677{T},1000050001202403180222333444555{T},"/"
2024-03-18 09:40:31,转账-退款,/,"转账备注:资料费",收入,¥500.00,零钱,已全额退款,\
1000050001202403180222333444555{T},{T},"/"
2024-03-15 19:48:09,商户消费,某某酒楼(滨江店),"堂食订单",支出,¥45.50,零钱通,支付成功,\
4200002001202403151234567890{T},JL20240315194801{T},"/"
2024-03-10 10:00:00,群收款,老周,"/",收入,¥300.00,/,已存入零钱,1000049501240310012345678901234567890123{T},\
/{T},"/"
2024-03-05 16:20:11,零钱提现,招商银行(1234),"/",/,¥300.30,招商银行(1234),提现已到账,\
207240305100012345678901234{T},/{T},"服务费¥0.30"
"""
PEER, WANG = "wxid_peer0001", "wxid_wang"
B = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def linked_case(tmp_path_factory):
    case_dir = tmp_path_factory.mktemp("linking") / "case"
    (case_dir / "exports").mkdir(parents=True)
    (case_dir / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    (case_dir / "exports" / "微信支付账单(20240301-20240331).csv").write_text(BILL, encoding="utf-8")
    b = WeChatDbBuilder(owner="wxid_owner001", owner_nickname="林小舟")
    b.add_contact(PEER, nickname="周建国")  # the bill shows 老周, which no contact field says
    b.add_contact(WANG, nickname="王建国")
    b.add_red_packet(PEER, SENT_RP, "恭喜发财，大吉大利", ts=datetime(2024, 3, 30, 21, 5, 12, tzinfo=B))
    b.add_claim(PEER, SENT_RP, claimer="周建国", ts=datetime(2024, 3, 30, 21, 9, tzinfo=B))
    b.add_red_packet(PEER, RECV_RP, "辛苦了", sender=PEER, ts=datetime(2024, 3, 28, 12, 29, tzinfo=B))
    b.add_red_packet(PEER, CHAT_ONLY_RP, "只在聊天里", sender=PEER, ts=datetime(2024, 3, 29, 8, 0, tzinfo=B))
    init = b.add_transfer(
        WANG, TRANSFER_ID, TXN_ID, 100000, memo="资料费", ts=datetime(2024, 3, 20, 18, 0, 3, tzinfo=B)
    )
    b.add_transfer(
        WANG,
        TRANSFER_ID,
        TXN_ID,
        100000,
        memo="资料费",
        paysubtype=3,
        sender=WANG,
        ts=datetime(2024, 3, 20, 18, 5, tzinfo=B),
    )
    b.write_merged(case_dir / "exports" / "WeChat Files" / "wxid_owner001" / "Msg" / "merge_all.db")
    report = ingest_case(case_dir)
    assert {s.status for s in report.sources} == {"ingested"}, report.sources
    messages = {m["message_id"]: m for m in read_table(case_dir, "messages").to_pylist()}
    init_id = next(k for k, m in messages.items() if m["server_id"] == str(init.row[2]))
    return read_table(case_dir, "payments").to_pylist(), messages, init_id


def _by_ext(payments):
    return {p["ext_id"]: p for p in payments if p["ext_id"]}


def test_bill_and_chat_red_packet_merge(linked_case):
    payments, messages, _ = linked_case
    sent = _by_ext(payments)[SENT_RP]
    assert (sent["origin"], sent["amount_fen"], sent["kind"]) == ("bill+chat", 20000, "red_packet")
    assert (sent["chat_id"], sent["memo"]) == (PEER, "恭喜发财，大吉大利")
    assert messages[sent["message_id"]]["kind"] == "red_packet"
    assert sent["payee_account"] == PEER  # bill only said 发给老周; the chat knows the wxid
    assert sent["payer_account"] == "wxid_owner001"  # 微信昵称 林小舟 resolved through Contact
    received = _by_ext(payments)[RECV_RP]
    assert (received["origin"], received["amount_fen"], received["memo"]) == ("bill+chat", 8800, "辛苦了")
    assert (received["payer_account"], received["payee_account"]) == (PEER, "wxid_owner001")


def test_packet_seen_only_in_chat_keeps_null_amount(linked_case):
    payments, _, _ = linked_case
    only = _by_ext(payments)[CHAT_ONLY_RP]
    assert (only["origin"], only["amount_fen"], only["memo"]) == ("chat", None, "只在聊天里")


def test_transfer_status_messages_dedupe_then_merge(linked_case):
    payments, _, init_id = linked_case
    transfers = [p for p in payments if p["ext_id"] == TRANSFER_ID]
    assert len(transfers) == 1
    t = transfers[0]
    assert (t["origin"], t["amount_fen"], t["status"], t["txn_id"]) == (
        "bill+chat",
        100000,
        "对方已收钱",
        TXN_ID,
    )
    assert (t["chat_id"], t["memo"], t["message_id"]) == (WANG, "资料费", init_id)
    assert (t["payer_account"], t["payee_account"]) == ("wxid_owner001", WANG)


def test_nothing_else_changes(linked_case):
    payments, messages, _ = linked_case
    assert len(payments) == 8 + 1  # every bill row + the chat-only packet
    assert sum(p["origin"] == "chat" for p in payments) == 1
    refund = next(p for p in payments if p["kind"] == "refund")
    assert refund["refund_of"] is not None
    claims = [m for m in messages.values() if m["kind"] == "red_packet_claim"]
    assert [(c["ext_id"], c["sender_account"]) for c in claims] == [(SENT_RP, PEER)]


# ---------------------------------------------------------------- the SQL steps alone


def _ts(minute: int) -> datetime:
    return datetime(2024, 3, 20, 18, 0, tzinfo=B) + timedelta(minutes=minute)


def _chat(
    pid, minute, kind="transfer", ext=None, txn=None, status=None, amount=None, chat="wxid_a", memo=None
):
    return {
        "payment_id": pid,
        "source_id": "s-chat",
        "ts": _ts(minute),
        "kind": kind,
        "chat_id": chat,
        "ext_id": ext,
        "txn_id": txn,
        "status": status,
        "amount_fen": amount,
        "memo": memo,
        "origin": "chat",
        "payer_account": "wxid_owner",
        "payee_account": chat,
        "message_id": f"m-{pid}",
    }


def _bill(pid, minute, kind="transfer", ext=None, txn=None, amount=100):
    return {
        "payment_id": pid,
        "source_id": "s-bill",
        "ts": _ts(minute),
        "kind": kind,
        "ext_id": ext,
        "txn_id": txn,
        "amount_fen": amount,
        "status": "支付成功",
        "origin": "bill",
        "payer_account": "wxid_owner",
        "payee_account": "wxname:阿A",
        "memo": "转账备注",
    }


def _run(step, rows):
    con = duckdb.connect(":memory:")
    con.register("_in", table_from_rows("payments", rows))
    con.execute("CREATE TABLE payments AS SELECT * FROM _in")
    step(con)
    return {r["payment_id"]: r for r in con.sql("SELECT * FROM payments").to_arrow_table().to_pylist()}


def test_dedupe_keeps_earliest_row_with_latest_status_and_filled_columns():
    out = _run(
        dedupe_chat_payments,
        [
            _chat("c1", 0, ext="T1", status="发起转账"),
            _chat("c2", 5, ext="T1", status="已收款", amount=100, txn="X1"),
            _chat("c3", 9, ext="T1", status="已退还"),
            _chat("r1", 0, kind="red_packet", ext="T1"),  # another kind with the same id stays apart
        ],
    )
    assert set(out) == {"c1", "r1"}
    assert (out["c1"]["status"], out["c1"]["amount_fen"], out["c1"]["txn_id"]) == ("已退还", 100, "X1")


def test_unkeyed_transfer_status_rows_fold_into_their_initiation():
    out = _run(
        dedupe_chat_payments,
        [
            _chat("i1", 0, status="发起转账", amount=500),
            _chat("s1", 3, status="已收款", amount=500),
            _chat("s2", 4, status="已收款", amount=700),  # different amount: a different transfer
            _chat("s3", 5, status="已收款", amount=500, chat="wxid_b"),  # other chat
            _chat("s4", 60 * 50, status="已收款", amount=500),  # more than 48 h later
        ],
    )
    assert set(out) == {"i1", "s2", "s3", "s4"}
    assert out["i1"]["status"] == "已收款"


def test_merge_by_ext_id_and_by_transaction_id():
    out = _run(
        link_payments,
        [
            _bill("b1", 0, ext="T1"),
            _chat("c1", 0, ext="T1", memo="资料费"),
            _chat("c1b", 2, ext="T1"),
            _bill("b2", 10, txn="X2"),
            _chat("c2", 10, txn="X2", ext="T2"),
            _bill("b3", 20, kind="red_packet", ext="T3"),
            _chat("c3", 20, kind="transfer", ext="T3"),
        ],
    )
    assert set(out) == {"b1", "b2", "b3", "c3"}
    assert (out["b1"]["origin"], out["b1"]["chat_id"], out["b1"]["memo"]) == ("bill+chat", "wxid_a", "资料费")
    assert out["b1"]["payee_account"] == "wxid_a" and out["b1"]["message_id"] == "m-c1"
    assert out["b2"]["origin"] == "bill+chat" and out["b2"]["memo"] == "转账备注"  # chat had no memo
    assert out["b3"]["origin"] == "bill" and out["c3"]["origin"] == "chat"
