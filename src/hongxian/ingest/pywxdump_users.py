"""PyWxDump's ``users.json`` (docs/formats.md §3.9): the names and remarks of the contacts of an
export, written beside its CSV files.

The file is one JSON object mapping each wxid to ``{wxid, nickname, remark, account (= 微信号 /
Alias), describe, headImgUrl, ExtraBuf, LabelIDList, extra}``; chat rooms (``…@chatroom``) carry
their room data in ``extra``. Each contact becomes an ``accounts`` row, each chat room a ``groups``
row (its name). An entry that is not an object with a wxid is rejected with its key.
"""

from __future__ import annotations

import json
from pathlib import Path

import re2

from hongxian.ingest.base import ReaderRegistry, Sink, SourceContext, UnreadableSource

MAX_BYTES = 256 << 20
_HEAD = re2.compile(rb'^\s*\{\s*"[^"]{1,200}"\s*:\s*\{[^{}]{0,1000}"wxid"\s*:')


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class PyWxDumpUsersReader:
    name = "pywxdump_users"
    label = "PyWxDump 联系人（users.json）"

    def sniff(self, path: Path, head: bytes) -> bool:
        return bool(_HEAD.search(head[:8192])) and b'"nickname"' in head

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        if ctx.path.stat().st_size > MAX_BYTES:
            raise UnreadableSource(f"文件超过 {MAX_BYTES >> 20} MB，不像 users.json")
        try:
            data = json.loads(ctx.path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise UnreadableSource(f"不是合法的 JSON：{exc}") from exc
        if not isinstance(data, dict):
            raise UnreadableSource("users.json 应为以 wxid 为键的对象")
        sink.format_label = self.label
        sink.row_tables = ("accounts", "groups")
        for n, (key, entry) in enumerate(data.items(), start=1):
            sink.count_in()
            wxid = _text(entry.get("wxid")) if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or wxid is None:
                sink.reject(
                    n, json.dumps({key: entry}, ensure_ascii=False)[:2000], "条目不是含 wxid 的对象", "wxid"
                )
                continue
            nickname, remark = _text(entry.get("nickname")), _text(entry.get("remark"))
            if wxid.endswith("@chatroom"):
                sink.add("groups", {"group_id": wxid, "name": remark or nickname})
                continue
            alias = _text(entry.get("account"))
            person = ctx.people.by_wechat_id.get(wxid) or (
                ctx.people.by_wechat_id.get(alias) if alias else None
            )
            sink.add(
                "accounts",
                {
                    "account_id": wxid,
                    "platform": "wechat",
                    "person_id": person,
                    "display_name": remark or nickname,
                    "remark": remark,
                    "alias": alias,
                    "nickname": nickname,
                    "description": _text(entry.get("describe")),
                },
            )


def register(registry: ReaderRegistry) -> None:
    registry.register(PyWxDumpUsersReader())
