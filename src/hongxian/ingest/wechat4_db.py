"""Decrypted WeChat 4.x databases (docs/formats.md §3.10): ``db_storage/message/message_N.db``
and ``db_storage/contact/contact.db``.

* Messages: one table ``Msg_<md5(username)>`` per conversation; the conversation is found by hashing
  each ``Name2Id.user_name``. ``local_type`` packs the base type (low 32 bits) and the subtype (high
  32 bits); ``real_sender_id`` is the ``Name2Id`` rowid of the sender; ``message_content`` is a
  Zstandard frame when ``WCDB_CT_message_content = 4``, plain text otherwise; group messages carry a
  ``wxid:\\n`` prefix; spaces may be stored as ``&#x20;``. The rows go through the same
  `ChatRowBuilder` as PC 3.x rows, so kinds, texts, payments and ids follow the same rules.
* The account owner is the ``xwechat_files/<wxid>_<4 hex>/`` folder the database sits in.
* Contacts: ``contact(username, alias, remark, nick_name, description …)``; chat rooms are the
  contacts whose username ends with ``@chatroom``.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import sqlite3
from pathlib import Path

from hongxian.ingest.base import ReaderRegistry, Sink, SourceContext, UnreadableSource, few_collections
from hongxian.ingest.sqlite_scan import open_readonly, quote_ident, table_columns
from hongxian.ingest.wechat_db import SQLITE_MAGIC
from hongxian.ingest.wechat_msg import ChatRowBuilder, RawMessage

MSG_TABLE = re.compile(r"^msg_[0-9a-f]{32}$")
OWNER_DIR = re.compile(r"^(.+)_[0-9a-f]{4}$")
ZSTD_CT = 4
MAX_CONTENT = 16 << 20
MSG_COLUMNS = ("local_id", "server_id", "local_type", "real_sender_id", "create_time", "message_content")


def _kind(tables: dict[str, set[str]]) -> str | None:
    if "name2id" in tables and any(MSG_TABLE.match(t) for t in tables):
        return "message"
    if "contact" in tables and {"username", "nick_name"} <= {c.lower() for c in tables["contact"]}:
        return "contact"
    return None


def owner_from_path(path: Path) -> str | None:
    """``<wxid>`` of ``…/xwechat_files/<wxid>_<4 hex>/db_storage/…``."""
    parts = path.parts
    for i, part in enumerate(parts[:-1]):
        if part.casefold() == "xwechat_files":
            m = OWNER_DIR.match(parts[i + 1])
            return m.group(1) if m else parts[i + 1]
    return None


def decode_content(value: object, ct: object) -> str | None:
    """The message text: Zstandard-decoded when the WCDB compression flag says so, HTML-unescaped."""
    if value is None:
        return None
    if isinstance(value, bytes):
        if ct == ZSTD_CT or value[:4] == b"\x28\xb5\x2f\xfd":
            import zstandard

            reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(value))
            value = reader.read(MAX_CONTENT + 1)
            if len(value) > MAX_CONTENT:
                raise ValueError("解压后超过 16 MB")
        value = value.decode("utf-8", errors="replace")
    return html.unescape(str(value))


class WeChat4DbReader:
    name = "wechat4_db"
    label = "微信 4.x 数据库（message_N.db / contact.db，解密后）"

    def sniff(self, path: Path, head: bytes) -> bool:
        if not head.startswith(SQLITE_MAGIC):
            return False
        try:
            con = open_readonly(path)
            try:
                return _kind(table_columns(con)) is not None
            finally:
                con.close()
        except (sqlite3.Error, UnicodeDecodeError):
            return False

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        try:
            con = open_readonly(ctx.path)
            tables = table_columns(con)
            con.text_factory = str
        except sqlite3.Error as exc:
            raise UnreadableSource(f"无法打开 SQLite 数据库：{exc}") from exc
        owner = owner_from_path(ctx.path) or ctx.declared_owner
        sink.set_owner(owner, ctx.people.by_wechat_id.get(owner or ""))
        try:
            with few_collections():
                if _kind(tables) == "message":
                    sink.format_label = "微信 4.x 消息库（message_N.db）"
                    _messages(con, tables, sink, owner)
                else:
                    sink.format_label = "微信 4.x 联系人库（contact.db）"
                    sink.row_tables = ("accounts", "groups")
                    _contacts(con, sink, ctx)
        finally:
            con.close()


def _messages(con: sqlite3.Connection, tables: dict[str, set[str]], sink: Sink, owner: str | None) -> None:
    names = {rowid: name for rowid, name in con.execute("SELECT rowid, user_name FROM Name2Id")}
    by_md5 = {hashlib.md5(str(n).encode()).hexdigest(): str(n) for n in names.values() if n}
    builder = ChatRowBuilder(sink, owner)
    for table in sorted(t for t in tables if MSG_TABLE.match(t)):
        chat = by_md5.get(table[4:])
        if chat is None:
            sink.warn(f"表 {table} 在 Name2Id 中找不到对应的会话，已跳过其消息")
            continue
        cols = {c.lower() for c in tables[table]}
        ct = "WCDB_CT_message_content" if "wcdb_ct_message_content" in cols else "NULL"
        query = f"SELECT {', '.join(MSG_COLUMNS)}, {ct} FROM {quote_ident(table)} ORDER BY sort_seq, local_id"
        if "sort_seq" not in cols:
            query = query.replace("sort_seq, ", "")
        is_group = chat.endswith("@chatroom")
        for local_id, server_id, local_type, sender_id, ctime, content, flag in con.execute(query):
            sender = names.get(sender_id)
            packed = local_type if isinstance(local_type, int) else 0
            try:
                text = decode_content(content, flag)
            except Exception as exc:  # noqa: BLE001 - one bad blob costs its row, reported
                sink.count_in()
                sink.reject(
                    int(local_id or 0), f"{table}:{local_id}", f"消息内容无法解压：{exc}", "message_content"
                )
                continue
            raw = RawMessage(
                row_number=int(local_id or 0),
                talker=chat,
                type=packed & 0xFFFFFFFF,
                subtype=packed >> 32,
                is_sender=int(bool(owner) and sender == owner),
                create_time=ctime,
                content=text,
                svrid=server_id,
                sender=sender if sender != owner else None,
                is_group=is_group,
            )
            builder.add(raw)
    builder.finish()


def _contacts(con: sqlite3.Connection, sink: Sink, ctx: SourceContext) -> None:
    cols = {r[1].lower() for r in con.execute("PRAGMA table_info(contact)")}
    desc = "description" if "description" in cols else "NULL"
    rows = con.execute(f"SELECT rowid, username, alias, remark, nick_name, {desc} FROM contact")
    for rowid, username, alias, remark, nick, description in rows:
        sink.count_in()
        if not username:
            sink.reject(int(rowid), f"contact:{rowid}", "联系人缺少 username", "username")
            continue
        if str(username).endswith("@chatroom"):
            sink.add("groups", {"group_id": username, "name": remark or nick or None})
            continue
        sink.add(
            "accounts",
            {
                "account_id": username,
                "platform": "wechat",
                "person_id": ctx.people.by_wechat_id.get(username)
                or ctx.people.by_wechat_id.get(alias or ""),
                "display_name": remark or nick or None,
                "remark": remark or None,
                "alias": alias or None,
                "nickname": nick or None,
                "description": description or None,
            },
        )


def register(registry: ReaderRegistry) -> None:
    registry.register(WeChat4DbReader())
