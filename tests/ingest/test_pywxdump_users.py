"""PyWxDump users.json beside a CSV export: contacts and chat-room names."""

from __future__ import annotations

import json
from pathlib import Path

from hongxian.dataset.store import read_table
from hongxian.ingest.pipeline import ingest_case
from hongxian.testing.wechat_db import WeChatDbBuilder
from tests.conftest import PEOPLE_HEADER


def _builder() -> WeChatDbBuilder:
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer1", nickname="老周", remark="周科长", alias="zhou_1980", description="县财政局")
    b.add_contact("wxid_peer2", nickname="小李")
    b.add_group("30001@chatroom", "老乡群", ["wxid_peer1", ("wxid_peer2", "李四")])
    return b


def test_users_json_is_read_exactly(case_dir: Path):
    _builder().write_pywxdump_users(case_dir / "exports" / "export" / "wxid_owner001" / "users.json")
    (case_dir / "people.csv").write_text(
        PEOPLE_HEADER + "\nP1,周某,县财政局,科长,,中共党员,公职人员,,,zhou_1980,,,,在职,\n", encoding="utf-8"
    )
    report = ingest_case(case_dir)
    [src] = [s for s in report.sources if s.path.endswith("users.json")]
    assert src.status == "ingested" and src.format == "PyWxDump 联系人（users.json）" and src.rows_ok == 4
    accounts = {a["account_id"]: a for a in read_table(case_dir, "accounts").to_pylist()}
    assert accounts["wxid_peer1"] == {
        "account_id": "wxid_peer1",
        "platform": "wechat",
        "person_id": "P1",
        "display_name": "周科长",
        "remark": "周科长",
        "alias": "zhou_1980",
        "nickname": "老周",
        "description": "县财政局",
        "source_id": accounts["wxid_peer1"]["source_id"],
    }
    assert accounts["wxid_peer2"]["display_name"] == "小李" and accounts["wxid_peer2"]["person_id"] is None
    groups = read_table(case_dir, "groups").to_pylist()
    assert [(g["group_id"], g["name"]) for g in groups] == [("30001@chatroom", "老乡群")]


def test_bad_entries_are_rejected_with_their_key(case_dir: Path):
    path = _builder().write_pywxdump_users(case_dir / "exports" / "users.json")
    users = json.loads(path.read_text(encoding="utf-8"))
    users["broken"] = ["not", "an", "object"]
    path.write_text(json.dumps(users, ensure_ascii=False), encoding="utf-8")
    report = ingest_case(case_dir)
    [src] = report.sources
    assert src.rows_ok == 4 and src.rows_rejected == 1
    [rej] = read_table(case_dir, "rejects").to_pylist()
    assert rej["row_number"] == 5 and "broken" in rej["raw"] and "wxid" in rej["error"]
