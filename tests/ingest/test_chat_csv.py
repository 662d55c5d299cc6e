"""PyWxDump and MemoTrace chat CSV exports, written the way the tools write them."""

from __future__ import annotations

import csv

import pytest

from hongxian.dataset.store import read_table
from hongxian.ingest.base import ReaderRegistry
from hongxian.ingest.chat_csv import MemoTraceCsvReader, PyWxDumpCsvReader, conversation_name
from hongxian.ingest.export_owner import OWNER_UNKNOWN
from hongxian.ingest.pipeline import ingest_case
from hongxian.ingest.wechat_db import WeChatDbReader
from hongxian.testing.wechat_db import WeChatDbBuilder, read_source

ROOM = "40123456789@chatroom"
PEER = "wxid_peer0001"
TRANSFER_ID, TXN_ID = "1000050001202403200111222333444", "100005000124032000011122233344455566"
PYWX, MEMO = PyWxDumpCsvReader(), MemoTraceCsvReader()


@pytest.fixture
def builder() -> WeChatDbBuilder:
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact(PEER, nickname="老周", remark="周科长")
    b.add_contact("wxid_peer0002", nickname="小王")
    b.add_group(ROOM, "粮站工作群", [PEER, "wxid_peer0002"])
    b.add_text(PEER, "东西放门卫了", sender=PEER)
    b.add_transfer(PEER, TRANSFER_ID, TXN_ID, 100000, memo="资料费")
    b.add_transfer(PEER, TRANSFER_ID, TXN_ID, 100000, memo="资料费", paysubtype=3, sender=PEER)
    b.add_link(PEER, "关于印发通知", "https://mp.weixin.qq.com/s/abc")
    b.add_file(PEER, "考核名单.xlsx", sender=PEER)
    b.add_red_packet(PEER, "1000039801202403281112223334445", sender=PEER)
    b.add_text(ROOM, "今晚老地方", sender=PEER)
    b.add_text(ROOM, "好", sender="wxid_peer0002")
    b.add_text(ROOM, "收到")
    b.add_claim(ROOM, "1000039801202403281112223334445", claimer="你", packet_sender="老周")
    return b


def test_sniff_by_header(tmp_path, builder):
    p = builder.write_pywxdump_csv(tmp_path / "a.txt", PEER)
    m = builder.write_memotrace_csv(tmp_path / "b.txt", PEER)
    assert PYWX.sniff(p, p.read_bytes()) and not MEMO.sniff(p, p.read_bytes())
    assert MEMO.sniff(m, m.read_bytes()) and not PYWX.sniff(m, m.read_bytes())
    assert m.read_bytes().startswith(b"\xef\xbb\xbf")


def test_pywxdump_one_to_one(tmp_path, builder):
    path = builder.write_pywxdump_csv(
        tmp_path / "export/wxid_owner001/csv" / PEER / f"{PEER}_0_5000.csv", PEER, my_wxid="wxid_owner001"
    )
    sink = read_source(PYWX, path)
    assert sink.owner_account == "wxid_owner001" and sink.rejects == []
    rows = {m["kind"]: m for m in sink.table("messages").to_pylist()}
    assert rows["text"]["text"] == "东西放门卫了" and rows["text"]["sender_account"] == PEER
    assert rows["link"]["url"] == "https://mp.weixin.qq.com/s/abc" and rows["link"]["text"] == "关于印发通知"
    assert rows["file"]["file_name"] == "考核名单.xlsx"
    assert rows["other"]["raw_type"] is None  # PyWxDump writes red packets as 未知
    pays = sorted(sink.table("payments").to_pylist(), key=lambda p: p["ts"])
    assert [(p["amount_fen"], p["memo"], p["status"]) for p in pays] == [
        (100000, "资料费", "发起转账"),
        (100000, "资料费", "已收款"),
    ]
    assert all((p["payer_account"], p["payee_account"]) == ("wxid_owner001", PEER) for p in pays)
    assert all(p["ext_id"] is None for p in pays)


def test_pywxdump_group_and_claim(tmp_path, builder):
    path = builder.write_pywxdump_csv(tmp_path / f"{ROOM}_0_5000.csv", ROOM)  # my_wxid defaults to 我
    sink = read_source(PYWX, path, declared_owner="wxid_owner001")
    msgs = sink.table("messages").to_pylist()
    assert [m["sender_account"] for m in msgs] == [PEER, "wxid_peer0002", "wxid_owner001", "wxid_owner001"]
    assert all(m["is_group"] for m in msgs)
    claim = msgs[-1]
    assert (claim["kind"], claim["ext_id"]) == ("red_packet_claim", "1000039801202403281112223334445")
    assert claim["text"] == "你领取了老周的红包"


def test_pywxdump_owner_unknown_with_default_my_wxid(tmp_path, builder):
    sink = read_source(PYWX, builder.write_pywxdump_csv(tmp_path / "x.csv", PEER))
    assert sink.owner_account is None
    assert any("未能确定此导出的机主" in w for w in sink.warnings)
    assert OWNER_UNKNOWN in {m["sender_account"] for m in sink.table("messages").to_pylist()}


def test_pywxdump_bad_rows(tmp_path):
    path = tmp_path / "x.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"]
        )
        w.writerow([1, "7301", "文本", 0, PEER, PEER, "好", "", "2024-03-20 18:00:03"])
        w.writerow([2, "7302", "文本", 0, PEER, PEER, "坏时间", "", "昨天"])
        w.writerow([3, "7303", "文本", 0, PEER, "", "无会话", "", "2024-03-20 18:00:03"])
        w.writerow([4, "7304", "转账", 1, "我", PEER, "转账：看不懂", "", "2024-03-20 18:00:03"])
        w.writerow([5, "", "新类型", 0, PEER, PEER, "x"])
    sink = read_source(PYWX, path, declared_owner="wxid_owner001")
    rejects = {r.row_number: r for r in sink.rejects}  # numbered by file line (the header is line 1)
    assert sorted(rejects) == [3, 4, 5, 6]
    assert (rejects[3].column, rejects[4].column, rejects[6].column) == (
        "CreateTime",
        "room_name",
        "CreateTime",
    )
    assert rejects[5].column == "msg" and "未生成支付记录" in rejects[5].error
    kinds = [(m["kind"], m["text"]) for m in sink.table("messages").to_pylist()]
    assert kinds == [("text", "好"), ("transfer", None)]  # the unreadable transfer is still a message


def test_memotrace_one_to_one(tmp_path, builder):
    path = builder.write_memotrace_csv(tmp_path / "聊天记录" / "周科长" / "周科长_utf8.csv", PEER)
    sink = read_source(MEMO, path)
    assert sink.owner_account == "wxid_owner001"  # Sender of the rows the owner sent
    msgs = sink.table("messages").to_pylist()
    assert {m["chat_id"] for m in msgs} == {PEER} and not any(m["is_group"] for m in msgs)
    assert len(msgs) == 6
    kinds = {m["kind"] for m in msgs}
    assert {"text", "transfer", "link", "file", "red_packet"} <= kinds
    (rp,) = sink.table("payments").to_pylist()  # transfers: XML only in CompressContent, not exported
    assert (rp["kind"], rp["ext_id"], rp["payer_account"]) == (
        "red_packet",
        "1000039801202403281112223334445",
        PEER,
    )
    assert len(sink.rejects) == 2 and all("没有可读的 XML" in r.error for r in sink.rejects)
    assert {r.column for r in sink.rejects} == {"StrContent"}
    accounts = {a["account_id"]: a for a in sink.table("accounts").to_pylist()}
    assert (accounts[PEER]["remark"], accounts[PEER]["nickname"]) == ("周科长", "老周")


def test_memotrace_group_gets_the_room_id_from_micromsg(case_dir, builder):
    exports = case_dir / "exports"
    builder.write_memotrace_csv(exports / "聊天记录" / "粮站工作群" / "粮站工作群_utf8.csv", ROOM)
    builder.write_micro(exports / "MicroMsg.db")
    ingest_case(case_dir, ReaderRegistry([WeChatDbReader(), MEMO]))
    msgs = read_table(case_dir, "messages").to_pylist()
    assert {m["chat_id"] for m in msgs} == {ROOM}
    assert [m["sender_account"] for m in sorted(msgs, key=lambda m: m["ts"])] == [
        PEER,
        "wxid_peer0002",
        "wxid_owner001",
        "wxid_owner001",
    ]


def test_pywxdump_and_database_collapse_by_msgsvrid(case_dir, builder):
    exports = case_dir / "exports"
    builder.write_msg(exports / "WeChat Files" / "wxid_owner001" / "Msg" / "Multi" / "MSG0.db")
    builder.write_pywxdump_csv(
        exports / "export" / "wxid_owner001" / "csv" / PEER / f"{PEER}_0_5000.csv",
        PEER,
        my_wxid="wxid_owner001",
    )
    ingest_case(case_dir, ReaderRegistry([WeChatDbReader(), PYWX]))
    assert read_table(case_dir, "messages").num_rows == len(builder.messages)
    pays = read_table(case_dir, "payments").to_pylist()
    transfer = [p for p in pays if p["kind"] == "transfer"]
    assert len(transfer) == 1 and transfer[0]["status"] == "已收款" and transfer[0]["ext_id"] == TRANSFER_ID


def test_conversation_name():
    assert conversation_name("data/聊天记录/周科长/周科长_utf8.csv") == "周科长"
    assert conversation_name("data/聊天记录/周科长/_utf8.csv") == "周科长"


def test_default_registry_recognises_chat_exports(case_dir, builder):
    exports = case_dir / "exports"
    builder.write_pywxdump_csv(exports / "a" / f"{PEER}_0_5000.csv", PEER, my_wxid="wxid_owner001")
    builder.write_memotrace_csv(exports / "b" / "周科长_utf8.csv", PEER)
    builder.write_merged(exports / "c" / "merge_all.db")
    (exports / "notes.csv").write_text("id,MsgSvrID,别的\n1,2,3\n", encoding="utf-8")
    report = ingest_case(case_dir)
    formats = {s.path.split("/")[1]: (s.status, s.format) for s in report.sources}
    assert formats["a"] == ("ingested", PYWX.label)
    assert formats["b"] == ("ingested", MEMO.label)
    assert formats["c"][0] == "ingested" and formats["c"][1].startswith("微信数据库")
    assert formats["notes.csv"] == ("unrecognised", None)
