"""WeChat 4.x message_N.db and contact.db in the real layout, read exactly."""

from __future__ import annotations

from pathlib import Path

from hongxian.dataset.store import read_table
from hongxian.ingest.pipeline import ingest_case
from hongxian.ingest.wechat_msg import message_id_for_svrid
from hongxian.testing.wechat4_db import WeChat4Builder
from hongxian.testing.wechat_db import transfer_xml

ROOM = "40004@chatroom"


def test_wechat4_databases(case_dir: Path):
    b = WeChat4Builder(owner="wxid_owner4")
    b.add_contact("wxid_owner4", nick="我")
    b.add_contact("wxid_peer4", nick="老周", remark="周科长", alias="zhou_4")
    b.add_contact(ROOM, nick="老乡群")
    t1 = b.add("wxid_peer4", "明天 上午 开会")
    t2 = b.add("wxid_peer4", "好的", sender="wxid_peer4", zstd=False)
    g1 = b.add(ROOM, "群里说一句", sender="wxid_peer4")
    tr = b.add(
        "wxid_peer4",
        transfer_xml(1, 100000, "1000050001202403", "53010001", "资料费"),
        type_=49,
        subtype=2000,
    )
    storage = case_dir / "exports" / "xwechat_files" / "wxid_owner4_a1b2" / "db_storage"
    b.write_messages(storage / "message" / "message_0.db")
    b.write_contacts(storage / "contact" / "contact.db")
    report = ingest_case(case_dir)
    by_path = {Path(s.path).name: s for s in report.sources}
    assert by_path["message_0.db"].format == "微信 4.x 消息库（message_N.db）"
    assert by_path["message_0.db"].rows_ok == 4 and by_path["message_0.db"].rows_rejected == 0
    assert by_path["contact.db"].format == "微信 4.x 联系人库（contact.db）"
    msgs = {m["message_id"]: m for m in read_table(case_dir, "messages").to_pylist()}
    m1 = msgs[message_id_for_svrid(str(t1.server_id))]
    assert (m1["text"], m1["sender_account"], m1["chat_id"], m1["kind"]) == (
        "明天 上午 开会",
        "wxid_owner4",
        "wxid_peer4",
        "text",
    )
    assert msgs[message_id_for_svrid(str(t2.server_id))]["sender_account"] == "wxid_peer4"
    g = msgs[message_id_for_svrid(str(g1.server_id))]
    assert (g["text"], g["sender_account"], g["is_group"]) == ("群里说一句", "wxid_peer4", True)
    assert g["ts"].timestamp() == g1.ts
    t = msgs[message_id_for_svrid(str(tr.server_id))]
    assert (t["kind"], t["raw_type"], t["raw_subtype"]) == ("transfer", 49, 2000)
    pays = read_table(case_dir, "payments").to_pylist()
    assert [(p["amount_fen"], p["memo"]) for p in pays] == [(100000, "资料费")]
    acc = {a["account_id"]: a for a in read_table(case_dir, "accounts").to_pylist()}
    assert (acc["wxid_peer4"]["remark"], acc["wxid_peer4"]["alias"], acc["wxid_peer4"]["nickname"]) == (
        "周科长",
        "zhou_4",
        "老周",
    )
    assert [(g["group_id"], g["name"]) for g in read_table(case_dir, "groups").to_pylist()] == [
        (ROOM, "老乡群")
    ]
