"""WeChat PC 3.x message rows → canonical ``messages`` (and chat-side ``payments``) rows.

Shared by the database reader (`wechat_db`) and the chat-CSV readers (`chat_csv`), which
all see the same raw fields (Type, SubType, IsSender, CreateTime, StrTalker, StrContent,
CompressContent, BytesExtra, MsgSvrID). docs/formats.md §3.2–3.7.

Column decisions:

* ``message_id``: ``fingerprint("m", "svr", MsgSvrID)`` when MsgSvrID is non-zero, so one
  message in a shard, a merged db and a PyWxDump CSV collapses; otherwise a fingerprint of
  (chat, CreateTime, sender-or-self, Type, SubType, content) plus an occurrence number.
* ``sender_account``: the owner's account when IsSender = 1 (`OWNER_UNKNOWN` when the owner
  of the export is not known); in groups the BytesExtra key-1 wxid, else a ``wxid:\\n``
  content prefix (stripped from the text); the peer in one-to-one chats; null for system
  notices; for red-packet claim notices the claimer (owner, or ``wxname:<display name>``).
* ``text``: what a reader of the chat sees — the text, a quote's reply, a file's name, a
  link's title, a red packet's blessing, a transfer's memo, a system notice without markup.
  ``file_name`` / ``url`` repeat the structured part; ``ext_id`` = sendid / transferid.
* ``ts``: handed to the sink as integer microseconds since the epoch — the value Arrow stores
  for ``timestamp[us, tz=Asia/Shanghai]`` — because converting a million aware ``datetime``
  objects costs ~5 µs each; readers of the table see ordinary Beijing-time timestamps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta, timezone
from hashlib import blake2b
from typing import overload

import re2

from hongxian.dataset.identity import name_account
from hongxian.ids import OccurrenceCounter, fingerprint
from hongxian.ingest.appmsg import (
    MAX_PARSE_CHARS,
    AppMsg,
    decompress,
    parse_appmsg,
    parse_claim,
    plain_text,
    split_sender_prefix,
)
from hongxian.ingest.base import Sink
from hongxian.ingest.bill_common import looks_float_mangled
from hongxian.ingest.export_owner import OWNER_UNKNOWN
from hongxian.ingest.protobuf import bytes_extra_sender

# China has had no daylight saving since 1991: a fixed +08:00 is exact and much faster than ZoneInfo.
BEIJING = timezone(timedelta(hours=8))

KIND_BY_TYPE = {
    1: "text",
    3: "image",
    34: "voice",
    37: "system",
    42: "card",
    43: "video",
    47: "sticker",
    48: "location",
    50: "call",
    65: "system",
    66: "system",
    10000: "system",
    10002: "system",
}
KIND_BY_APPTYPE = {
    0: "file",
    6: "file",
    74: "file",
    1: "text",
    3: "link",
    4: "link",
    5: "link",
    76: "link",
    92: "link",
    93: "link",
    8: "sticker",
    57: "quote",
    62: "system",
    2000: "transfer",
    2001: "red_packet",
}
PAYSUBTYPE_STATUS = {
    1: "发起转账",
    3: "已收款",
    4: "已退还",
    5: "非实时转账收款",
    7: "发起非实时转账",
    8: "已收款",
    9: "已退款",
}
RECEIVER_SIDE = frozenset({3, 4, 5, 8})  # status messages sent by the receiving side
DIRECTION_OUT, DIRECTION_IN = "out", "in"  # as the bill readers write them
MIN_TS, MAX_TS = 946_684_800, 4_102_444_800  # 2000-01-01 … 2100-01-01


def message_kind(type_: int, subtype: int) -> str:
    """Canonical kind (schema.MESSAGE_KINDS) of a PC 3.x Type/SubType pair (formats.md §4.3)."""
    if type_ == 49:
        return KIND_BY_APPTYPE.get(subtype, "app")
    return KIND_BY_TYPE.get(type_, "other")


@dataclass(slots=True)
class RawMessage:
    """One message as the export stores it; any field may hold garbage."""

    row_number: int
    talker: object
    type: object
    subtype: object
    is_sender: object
    create_time: object
    content: object = None
    compress: object = None
    bytes_extra: object = None
    svrid: object = None
    sender: str | None = None  # exports that name the sender themselves (CSV)
    is_group: bool | None = None  # when the chat id does not tell (MemoTrace group names)


def as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str | bytes):
        try:
            return int(value.strip())
        except ValueError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


@overload
def as_text(value: None) -> None: ...
@overload
def as_text(value: str | bytes) -> str: ...
@overload
def as_text(value: object) -> str | None: ...
def as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def message_id_for_svrid(svr: str) -> str:
    """``fingerprint("m", "svr", svr)``, inlined: it runs once per message."""
    return "m-" + blake2b(f"svr\x1f{svr}".encode(), digest_size=16).hexdigest()[:16]


def svrid_text(value: object) -> str | None:
    """MsgSvrID as unsigned decimal text; None when absent or zero."""
    n = as_int(value)
    if not n:
        return None
    return str(n + (1 << 64) if n < 0 else n)


def _raw_repr(raw: RawMessage) -> str:
    return (
        f"row={raw.row_number} chat={raw.talker!r} Type={raw.type!r} SubType={raw.subtype!r} "
        f"CreateTime={raw.create_time!r} content={str(raw.content)[:300]!r}"
    )


DB_COLUMNS = {"talker": "StrTalker", "time": "CreateTime", "type": "Type", "payload": "CompressContent"}


_ISSUES = {
    "bytes_extra": "条群消息的 BytesExtra（protobuf）无法解析，发送人改用内容前缀或留空",
    "compress": "条消息的 CompressContent 无法按 LZ4 解压，已按 StrContent 保留",
    "xml": "条消息的 XML 格式有误，已尽量读取其中字段",
    "no_sender": "条群消息无法确定发送人（既无 BytesExtra 也无 wxid 前缀），发送人留空",
    "svrid": "条消息的 MsgSvrID 呈科学计数法（文件可能经 Excel 另存），已失真，改按内容生成消息编号",
    "oversize": (
        f"条消息的内容超过 {MAX_PARSE_CHARS:,} 个字符，只解析了前 {MAX_PARSE_CHARS:,} 个字符（消息已保留）"
    ),
}


class ChatRowBuilder:
    """Turns `RawMessage` objects into sink rows; never raises on a bad row."""

    def __init__(self, sink: Sink, owner_account: str | None, columns: dict[str, str] | None = None):
        self.sink = sink
        self.columns = DB_COLUMNS | (columns or {})  # names used in rejects
        self.owner = owner_account or OWNER_UNKNOWN
        self._occ = OccurrenceCounter()
        self.issues: Counter[str] = Counter()
        self._examples: dict[str, list[int]] = {}
        self.messages = 0
        self.captured: list[dict] | None = None  # set: message rows go here instead of the sink

    # -- public
    def add(self, raw: RawMessage) -> None:
        self.sink.count_in()
        try:
            self._add(raw)
        except Exception as exc:  # a reader bug must cost one row, reported, not the file
            self.sink.reject(
                raw.row_number, _raw_repr(raw), f"内部错误，消息未能读取：{type(exc).__name__}: {exc}"
            )

    def finish(self) -> None:
        for key, text in _ISSUES.items():
            if self.issues[key]:
                ex = "、".join(str(n) for n in self._examples.get(key, []))
                self.sink.warn(f"{self.issues[key]} {text}（行号/localId 例：{ex}）")

    # -- internals
    def issue(self, key: str, row_number: int) -> None:
        self.issues[key] += 1
        ex = self._examples.setdefault(key, [])
        if len(ex) < 5:
            ex.append(row_number)

    def _reject(self, raw: RawMessage, reason: str, column: str | None = None, row_lost: bool = True) -> None:
        self.sink.reject(raw.row_number, _raw_repr(raw), reason, column, row_lost)

    def _basics(self, raw: RawMessage, need_type: bool = True) -> tuple[str, int, int | None, int] | None:
        talker = raw.talker
        if type(talker) is not str:
            talker = as_text(talker)
        if talker:
            talker = talker.strip()
        if not talker:
            self._reject(raw, "缺少会话标识（会话为空），无法归入任何聊天", self.columns["talker"])
            return None
        ctime = raw.create_time
        if type(ctime) is not int:
            ctime = as_int(ctime)
        if ctime is not None and ctime > MAX_TS * 100:
            ctime //= 1000  # milliseconds
        if ctime is None or not MIN_TS <= ctime < MAX_TS:
            self._reject(raw, f"消息时间无效：{raw.create_time!r}", self.columns["time"])
            return None
        type_ = raw.type if type(raw.type) is int else as_int(raw.type)
        if type_ is None and need_type:
            self._reject(raw, f"消息类型无效：{raw.type!r}", self.columns["type"])
            return None
        subtype = raw.subtype if type(raw.subtype) is int else as_int(raw.subtype)
        return talker, ctime, type_, subtype or 0

    def _sender(
        self, raw: RawMessage, talker: str, is_group: bool, is_sender: bool, content: str | None
    ) -> tuple[str | None, str | None]:
        """(sender account, content without a sender prefix)."""
        if is_sender:
            return self.owner, content
        if raw.sender:
            prefix, stripped = split_sender_prefix(content) if is_group else (None, content)
            return raw.sender, (stripped if prefix and prefix == raw.sender else content)
        if is_group:
            return self.group_sender(raw.row_number, content, raw.bytes_extra)
        return talker, content

    def group_sender(
        self, row_number: int, content: str | None, extra: object
    ) -> tuple[str | None, str | None]:
        """Sender of a received group message: BytesExtra key 1, else a ``wxid:\\n`` content prefix
        (removed from the content when it names the sender)."""
        prefix, stripped = split_sender_prefix(content)
        sender = None
        if extra is not None:
            blob = extra if isinstance(extra, bytes) else None
            sender, ok = bytes_extra_sender(blob)
            if not ok or blob is None:
                self.issue("bytes_extra", row_number)
        sender = sender or prefix
        return sender, (stripped if prefix and prefix == sender else content)

    def _message_id(
        self, raw, talker, ctime, type_, subtype, is_sender, sender, content
    ) -> tuple[str, str | None]:
        svr = raw.svrid
        svr = str(svr) if type(svr) is int and svr > 0 else svrid_text(svr)
        if svr:
            return message_id_for_svrid(svr), svr
        if isinstance(raw.svrid, str) and looks_float_mangled(raw.svrid):
            self.issue("svrid", raw.row_number)
        blob = raw.compress.hex() if isinstance(raw.compress, bytes) else None
        who = "<self>" if is_sender else sender
        base = fingerprint("m", talker, ctime, who, type_, subtype, content, blob)
        occ = self._occ.next((base,))
        return (base if occ == 0 else fingerprint("m", base, occ)), None

    def _prepare(self, raw: RawMessage, need_type: bool = True) -> tuple[dict, str | None, bool] | None:
        """The common columns of a message row, plus its content (sender prefix removed)."""
        basics = self._basics(raw, need_type)
        if basics is None:
            return None
        talker, ctime, type_, subtype = basics
        is_group = talker.endswith("@chatroom") if raw.is_group is None else raw.is_group
        is_sender = raw.is_sender == 1 or as_int(raw.is_sender) == 1
        raw_content = raw.content if type(raw.content) is str else as_text(raw.content)
        sender, content = self._sender(raw, talker, is_group, is_sender, raw_content)
        mid, svr = self._message_id(raw, talker, ctime, type_, subtype, is_sender, sender, raw_content)
        row = {
            "message_id": mid,
            "chat_id": talker,
            "is_group": is_group,
            "sender_account": sender,
            "ts": ctime * 1_000_000,  # µs since the epoch (see module doc)
            "kind": message_kind(type_, subtype) if type_ is not None else "other",
            "server_id": svr,
            "raw_type": type_,
            "raw_subtype": subtype if type_ is not None else None,
        }
        return row, content, is_sender

    def _emit(self, raw: RawMessage, row: dict, app: AppMsg | None, is_sender: bool) -> None:
        if (
            row["is_group"]
            and row["sender_account"] is None
            and not is_sender
            and row["raw_type"] not in (10000, 10002)
            and row["kind"] != "system"
        ):
            self.issue("no_sender", raw.row_number)
        if self.captured is None:
            self.sink.add("messages", row)
        else:
            self.captured.append(row)
        self.messages += 1
        if app is not None and row["kind"] in ("transfer", "red_packet"):
            self._payment(raw, row, app, is_sender)

    def _add(self, raw: RawMessage) -> None:
        prepared = self._prepare(raw)
        if prepared is not None:
            self._complete(raw, *prepared)

    def add_prepared(self, raw: RawMessage, row: dict, content: str | None, is_sender: bool) -> None:
        """A well-typed row whose common columns (`_prepare`'s) the caller already computed."""
        self.sink.count_in()
        try:
            self._complete(raw, row, content, is_sender)
        except Exception as exc:  # see add()
            self.sink.reject(
                raw.row_number, _raw_repr(raw), f"内部错误，消息未能读取：{type(exc).__name__}: {exc}"
            )

    def _complete(self, raw: RawMessage, row: dict, content: str | None, is_sender: bool) -> None:
        type_, app = row["raw_type"], None
        if type_ == 1:
            row["text"] = content
        elif type_ == 49:
            app = self._appmsg(raw, row, content, row["raw_subtype"])
        elif type_ in (10000, 10002):
            self._system(row, content, raw.row_number)
        elif type_ in (42, 48):
            row["text"] = _attr_text(
                self._capped(content, raw.row_number), ("poiname", "label") if type_ == 48 else ("nickname",)
            )
        self._emit(raw, row, app, is_sender)

    def add_rendered(self, raw: RawMessage, kind: str | None, fill: dict, app: AppMsg | None = None) -> None:
        """A message an export tool already rendered (PyWxDump): common columns computed as for
        raw rows, ``kind`` (when known) and the ``fill`` columns given; ``app`` → a payment row."""
        self.sink.count_in()
        try:
            prepared = self._prepare(raw, need_type=False)
            if prepared is None:
                return
            row, content, is_sender = prepared
            if kind == "system":
                self._system(row, content, raw.row_number)
            elif kind:
                row["kind"] = kind
            row.update(fill)
            self._emit(raw, row, app, is_sender)
        except Exception as exc:  # see add()
            self.sink.reject(
                raw.row_number, _raw_repr(raw), f"内部错误，消息未能读取：{type(exc).__name__}: {exc}"
            )

    def _appmsg_xml(self, raw: RawMessage, content: str | None) -> str | None:
        """The appmsg XML: the decompressed CompressContent when it holds XML, else the content."""
        xml = None
        if raw.compress is not None:
            xml, ok = decompress(raw.compress if isinstance(raw.compress, bytes) else None)
            if not ok or not isinstance(raw.compress, bytes):
                self.issue("compress", raw.row_number)
        if not xml or "<" not in xml:
            xml = content
        return self._capped(xml, raw.row_number)

    def _appmsg(self, raw: RawMessage, row: dict, content: str | None, subtype: int) -> AppMsg | None:
        xml = self._appmsg_xml(raw, content)
        app = parse_appmsg(xml, light=subtype not in (0, 2000, 2001))
        if app is None:
            if subtype in (2000, 2001):
                self._reject(
                    raw,
                    "转账/红包消息没有可读的 XML，未生成支付记录（消息已保留）",
                    self.columns["payload"],
                    row_lost=False,
                )
            return None
        if not app.well_formed:
            self.issue("xml", raw.row_number)
        if subtype == 0 and app.type:
            row["kind"] = message_kind(49, app.type)
        kind = row["kind"]
        row["text"] = app.title
        if kind == "file":
            row["file_name"] = app.title
        elif kind == "link":
            row["url"] = app.url
        elif kind == "transfer":
            row["text"], row["ext_id"] = app.pay_memo, app.transferid
        elif kind == "red_packet":
            row["text"], row["ext_id"] = app.blessing, app.sendid
        return app

    def _capped(self, text: str | None, row_number: int) -> str | None:
        """At most `MAX_PARSE_CHARS` of a payload are parsed (linear anyway: this bounds memory)."""
        if text is not None and len(text) > MAX_PARSE_CHARS:
            self.issue("oversize", row_number)
            return text[:MAX_PARSE_CHARS]
        return text

    def _system(self, row: dict, content: str | None, row_number: int = 0) -> None:
        content = self._capped(content, row_number)
        claim = parse_claim(content)
        if claim is None:
            row["text"] = plain_text(content)
            row["sender_account"] = None
            return
        row["kind"], row["ext_id"], row["text"] = "red_packet_claim", claim.sendid, claim.text
        row["sender_account"] = self.owner if claim.owner_claimed else name_account(claim.claimer)

    def _payment(self, raw: RawMessage, msg: dict, app: AppMsg, is_sender: bool) -> None:
        transfer = msg["kind"] == "transfer"
        if not (msg.get("ext_id") or app.transcationid or (transfer and app.amount_fen is not None)):
            self._reject(
                raw,
                "转账/红包消息中没有 transferid/sendid 或金额，未生成支付记录（消息已保留）",
                self.columns["payload"],
                row_lost=False,
            )
            return
        author = msg["sender_account"]
        other = None if msg["is_group"] else (msg["chat_id"] if is_sender else self.owner)
        if transfer:
            payer, payee = (other, author) if app.paysubtype in RECEIVER_SIDE else (author, other)
            payer, payee = app.payer or payer, app.receiver or payee
            status = (
                PAYSUBTYPE_STATUS.get(app.paysubtype) or f"paysubtype={app.paysubtype}"
                if app.paysubtype is not None
                else None
            )
        else:
            payer = author if is_sender else (app.sendusername or author)
            payee, status = other, None
        direction = DIRECTION_OUT if payer == self.owner else DIRECTION_IN if payee == self.owner else None
        self.sink.add(
            "payments",
            {
                "payment_id": fingerprint("p", "chat", msg["message_id"]),
                "ts": msg["ts"],
                "kind": msg["kind"],
                "payer_account": payer,
                "payee_account": payee,
                "chat_id": msg["chat_id"],
                "amount_fen": app.amount_fen if transfer else None,
                "status": status,
                "memo": app.pay_memo if transfer else app.blessing,
                "direction": direction,
                "owner_account": self.owner,
                "txn_id": app.transcationid,
                "ext_id": msg.get("ext_id"),
                "origin": "chat",
                "raw_type": f"49/{2000 if transfer else 2001}",
                "message_id": msg["message_id"],
            },
        )


_ATTR_PATTERNS = {name: re2.compile(rf'\s{name}="([^"]*)"') for name in ("poiname", "label", "nickname")}


def _attr_text(xml: str | None, names: tuple[str, ...]) -> str | None:
    """Attribute values of a card / location message (RE2: linear on hostile content)."""
    if not xml:
        return None
    parts = []
    for name in names:
        m = _ATTR_PATTERNS[name].search(xml)
        if m and m.group(1).strip():
            parts.append(plain_text(m.group(1)) or "")
    return " ".join(p for p in parts if p) or None
