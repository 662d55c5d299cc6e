"""WeChat 4.x decrypted databases in their real layout (docs/formats.md §3.10), for tests.

``message_0.db``: ``Name2Id(user_name, is_session)`` and one ``Msg_<md5(username)>`` table per
conversation with the 16 columns of the client, ``local_type`` packed (subtype << 32 | type),
content Zstandard-compressed (``WCDB_CT_message_content = 4``) or plain (0), group messages
prefixed ``wxid:\\n``. ``contact.db``: ``contact(id, username, alias, remark, nick_name, …)``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

MSG_DDL = (
    "CREATE TABLE {t} (local_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER, local_type INTEGER, "
    "sort_seq INTEGER, real_sender_id INTEGER, create_time INTEGER, status INTEGER, upload_status INTEGER, "
    "server_seq INTEGER, origin_source INTEGER, source TEXT, message_content TEXT, compress_content TEXT, "
    "packed_info_data BLOB, WCDB_CT_message_content INTEGER DEFAULT NULL, "
    "WCDB_CT_source INTEGER DEFAULT NULL)"
)


@dataclass
class Msg4:
    chat: str
    sender: str
    type: int
    subtype: int
    ts: int
    text: str
    server_id: int
    zstd: bool


@dataclass
class WeChat4Builder:
    owner: str = "wxid_owner4"
    contacts: dict[str, tuple[str | None, str | None, str | None]] = field(default_factory=dict)
    messages: list[Msg4] = field(default_factory=list)
    start: int = 1_710_000_000

    def add_contact(
        self, username: str, nick: str | None = None, remark: str | None = None, alias=None
    ) -> None:
        self.contacts[username] = (alias, remark, nick)

    def add(
        self, chat: str, text: str, sender: str | None = None, type_: int = 1, subtype: int = 0, zstd=True
    ):
        n = len(self.messages)
        msg = Msg4(chat, sender or self.owner, type_, subtype, self.start + 60 * n, text, 7_000_000 + n, zstd)
        self.messages.append(msg)
        return msg

    def write_messages(self, path: Path) -> Path:
        import zstandard

        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE Name2Id (user_name TEXT PRIMARY KEY, is_session INTEGER)")
        names = [
            self.owner,
            *sorted(({m.sender for m in self.messages} | {m.chat for m in self.messages}) - {self.owner}),
        ]
        for name in names:
            con.execute(
                "INSERT INTO Name2Id (user_name, is_session) VALUES (?, ?)", (name, int(name != self.owner))
            )
        rowid = {n: r for r, n in con.execute("SELECT rowid, user_name FROM Name2Id")}
        cctx = zstandard.ZstdCompressor()
        for chat in sorted({m.chat for m in self.messages}):
            table = "Msg_" + hashlib.md5(chat.encode()).hexdigest()
            con.execute(MSG_DDL.format(t=table))
            for seq, m in enumerate(x for x in self.messages if x.chat == chat):
                body = (
                    f"{m.sender}:\n{m.text}"
                    if chat.endswith("@chatroom") and m.sender != self.owner
                    else m.text
                )
                body = body.replace(" ", "&#x20;")
                content: object = cctx.compress(body.encode()) if m.zstd else body
                con.execute(
                    f"INSERT INTO {table} (server_id, local_type, sort_seq, real_sender_id, create_time, "
                    "status, message_content, WCDB_CT_message_content) VALUES (?, ?, ?, ?, ?, 2, ?, ?)",
                    (
                        m.server_id,
                        m.subtype << 32 | m.type,
                        m.ts * 1000 + seq,
                        rowid[m.sender],
                        m.ts,
                        content,
                        4 if m.zstd else 0,
                    ),
                )
        con.commit()
        con.close()
        return path

    def write_contacts(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path)
        con.execute(
            "CREATE TABLE contact (id INTEGER PRIMARY KEY, username TEXT, local_type INTEGER, alias TEXT, "
            "encrypt_username TEXT, flag INTEGER, delete_flag INTEGER, verify_flag INTEGER, remark TEXT, "
            "remark_quan_pin TEXT, remark_pin_yin_initial TEXT, nick_name TEXT, pin_yin_initial TEXT, "
            "quan_pin TEXT, big_head_url TEXT, small_head_url TEXT, head_img_md5 TEXT, description TEXT)"
        )
        for username, (alias, remark, nick) in self.contacts.items():
            con.execute(
                "INSERT INTO contact (username, alias, remark, nick_name) VALUES (?, ?, ?, ?)",
                (username, alias, remark, nick),
            )
        con.execute("CREATE TABLE chatroom_member (room_id INTEGER, member_id INTEGER)")
        con.commit()
        con.close()
        return path
