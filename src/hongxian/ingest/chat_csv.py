"""Chat CSV exports: PyWxDump and WeChatMsg / MemoTrace (docs/formats.md §4).

Recognised by the header line, never by the file name.

* PyWxDump ``id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`` (UTF-8):
  ``room_name`` is the conversation, ``talker`` the sender (the owner's wxid — or ``我`` — on
  sent rows), ``type_name`` Chinese, ``msg`` rendered text (transfers as ``转账：￥X`` lines),
  ``CreateTime`` local time. MsgSvrID gives the same message id as the database reader.
  Red packets are ``未知`` in PyWxDump and cannot be recognised.
* MemoTrace ``localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,
  Remark,NickName,Sender`` (UTF-8 BOM, newest first): raw MSG columns. The conversation id is not
  in the file: a one-to-one chat is the single peer ``Sender``; a chat with several peers is a
  group named after the file / folder (``chatname:<name>``, resolved to a ``…@chatroom`` id
  when a MicroMsg group has that unique name — `hongxian.dataset.identity`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import re2

from hongxian.dataset.identity import chat_name_id
from hongxian.ingest.appmsg import AppMsg
from hongxian.ingest.base import ReaderRegistry, Sink, SourceContext, few_collections
from hongxian.ingest.export_owner import resolve_owner
from hongxian.ingest.wechat_msg import BEIJING, ChatRowBuilder, RawMessage, as_int, message_kind

PYWXDUMP_HEADER = (
    "id",
    "msgsvrid",
    "type_name",
    "is_sender",
    "talker",
    "room_name",
    "msg",
    "src",
    "createtime",
)
MEMOTRACE_HEADER = (
    "localid",
    "talkerid",
    "type",
    "subtype",
    "issender",
    "createtime",
    "status",
    "strcontent",
    "strtime",
    "remark",
    "nickname",
    "sender",
)
PYWXDUMP_TYPES = {  # type_name → (Type, SubType), PyWxDump's own table (first name wins)
    "文本": (1, 0),
    "图片": (3, 0),
    "语音": (34, 0),
    "添加好友": (37, 0),
    "推荐公众号": (42, 0),
    "视频": (43, 0),
    "动画表情": (47, 0),
    "位置": (48, 0),
    "文件": (49, 0),
    "粘贴的文本": (49, 1),
    "(分享)音乐": (49, 3),
    "(分享)卡片式链接": (49, 5),
    "游戏相关": (49, 7),
    "用户上传的GIF表情": (49, 8),
    "位置共享": (49, 17),
    "合并转发的聊天记录": (49, 19),
    "(分享)笔记": (49, 24),
    "(分享)小程序": (49, 33),
    "(分享)收藏夹": (49, 40),
    "(分享)视频号名片": (49, 50),
    "(分享)视频号视频": (49, 51),
    "接龙": (49, 53),
    "引用回复": (49, 57),
    "视频号直播或直播回放": (49, 63),
    "文件(猜)": (49, 74),
    "群公告": (49, 87),
    "视频号直播或直播回放等": (49, 88),
    "转账": (49, 2000),
    "赠送红包封面": (49, 2003),
    "语音通话": (50, 0),
    "企业微信打招呼(猜)": (65, 0),
    "企业微信添加好友(猜)": (66, 0),
    "系统通知": (10000, 0),
    "消息撤回1": (10000, 1),
    "拍一拍": (10000, 4),
    "消息撤回5": (10000, 5),
    "消息撤回6": (10000, 6),
    "消息撤回33": (10000, 33),
    "消息撤回36": (10000, 36),
    "消息撤回57": (10000, 57),
    "邀请加群": (10000, 8000),
}
NOT_A_SENDER = ("", "我", "系统", "未知")
# RE2 (linear time): message text is hostile input; with Python's re this pattern backtracked
# quadratically on a long run of blanks (issue 13 item 2).
_TRANSFER = re2.compile(r"(?s)^(转账|已收款)：(\S*)\s*(?:\n转账说明：(.*?))?(?:\n转账时间：.*)?\s*$")
_HREF = re2.compile(r'<a href="([^"]+)"')


def _header(head: bytes) -> tuple[str, ...]:
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = line.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return ()
    return tuple(c.strip().strip('"').lower() for c in text.split(","))


def _encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    try:
        head.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        return "utf-8-sig" if exc.start > len(head) - 4 else "gb18030"


def csv_records(path: Path, sink: Sink) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) after the header; bad records rejected."""
    with open(path, encoding=_encoding(path), errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        try:
            next(reader)
        except (StopIteration, csv.Error):
            return
        start = 2
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                sink.count_in()
                sink.reject(start, "", f"CSV 格式错误：{exc}")
                start = reader.line_num + 1
                continue
            if any(c.strip() for c in cells):
                yield start, cells
            start = reader.line_num + 1


def local_unix(text: str) -> int | str:
    """``YYYY-MM-DD HH:MM:SS`` Beijing time → unix seconds (the text itself when unreadable)."""
    try:
        return int(datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING).timestamp())
    except ValueError:
        return text


def _cells(cells: list[str], n: int) -> list[str]:
    return (cells + [""] * n)[:n]


class PyWxDumpCsvReader:
    name = "pywxdump_csv"
    label = "PyWxDump 聊天记录 CSV"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _header(head) == PYWXDUMP_HEADER

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        sink.format_label = self.label
        owner = resolve_owner(ctx, sink, lambda: self._owner_hint(ctx.path, sink))
        builder = ChatRowBuilder(
            sink, owner.account, {"talker": "room_name", "type": "type_name", "payload": "msg"}
        )
        with few_collections():
            for line, cells in csv_records(ctx.path, sink):
                self._row(builder, line, _cells(cells, 9))
        builder.finish()

    @staticmethod
    def _owner_hint(path: Path, sink: Sink) -> str | None:
        for _, cells in csv_records(path, Sink(sink.source_id)):
            c = _cells(cells, 9)
            if c[3].strip() == "1" and c[4].strip() not in NOT_A_SENDER:
                return c[4].strip()
        return None

    def _row(self, builder: ChatRowBuilder, line: int, c: list[str]) -> None:
        _id, svrid, type_name, is_sender, talker, room, msg, src, ctime = c
        type_name = type_name.strip()
        type_, subtype = PYWXDUMP_TYPES.get(type_name, (None, None))
        sender = talker.strip()
        raw = RawMessage(
            line,
            room,
            type_,
            subtype,
            is_sender,
            local_unix(ctime),
            msg,
            svrid=svrid,
            sender=None if sender in NOT_A_SENDER else sender,
        )
        kind = message_kind(type_, subtype or 0) if type_ is not None else "other"
        fill, app = self._fill(kind, type_name, msg, src.strip())
        builder.add_rendered(raw, kind, fill, app)

    @staticmethod
    def _fill(kind: str, type_name: str, msg: str, src: str) -> tuple[dict, AppMsg | None]:
        if kind in ("text", "quote", "call", "location", "app", "other"):
            text = msg.split("\n\n[引用]", 1)[0] if kind == "quote" else msg
            return {"text": None if text.strip() in ("", type_name, "未知") else text}, None
        if kind == "link":
            m = _HREF.search(msg)
            return {"text": msg.split("\n", 1)[0] or None, "url": src or (m.group(1) if m else None)}, None
        if kind == "file":
            path_name = src.replace("\\", "/").rsplit("/", 1)[-1] if src else msg.strip()
            name = None if path_name in ("", type_name) else path_name
            return {"text": name, "file_name": name}, None
        if kind == "transfer":
            m = _TRANSFER.match(msg.strip())
            if not m:
                return {"text": None}, None
            memo = (m.group(3) or "").strip() or None
            app = AppMsg(
                well_formed=True,
                type=2000,
                paysubtype=3 if m.group(1) == "已收款" else 1,
                feedesc=m.group(2),
                pay_memo=memo,
            )
            return {"text": memo}, app
        return {}, None  # image, voice, video, sticker, card, system (text from the notice itself)


class MemoTraceCsvReader:
    name = "memotrace_csv"
    label = "WeChatMsg/MemoTrace 聊天记录 CSV"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _header(head) == MEMOTRACE_HEADER

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        sink.format_label = self.label
        name = conversation_name(ctx.path)
        peers, owner_hint, people = self._scan(ctx.path, sink)
        owner = resolve_owner(ctx, sink, lambda: owner_hint)
        if len(peers) == 1:
            chat, is_group = next(iter(peers)), False
        else:
            chat, is_group = chat_name_id(name), len(peers) > 1
            if not peers:
                sink.warn(f"会话“{name}”中没有对方发送的消息，无法确定会话标识，记为 {chat}")
        for account, (remark, nick) in people.items():
            sink.add(
                "accounts",
                {
                    "account_id": account,
                    "platform": "wechat",
                    "display_name": remark or nick,
                    "remark": remark if remark != nick else None,
                    "nickname": nick,
                },
            )
        builder = ChatRowBuilder(sink, owner.account, {"payload": "StrContent"})
        with few_collections():
            for line, cells in csv_records(ctx.path, sink):
                local_id, _tid, type_, subtype, is_sender, ctime, _st, content, _strtime, _rm, _nk, sender = (
                    _cells(cells, 12)
                )
                number = as_int(local_id)
                builder.add(
                    RawMessage(
                        number if number is not None else line,
                        chat,
                        type_,
                        subtype,
                        is_sender,
                        ctime,
                        content,
                        sender=sender.strip() or None,
                        is_group=is_group,
                    )
                )
        builder.finish()

    @staticmethod
    def _scan(
        path: Path, sink: Sink
    ) -> tuple[set[str], str | None, dict[str, tuple[str | None, str | None]]]:
        """Peers (senders of received non-system rows), the owner's wxid, and names per sender."""
        peers: set[str] = set()
        owner = None
        people: dict[str, tuple[str | None, str | None]] = {}
        for _, cells in csv_records(path, Sink(sink.source_id)):  # errors are reported by the main pass
            c = _cells(cells, 12)
            sender = c[11].strip()
            if not sender:
                continue
            people.setdefault(sender, (c[9].strip() or None, c[10].strip() or None))
            if c[4].strip() == "1":
                owner = owner or sender
            elif c[2].strip() not in ("10000", "10002"):
                peers.add(sender)
        return peers, owner, people


def conversation_name(path: Path) -> str:
    """``聊天记录/<remark>/<remark>_utf8.csv`` → ``<remark>``."""
    stem = Path(path).stem
    for suffix in ("_utf8", "_utf-8", "_gbk"):
        if stem.lower().endswith(suffix):
            return stem[: -len(suffix)] or Path(path).parent.name
    return stem or Path(path).parent.name


def register(registry: ReaderRegistry) -> None:
    registry.register(PyWxDumpCsvReader())
    registry.register(MemoTraceCsvReader())
