"""Decrypted WeChat PC 3.x databases: MSG shards, MicroMsg.db, merged db (real schema fixtures)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hongxian.dataset.store import read_table
from hongxian.ids import fingerprint
from hongxian.ingest.base import PeopleIndex, PersonRef, ReaderRegistry
from hongxian.ingest.export_owner import OWNER_UNKNOWN
from hongxian.ingest.pipeline import ingest_case
from hongxian.ingest.wechat_db import WeChatDbReader, split_members
from hongxian.ingest.wechat_msg import message_id_for_svrid
from hongxian.schema import MESSAGE_KINDS
from hongxian.testing.wechat_db import (
    MSG_COLUMNS,
    WeChatDbBuilder,
    bytes_extra,
    create_msg_db,
    lz4_block,
    msg_row,
    read_source,
    transfer_xml,
)

ROOM = "40123456789@chatroom"
PEER = "wxid_peer0001"
SENDID = "1000039801202403308765432109876"
TRANSFER_ID, TXN_ID = "1000050001202403200111222333444", "100005000124032000011122233344455566"
READER = WeChatDbReader()


@pytest.fixture
def builder() -> WeChatDbBuilder:
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact(PEER, nickname="老周", remark="周科长", alias="zhou_1980", description="为人民服务")
    b.add_contact("wxid_peer0002", nickname="小王")
    b.add_group(
        ROOM,
        "粮站工作群",
        [(PEER, "粮站周某"), ("wxid_peer0002", None), ("wxid_left", None)],
        owner=PEER,
        announcement="请各位按时报送数据",
    )
    first = b.add_text(ROOM, "今晚的事按老规矩办", sender=PEER)
    b.add_text(ROOM, "收到", sender="wxid_peer0002", sender_in="prefix")
    b.add_quote(ROOM, "好的，明白", first)
    b.add_file(ROOM, "2024年度考核名单（内部）.docx", sender=PEER)
    b.add_link(ROOM, "关于印发通知", "https://mp.weixin.qq.com/s/abc", sender=PEER)
    b.add_image(ROOM, sender=PEER)
    b.add_red_packet(ROOM, SENDID, "节日快乐")
    b.add_claim(ROOM, SENDID, claimer="老周")
    b.add_system(ROOM, '"小王"邀请"老李"加入了群聊')
    b.add_transfer(PEER, TRANSFER_ID, TXN_ID, 100000, memo="资料费")
    b.add_transfer(PEER, TRANSFER_ID, TXN_ID, 100000, memo="资料费", paysubtype=3, sender=PEER)
    b.add_red_packet(PEER, "1000039801202403281112223334445", "辛苦了", sender=PEER, in_compress=True)
    return b


def _by_kind(sink, table="messages"):
    out: dict[str, list[dict]] = {}
    for row in sink.table(table).to_pylist():
        out.setdefault(row["kind"], []).append(row)
    return out


def _owner_path(tmp_path, name="merge_all.db"):
    return tmp_path / "WeChat Files" / "wxid_owner001" / "Msg" / name


# ---------------------------------------------------------------- sniffing


def test_sniff_by_content_not_name(tmp_path, builder):
    db = builder.write_merged(tmp_path / "anything.bin")
    assert READER.sniff(db, db.read_bytes()[:100])
    other = tmp_path / "MSG0.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    assert not READER.sniff(other, other.read_bytes()[:100])
    text = tmp_path / "MSG1.db"
    text.write_text("id,MsgSvrID\n", encoding="utf-8")
    assert not READER.sniff(text, text.read_bytes())


def test_sniff_garbage_after_magic_is_not_a_db(tmp_path):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00\x01garbage" * 50)
    assert not READER.sniff(bad, bad.read_bytes())


# ---------------------------------------------------------------- messages


def test_merged_db_messages(tmp_path, builder):
    sink = read_source(READER, builder.write_merged(_owner_path(tmp_path)), root=tmp_path)
    assert sink.rejects == [] and sink.warnings == []
    assert sink.owner_account == "wxid_owner001"
    kinds = _by_kind(sink)
    assert set(kinds) <= set(MESSAGE_KINDS)
    texts = {r["text"]: r for r in kinds["text"]}
    assert texts["今晚的事按老规矩办"]["sender_account"] == PEER  # from BytesExtra
    assert texts["收到"]["sender_account"] == "wxid_peer0002"  # from the wxid:\n prefix, stripped
    assert kinds["quote"][0]["text"] == "好的，明白"
    assert kinds["quote"][0]["sender_account"] == "wxid_owner001"
    f = kinds["file"][0]
    assert f["file_name"] == f["text"] == "2024年度考核名单（内部）.docx"
    assert kinds["link"][0]["url"] == "https://mp.weixin.qq.com/s/abc"
    assert kinds["link"][0]["text"] == "关于印发通知"
    assert kinds["image"][0]["text"] is None
    claim = kinds["red_packet_claim"][0]
    assert (claim["ext_id"], claim["text"], claim["sender_account"]) == (
        SENDID,
        "老周领取了你的红包",
        "wxname:老周",
    )
    assert kinds["system"][0]["text"] == '"小王"邀请"老李"加入了群聊'
    assert kinds["system"][0]["sender_account"] is None
    assert all(r["is_group"] for r in kinds["text"])


def test_message_ids_ts_and_raw_types(tmp_path, builder):
    sink = read_source(READER, builder.write_msg(tmp_path / "MSG0.db"), declared_owner="wxid_owner001")
    rows = sink.table("messages").to_pylist()
    assert len(rows) == len(builder.messages)
    first = rows[0]
    svrid = builder.messages[0].row[2]
    assert first["message_id"] == fingerprint("m", "svr", str(svrid)) == message_id_for_svrid(str(svrid))
    assert first["server_id"] == str(svrid)
    assert first["ts"] == datetime(2024, 3, 20, 17, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (first["raw_type"], first["raw_subtype"]) == (1, 0)
    assert len({r["message_id"] for r in rows}) == len(rows)


def test_red_packets_and_transfers_are_payments(tmp_path, builder):
    sink = read_source(READER, builder.write_merged(_owner_path(tmp_path)), root=tmp_path)
    msgs = _by_kind(sink)
    rp_msg = [m for m in msgs["red_packet"] if m["chat_id"] == ROOM][0]
    assert (rp_msg["text"], rp_msg["ext_id"]) == ("节日快乐", SENDID)
    pays = _by_kind(sink, "payments")
    group_rp = [p for p in pays["red_packet"] if p["chat_id"] == ROOM][0]
    assert group_rp["amount_fen"] is None  # the chat never carries a red-packet amount
    assert (group_rp["payer_account"], group_rp["payee_account"]) == ("wxid_owner001", None)
    assert (group_rp["memo"], group_rp["direction"], group_rp["origin"]) == ("节日快乐", "out", "chat")
    assert group_rp["message_id"] == rp_msg["message_id"]
    one_to_one = [p for p in pays["red_packet"] if p["chat_id"] == PEER][0]
    assert (one_to_one["payer_account"], one_to_one["payee_account"]) == (PEER, "wxid_owner001")
    assert one_to_one["memo"] == "辛苦了"  # XML read from CompressContent
    sent, received = sorted(pays["transfer"], key=lambda p: p["ts"])
    for p in (sent, received):
        assert (p["amount_fen"], p["ext_id"], p["txn_id"]) == (100000, TRANSFER_ID, TXN_ID)
        assert (p["payer_account"], p["payee_account"]) == ("wxid_owner001", PEER)
        assert p["memo"] == "资料费" and p["direction"] == "out"
    assert (sent["status"], received["status"]) == ("发起转账", "已收款")


def test_transfer_xml_payer_receiver_win(tmp_path):
    b = WeChatDbBuilder()
    b.add_transfer(ROOM, TRANSFER_ID, TXN_ID, 5000, sender=PEER, payer=PEER, receiver="wxid_peer0002")
    sink = read_source(READER, b.write_msg(tmp_path / "MSG0.db"), declared_owner=b.owner)
    (p,) = sink.table("payments").to_pylist()
    assert (p["payer_account"], p["payee_account"], p["direction"]) == (PEER, "wxid_peer0002", None)


# ---------------------------------------------------------------- MicroMsg


@pytest.mark.parametrize("separator", ["^G", "\x07"])
def test_micromsg_accounts_groups_members(tmp_path, builder, separator):
    builder.groups[ROOM]["separator"] = separator
    people = PeopleIndex()
    people.add(PersonRef("P1", "周某", wechat_ids=("zhou_1980",)))
    sink = read_source(READER, builder.write_micro(tmp_path / "MicroMsg.db"), people=people)
    assert sink.format_label.startswith("微信数据库 MicroMsg")
    accounts = {a["account_id"]: a for a in sink.table("accounts").to_pylist()}
    assert ROOM not in accounts
    peer = accounts[PEER]
    assert (peer["alias"], peer["remark"], peer["nickname"], peer["description"]) == (
        "zhou_1980",
        "周科长",
        "老周",
        "为人民服务",
    )
    assert peer["person_id"] == "P1" and peer["platform"] == "wechat"
    (group,) = sink.table("groups").to_pylist()
    assert (group["name"], group["owner_account"], group["member_count"]) == ("粮站工作群", PEER, 4)
    assert group["announcement"] == "请各位按时报送数据"
    members = {m["account_id"]: m["display_name"] for m in sink.table("group_members").to_pylist()}
    assert members == {
        "wxid_owner001": "林小舟",
        PEER: "粮站周某",
        "wxid_peer0002": "小王",
        "wxid_left": None,
    }


def test_split_members_both_separators():
    assert split_members("a^Gb\x07c^G") == ["a", "b", "c"]
    assert split_members(None) == []


# ---------------------------------------------------------------- owner


def test_owner_declared_person(tmp_path, builder):
    people = PeopleIndex()
    people.add(PersonRef("P9", "林小舟", wechat_ids=("wxid_owner001",)))
    sink = read_source(READER, builder.write_msg(tmp_path / "MSG0.db"), declared_owner="P9", people=people)
    assert (sink.owner_account, sink.owner_person) == ("wxid_owner001", "P9")


def test_owner_from_content_when_path_says_nothing(tmp_path, builder):
    sink = read_source(READER, builder.write_msg(tmp_path / "MSG0.db"))
    assert sink.owner_account == "wxid_owner001"  # sendusername of the packet the owner sent


def test_owner_unknown_is_explicit(tmp_path):
    b = WeChatDbBuilder()
    b.add_text(PEER, "在吗")
    b.add_text(PEER, "在", sender=PEER)
    sink = read_source(READER, b.write_msg(tmp_path / "MSG0.db"))
    assert sink.owner_account is None
    assert any("未能确定此导出的机主" in w for w in sink.warnings)
    senders = [m["sender_account"] for m in sink.table("messages").to_pylist()]
    assert senders == [OWNER_UNKNOWN, PEER]


# ---------------------------------------------------------------- bad rows


def _raw_db(path, rows):
    create_msg_db(path, rows)
    return path


def test_bad_rows_reject_or_warn_never_raise(tmp_path):
    good_xml = transfer_xml(1, 100, TRANSFER_ID, TXN_ID)
    rows = [
        msg_row(1, None, 1, 0, 0, 1710926400, "no chat"),  # reject: no StrTalker
        msg_row(2, PEER, 1, 0, 0, "yesterday", "bad time"),  # reject: CreateTime
        msg_row(3, ROOM, 1, 0, 0, 1710926400, "坏的 BytesExtra", extra=b"\x1a\xff\x01"),  # warn, kept
        msg_row(4, PEER, 49, 2000, 1, 1710926400, "", compress=b"\x00\xff\xee" * 5),  # reject payment, kept
        msg_row(
            5, PEER, 49, 5, 1, 1710926400, "<msg><appmsg><title>半截 & 链接</title><type>5</type>"
        ),  # warn
        msg_row(6, PEER, 49, 2000, 1, 1710926400, "", compress=lz4_block(good_xml)),  # fine
        msg_row(7, ROOM, 1, 0, 0, 1710926400, "无人认领"),  # warn: no sender
    ]
    sink = read_source(READER, _raw_db(tmp_path / "MSG0.db", rows), declared_owner="wxid_owner001")
    msgs = {m["text"]: m for m in sink.table("messages").to_pylist()}
    assert len(sink.table("messages")) == 5
    rejects = {r.row_number: r for r in sink.rejects}
    assert set(rejects) == {1, 2, 4}
    assert rejects[1].column == "StrTalker" and rejects[2].column == "CreateTime"
    assert "未生成支付记录" in rejects[4].error
    assert msgs["半截 & 链接"]["kind"] == "link"  # broken XML read by the tolerant fallback
    assert msgs["坏的 BytesExtra"]["sender_account"] is None
    joined = "\n".join(sink.warnings)
    assert "BytesExtra" in joined and "XML 格式有误" in joined and "无法确定发送人" in joined
    assert "CompressContent" in joined
    assert len(sink.table("payments")) == 1


def test_older_schema_without_optional_columns(tmp_path):
    path = tmp_path / "MSG0.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE MSG (StrTalker TEXT, Type INT, CreateTime INT, StrContent TEXT, IsSender INT)")
    con.execute("INSERT INTO MSG VALUES (?, 1, 1710926400, '你好', 0)", (PEER,))
    con.commit()
    con.close()
    sink = read_source(READER, path, declared_owner="wxid_owner001")
    (m,) = sink.table("messages").to_pylist()
    assert (m["text"], m["sender_account"], m["server_id"]) == ("你好", PEER, None)


def test_invalid_utf8_text_does_not_stop_the_scan(tmp_path):
    path = _raw_db(
        tmp_path / "MSG0.db",
        [msg_row(1, PEER, 1, 0, 0, 1710926400, "x"), msg_row(2, PEER, 1, 0, 0, 1710926460, "y")],
    )
    con = sqlite3.connect(path)
    con.execute("UPDATE MSG SET StrContent = CAST(X'E4BDA0FF' AS TEXT) WHERE localId = 1")
    con.commit()
    con.close()
    sink = read_source(READER, path, declared_owner="wxid_owner001")
    assert [m["text"] for m in sink.table("messages").to_pylist()] == ["你\ufffd", "y"]


def test_msg_columns_match_real_schema():
    assert MSG_COLUMNS[:7] == ("localId", "TalkerId", "MsgSvrID", "Type", "SubType", "IsSender", "CreateTime")
    assert {"StrTalker", "StrContent", "CompressContent", "BytesExtra", "BytesTrans"} <= set(MSG_COLUMNS)
    assert bytes_extra("x")[:1] == b"\x0a"


# ---------------------------------------------------------------- through the pipeline


def test_shards_and_merged_db_collapse(case_dir, builder):
    root = case_dir / "exports" / "WeChat Files" / "wxid_owner001" / "Msg"
    builder.write_shards(root / "Multi", 2)
    builder.write_micro(root / "MicroMsg.db")
    builder.write_merged(case_dir / "exports" / "pywxdump" / "merge_all.db")
    report = ingest_case(case_dir, ReaderRegistry([READER]))
    assert [s.status for s in report.sources] == ["ingested"] * 4
    messages = read_table(case_dir, "messages")
    assert messages.num_rows == len(builder.messages)
    assert read_table(case_dir, "groups").num_rows == 1
    claim = [m for m in messages.to_pylist() if m["kind"] == "red_packet_claim"][0]
    assert claim["sender_account"] == PEER  # wxname:老周 resolved through Contact.NickName
    again = ingest_case(case_dir, ReaderRegistry([READER]))
    assert [s.status for s in again.sources] == ["unchanged"] * 4
    assert read_table(case_dir, "messages").num_rows == len(builder.messages)


def test_claimer_known_only_by_group_nickname_resolves(case_dir):
    b = WeChatDbBuilder()
    b.add_contact(PEER, nickname="老周")
    b.add_group(ROOM, "粮站工作群", [(PEER, "粮站周某")])
    b.add_red_packet(ROOM, SENDID)
    b.add_claim(ROOM, SENDID, claimer="粮站周某")
    b.add_claim(ROOM, SENDID, claimer="陌生人")
    b.write_merged(case_dir / "exports" / "WeChat Files" / "wxid_owner001" / "merge_all.db")
    ingest_case(case_dir, ReaderRegistry([READER]))
    claims = [m for m in read_table(case_dir, "messages").to_pylist() if m["kind"] == "red_packet_claim"]
    assert sorted(m["sender_account"] for m in claims) == [PEER, "wxname:陌生人"]


def test_fast_path_matches_general_path(tmp_path, builder):
    from hongxian.ingest.base import Sink
    from hongxian.ingest.wechat_msg import ChatRowBuilder, RawMessage

    builder.add_text(ROOM, "无 BytesExtra", sender=PEER, sender_in="none")
    builder.add_message(ROOM, 34, 0, "<msg><voicemsg/></msg>", sender=PEER)
    builder.add_message(PEER, 43, 0, "<msg><videomsg/></msg>", svrid=0)
    builder.add_message(ROOM, 50, 0, "", sender="wxid_peer0002", sender_in="prefix")
    path = builder.write_msg(tmp_path / "MSG0.db")
    fast = read_source(READER, path, declared_owner="wxid_owner001")
    general = Sink("s-test")
    b = ChatRowBuilder(general, "wxid_owner001")
    con = sqlite3.connect(path)
    for row in con.execute(
        "SELECT localId, StrTalker, Type, SubType, IsSender, CreateTime, StrContent, "
        "CompressContent, BytesExtra, MsgSvrID FROM MSG"
    ):
        b.add(RawMessage(*row))
    con.close()
    b.finish()
    general.close()
    assert fast.table("messages").to_pylist() == general.table("messages").to_pylist()
    assert fast.table("payments").to_pylist() == general.table("payments").to_pylist()
    assert fast.warnings == general.warnings


def test_invalid_utf8_mid_scan_resumes_without_loss_or_repeat(tmp_path):
    rows = (msg_row(i, PEER, 1, 0, 0, 1710926400 + i, f"第{i}条", svrid=10**6 + i) for i in range(1, 10_001))
    path = _raw_db(tmp_path / "MSG0.db", rows)
    con = sqlite3.connect(path)
    con.execute("UPDATE MSG SET StrContent = CAST(X'FFFE41' AS TEXT) WHERE localId = 6000")
    con.commit()
    con.close()
    sink = read_source(READER, path, declared_owner="wxid_owner001")
    texts = [m["text"] for m in sink.table("messages").to_pylist()]
    assert len(texts) == 10_000 and len(set(sink.table("messages")["message_id"].to_pylist())) == 10_000
    assert texts[5999] == "\ufffd\ufffdA" and texts[6000] == "第6001条"
