"""Small canonical row builders for unit tests (the real-format tests live in test_seed_case.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
ROOM = "9001@chatroom"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def person(
    pid: str, name: str, unit: str | None, kind: str = "公职人员", rank: str | None = None, **kw
) -> dict:
    return {
        "person_id": pid,
        "name": name,
        "org_unit": unit,
        "rank": rank,
        "identity_kind": kind,
        "is_official": kind == "公职人员",
        "wechat_ids": [f"wxid_{pid.lower()}"],
        **kw,
    }


def members(people: list[dict], room: str = ROOM, extra: int = 0) -> list[dict]:
    rows = [{"group_id": room, "account_id": p["wechat_ids"][0], "display_name": p["name"]} for p in people]
    rows += [
        {"group_id": room, "account_id": f"wxid_other{i}", "display_name": f"群友{i}"} for i in range(extra)
    ]
    return rows


def msg(i: int, sender: str, when: str, text: str, room: str = ROOM, kind: str = "text") -> dict:
    return {
        "message_id": f"m{i}",
        "chat_id": room,
        "is_group": True,
        "sender_account": sender,
        "ts": ts(when),
        "kind": kind,
        "text": text,
    }


def group(name: str, owner: str | None, count: int, room: str = ROOM, **kw) -> dict:
    return {"group_id": room, "name": name, "owner_account": owner, "member_count": count, **kw}
