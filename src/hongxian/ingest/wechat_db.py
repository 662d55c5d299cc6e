"""Decrypted WeChat PC 3.x databases: ``MSG*.db`` shards, ``MicroMsg.db``, or a merged db.

docs/formats.md §3. Recognised by content: the SQLite magic, then the tables present
(``MSG`` → messages; ``Contact`` / ``ChatRoom`` → accounts, groups, members). One file is one
source; a merged database (PyWxDump ``merge_all.db``) yields everything at once. A message
seen in a shard and in a merged db gets the same id (MsgSvrID) and collapses in the dataset.

The file is opened read-only and ``immutable`` (evidence is never written to, no -shm file is
created); an un-checkpointed ``-wal`` beside it is reported, not read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from hongxian.ingest.appmsg import decompress, parse_appmsg
from hongxian.ingest.base import ReaderRegistry, Sink, SourceContext, UnreadableSource, few_collections
from hongxian.ingest.export_owner import resolve_owner
from hongxian.ingest.msg_columns import add_msg_chunk
from hongxian.ingest.protobuf import room_members
from hongxian.ingest.sqlite_scan import RowidScan, decode_text, open_readonly, table_columns
from hongxian.ingest.wechat_msg import ChatRowBuilder, as_text

SQLITE_MAGIC = b"SQLite format 3\x00"
FETCH_ROWS = 4096
MSG_FETCH_ROWS = 16384
MEMBER_SEPARATORS = ("^G", "\x07")
_MSG_COLUMNS = (
    "localId",
    "StrTalker",
    "Type",
    "SubType",
    "IsSender",
    "CreateTime",
    "StrContent",
    "CompressContent",
    "BytesExtra",
    "MsgSvrID",
)
_MSG_REQUIRED = ("StrTalker", "Type", "CreateTime")


def _pick(cols: set[str], wanted: tuple[str, ...]) -> str:
    """Select list with NULL for columns this file lacks (older/newer schema variants)."""
    lower = {c.lower(): c for c in cols}
    return ", ".join(f'"{lower[w.lower()]}"' if w.lower() in lower else "NULL" for w in wanted)


class WeChatDbReader:
    name = "wechat_db"
    label = "微信 PC 数据库（MSG / MicroMsg，解密后）"

    def sniff(self, path: Path, head: bytes) -> bool:
        if not head.startswith(SQLITE_MAGIC):
            return False
        try:
            con = open_readonly(path)
            try:
                tables = table_columns(con)
            finally:
                con.close()
        except (sqlite3.Error, UnicodeDecodeError):
            return False
        return bool({"msg", "contact", "chatroom"} & tables.keys())

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        with few_collections():
            problems: list[str] = []
            try:
                con = open_readonly(ctx.path)
                tables = table_columns(con, problems)
            except sqlite3.Error as exc:
                raise UnreadableSource(f"无法打开 SQLite 数据库：{exc}") from exc
            for problem in problems:
                sink.warn(problem)
            try:
                self._read(con, tables, ctx, sink)
            finally:
                con.close()

    def _read(
        self, con: sqlite3.Connection, tables: dict[str, set[str]], ctx: SourceContext, sink: Sink
    ) -> None:
        has_msg = "msg" in tables
        has_micro = "contact" in tables or "chatroom" in tables
        sink.row_tables = ("messages", "accounts", "groups")  # MSG, Contact and ChatRoom rows
        sink.format_label = (
            "微信数据库（合并：消息+联系人）"
            if has_msg and has_micro
            else "微信数据库 MSG（消息）"
            if has_msg
            else "微信数据库 MicroMsg（联系人/群）"
        )
        wal = Path(str(ctx.path) + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            sink.warn(
                f"旁边有未合并的 {wal.name}，其中的改动未被读取；"
                "请先用 SQLite 打开数据库执行 checkpoint 再导入"
            )
        owner = resolve_owner(
            ctx, sink, (lambda: owner_from_messages(con, tables["msg"])) if has_msg else None
        )
        if has_micro:
            ContactTables(con, tables, sink, ctx).read()
        if has_msg:
            self._read_messages(con, tables["msg"], sink, owner.account)

    def _read_messages(self, con: sqlite3.Connection, cols: set[str], sink: Sink, owner: str | None) -> None:
        lower = {c.lower() for c in cols}
        missing = [c for c in _MSG_REQUIRED if c.lower() not in lower]
        if missing:
            self._reject_messages(con, cols, sink, missing)
            return
        builder = ChatRowBuilder(sink, owner)
        first = _pick(cols, _MSG_COLUMNS[:1]) if "localid" in lower else "rowid"
        select = f"{first}, {_pick(cols, _MSG_COLUMNS[1:])}"
        for chunk in _chunks(con, "MSG", select, sink, MSG_FETCH_ROWS):
            add_msg_chunk(builder, chunk)
        builder.finish()

    @staticmethod
    def _reject_messages(con: sqlite3.Connection, cols: set[str], sink: Sink, missing: list[str]) -> None:
        """A MSG table without the columns a message needs: every row is rejected, its values kept."""
        names = sorted(cols)
        reason = f"MSG 表缺少必要列 {', '.join(missing)}，该行无法作为消息读取"
        sink.warn(f"MSG 表缺少必要列 {', '.join(missing)}，其中的行均被拒绝（原始内容见拒绝记录）")
        for chunk in _chunks(con, "MSG", _pick(cols, tuple(names)) or "NULL", sink):
            sink.count_in(len(chunk))
            for row in chunk:
                raw = ", ".join(f"{n}={v!r}" for n, v in zip(names, row[1:], strict=False))
                sink.reject(row[0], raw, reason, missing[0])


def _chunks(
    con: sqlite3.Connection, table: str, columns: str, sink: Sink, size: int = FETCH_ROWS
) -> Iterator[list[tuple]]:
    """``SELECT rowid, <columns> FROM <table>`` in rowid order, in chunks (rowid first in each row),
    reading around damaged pages and saying which rowids were lost (`sqlite_scan.RowidScan`)."""
    scan = RowidScan(con, table, columns, sink.warn, size)
    try:
        yield from scan
    except sqlite3.DatabaseError as exc:  # damage the range scan could not work around
        sink.warn(f"{table} 表在读取约 {scan.rows_read} 行后出错（{exc}），其后的行未能读取")


def _rows(con: sqlite3.Connection, table: str, columns: str, sink: Sink) -> Iterator[tuple]:
    for chunk in _chunks(con, table, columns, sink):
        yield from chunk


def owner_from_messages(con: sqlite3.Connection, cols: set[str], limit: int = 50) -> str | None:
    """The owner's wxid as the messages themselves show it: ``sendusername`` / ``payer_username``
    of red packets and transfers the owner sent (IsSender = 1)."""
    lower = {c.lower() for c in cols}
    if not {"issender", "type", "subtype"} <= lower:
        return None
    sql = (
        f"SELECT {_pick(cols, ('StrContent', 'CompressContent', 'SubType'))} FROM MSG "
        "WHERE IsSender = 1 AND Type = 49 AND SubType IN (2000, 2001) LIMIT ?"
    )
    con.text_factory = decode_text
    try:
        rows = con.execute(sql, (limit,)).fetchall()
    except sqlite3.DatabaseError:
        return None
    for content, compress, subtype in rows:
        xml, _ = decompress(compress) if isinstance(compress, bytes) else (None, True)
        app = parse_appmsg(xml or as_text(content))
        if app is None:
            continue
        if subtype == 2001 and app.sendusername:
            return app.sendusername
        if subtype == 2000 and app.payer and app.paysubtype in (1, 7):
            return app.payer
    return None


def split_members(value: object) -> list[str]:
    """``UserNameList`` → wxids; the separator is ``^G`` (two characters) or U+0007."""
    text = as_text(value) or ""
    for sep in MEMBER_SEPARATORS[1:]:
        text = text.replace(sep, MEMBER_SEPARATORS[0])
    return [m.strip() for m in text.split(MEMBER_SEPARATORS[0]) if m.strip()]


class ContactTables:
    """MicroMsg ``Contact`` → accounts; ``ChatRoom`` (+ ``ChatRoomInfo``) → groups, group_members."""

    def __init__(self, con: sqlite3.Connection, tables: dict[str, set[str]], sink: Sink, ctx: SourceContext):
        self.con, self.tables, self.sink, self.ctx = con, tables, sink, ctx
        self.contacts: dict[str, tuple[str | None, str | None]] = {}  # wxid → (remark, nickname)

    def read(self) -> None:
        if "contact" in self.tables:
            self._contacts()
        if "chatroom" in self.tables:
            self._rooms()

    def _contacts(self) -> None:
        cols = self.tables["contact"]
        select = _pick(cols, ("UserName", "Alias", "Remark", "NickName", "Reserved6"))
        for row in _rows(self.con, "Contact", select, self.sink):
            self.sink.count_in()
            rowid, *cells = row
            user, alias, remark, nick, desc = (
                as_text(v).strip() if isinstance(v, str | bytes) else v for v in cells
            )
            if not user:
                self.sink.reject(rowid, repr(row)[:500], "Contact 行缺少 UserName，无法作为账号", "UserName")
                continue
            self.contacts[user] = (remark or None, nick or None)
            if user.endswith("@chatroom"):
                self.sink.accept()  # a group's own contact row: its name goes to `groups`
                continue
            people = self.ctx.people
            person = people.by_wechat_id.get(user) or (people.by_wechat_id.get(alias) if alias else None)
            self.sink.add(
                "accounts",
                {
                    "account_id": user,
                    "platform": "wechat",
                    "person_id": person,
                    "display_name": remark or nick or None,
                    "remark": remark or None,
                    "alias": alias or None,
                    "nickname": nick or None,
                    "description": desc or None,
                },
            )

    def _announcements(self) -> dict[str, str]:
        cols = self.tables.get("chatroominfo")
        if not cols or not {"chatroomname", "announcement"} <= {c.lower() for c in cols}:
            return {}
        rows = _rows(self.con, "ChatRoomInfo", "ChatRoomName, Announcement", self.sink)
        return {as_text(r): as_text(a) for _, r, a in rows if r and a and as_text(a).strip()}

    def _rooms(self) -> None:
        notes = self._announcements()
        cols = self.tables["chatroom"]
        select = _pick(cols, ("ChatRoomName", "UserNameList", "Reserved2", "RoomData"))
        bad_roomdata = []
        for row in _rows(self.con, "ChatRoom", select, self.sink):
            self.sink.count_in()
            rowid, room, names, owner, data = row
            room = as_text(room).strip() if room else None
            if not room:
                self.sink.reject(rowid, repr(row)[:500], "ChatRoom 行缺少 ChatRoomName", "ChatRoomName")
                continue
            members, ok = room_members(data if isinstance(data, bytes) else None)
            if not ok or (data is not None and not isinstance(data, bytes)):
                bad_roomdata.append(room)
            self._room(room, split_members(names), members, as_text(owner), notes.get(room))
        if bad_roomdata:
            self.sink.warn(
                f"{len(bad_roomdata)} 个群的 RoomData（protobuf）无法完整解析，群昵称改用联系人备注/昵称"
                f"（例：{'、'.join(bad_roomdata[:5])}）"
            )

    def _room(self, room: str, wxids: list[str], members, owner: str | None, note: str | None) -> None:
        names = {m.wxid: m.display_name for m in members}
        ordered = list(dict.fromkeys([*wxids, *names]))
        self.sink.add(
            "groups",
            {
                "group_id": room,
                "name": self.contacts.get(room, (None, None))[1],
                "owner_account": (owner or "").strip() or None,
                "member_count": len(ordered),
                "announcement": note,
            },
        )
        for wxid in ordered:
            remark, nick = self.contacts.get(wxid, (None, None))
            self.sink.add(
                "group_members",
                {
                    "group_id": room,
                    "account_id": wxid,
                    "display_name": names.get(wxid) or remark or nick,
                },
            )


def register(registry: ReaderRegistry) -> None:
    registry.register(WeChatDbReader())
