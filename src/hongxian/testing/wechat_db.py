"""Writers of real-format WeChat PC 3.x files for tests, the demo and benchmarks.

`WeChatDbBuilder` collects contacts, groups and messages and writes them with the real
schemas of docs/formats.md §3.2 / §3.8: ``MSG`` shards, ``MicroMsg.db``, or one merged db.
Blobs are real too: BytesExtra / RoomData protobuf (`hongxian.ingest.protobuf.encode`),
LZ4-block CompressContent without a frame header, appmsg XML. The same messages can be
written as PyWxDump or MemoTrace CSV exports (`write_pywxdump_csv`, `write_memotrace_csv`).

For bulk data (benchmarks) use `create_msg_db(path, rows)` with an iterator of `msg_row(...)`
tuples: it streams with ``executemany`` and never holds all rows.

    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer0001", nickname="老周", remark="周科长")
    b.add_group("40123456789@chatroom", "项目群", [("wxid_peer0001", "周某")])
    b.add_text("40123456789@chatroom", "今晚的事按老规矩办", sender="wxid_peer0001")
    b.add_red_packet("wxid_peer0001", sendid="1000039801202403308765432109876")
    b.write_merged(tmp / "merge_all.db")
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import lz4.block

from hongxian.ingest.protobuf import encode
from hongxian.testing.chat_export import memotrace_rows, pywxdump_rows, write_csv

MSG_COLUMNS = (
    "localId",
    "TalkerId",
    "MsgSvrID",
    "Type",
    "SubType",
    "IsSender",
    "CreateTime",
    "Sequence",
    "StatusEx",
    "FlagEx",
    "Status",
    "MsgServerSeq",
    "MsgSequence",
    "StrTalker",
    "StrContent",
    "DisplayContent",
    "Reserved0",
    "Reserved1",
    "Reserved2",
    "Reserved3",
    "Reserved4",
    "Reserved5",
    "Reserved6",
    "CompressContent",
    "BytesExtra",
    "BytesTrans",
)
MSG_DDL = (
    "CREATE TABLE MSG (localId INTEGER PRIMARY KEY AUTOINCREMENT, TalkerId INT DEFAULT 0, MsgSvrID INT, "
    "Type INT, SubType INT, IsSender INT, CreateTime INT, Sequence INT DEFAULT 0, StatusEx INT DEFAULT 0, "
    "FlagEx INT, Status INT, MsgServerSeq INT, MsgSequence INT, StrTalker TEXT, StrContent TEXT, "
    "DisplayContent TEXT, Reserved0 INT DEFAULT 0, Reserved1 INT DEFAULT 0, Reserved2 INT DEFAULT 0, "
    "Reserved3 INT DEFAULT 0, Reserved4 TEXT, Reserved5 TEXT, Reserved6 TEXT, CompressContent BLOB, "
    "BytesExtra BLOB, BytesTrans BLOB)",
    "CREATE TABLE Name2ID (UsrName TEXT PRIMARY KEY)",
)
CONTACT_DDL = (
    "CREATE TABLE Contact (UserName TEXT PRIMARY KEY, Alias TEXT, EncryptUserName TEXT, "
    "DelFlag INT DEFAULT 0, Type INT DEFAULT 0, VerifyFlag INT DEFAULT 0, Reserved1 INT DEFAULT 0, "
    "Reserved2 INT DEFAULT 0, "
    "Reserved3 TEXT, Reserved4 TEXT, Remark TEXT, NickName TEXT, LabelIDList TEXT, DomainList TEXT, "
    "ChatRoomType int, PYInitial TEXT, QuanPin TEXT, RemarkPYInitial TEXT, RemarkQuanPin TEXT, "
    "BigHeadImgUrl TEXT, SmallHeadImgUrl TEXT, HeadImgMd5 TEXT, ChatRoomNotify INT DEFAULT 0, "
    "Reserved5 INT DEFAULT 0, Reserved6 TEXT, Reserved7 TEXT, ExtraBuf BLOB, Reserved8 INT DEFAULT 0, "
    "Reserved9 INT DEFAULT 0, Reserved10 TEXT, Reserved11 TEXT)",
    "CREATE TABLE ChatRoom (ChatRoomName TEXT PRIMARY KEY, UserNameList TEXT, DisplayNameList TEXT, "
    "ChatRoomFlag int Default 0, Owner INT DEFAULT 0, IsShowName INT DEFAULT 0, SelfDisplayName TEXT, "
    "Reserved1 INT DEFAULT 0, Reserved2 TEXT, Reserved3 INT DEFAULT 0, Reserved4 TEXT, "
    "Reserved5 INT DEFAULT 0, Reserved6 TEXT, RoomData BLOB, Reserved7 INT DEFAULT 0, Reserved8 TEXT)",
    "CREATE TABLE ChatRoomInfo (ChatRoomName TEXT PRIMARY KEY, Announcement TEXT, InfoVersion INT DEFAULT 0, "
    "AnnouncementEditor TEXT, AnnouncementPublishTime INT DEFAULT 0, ChatRoomStatus INT DEFAULT 0, "
    "Reserved1 INT DEFAULT 0, Reserved2 TEXT, Reserved3 INT DEFAULT 0, Reserved4 TEXT)",
)
SVRID_BASE = 7301234567890123456
START_TS = 1710926400  # 2024-03-20 17:20 Beijing


# ---------------------------------------------------------------- blobs and XML


def lz4_block(text: str) -> bytes:
    """CompressContent: an LZ4 block without the size header (as WeChat stores it)."""
    return lz4.block.compress(text.encode("utf-8"), store_size=False)


def bytes_extra(
    sender: str | None = None,
    msgsource: str = "<msgsource><membercount>3</membercount></msgsource>",
    sender_suffix: str = "",
    paths: dict[int, str] | None = None,
) -> bytes:
    """BytesExtra: field 1 {1,2}, repeated field 3 {1: key, 2: value}; key 1 = sender wxid, key 3 /
    key 4 = the attachment's thumbnail / file path as the client wrote it (`paths`)."""
    fields = [(1, encode((1, 0), (2, 0)))]
    if sender:
        fields.append((3, encode((1, 1), (2, sender + sender_suffix))))
    fields.append((3, encode((1, 7), (2, msgsource))))
    for key, path in sorted((paths or {}).items()):
        fields.append((3, encode((1, key), (2, path))))
    return encode(*fields)


def room_data(members: Sequence[tuple[str, str | None]]) -> bytes:
    """ChatRoom.RoomData: repeated field 1 {1: wxid, 2: group display name, 3: state} + scalars."""
    fields = [(1, encode((1, w), (2, name or ""), (3, 0))) for w, name in members]
    return encode(*fields, (2, 0), (5, 500))


def _cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>"


def appmsg_xml(
    apptype: int, title: str = "", des: str = "", url: str = "", extra: str = "", fromusername: str = ""
) -> str:
    return (
        f'<?xml version="1.0"?>\n<msg><appmsg appid="" sdkver="0"><title>{_cdata(title)}</title>'
        f"<des>{_cdata(des)}</des><type>{apptype}</type><url>{_cdata(url)}</url>{extra}</appmsg>"
        f"<fromusername>{_cdata(fromusername)}</fromusername></msg>"
    )


def transfer_xml(
    paysubtype: int,
    amount_fen: int,
    transferid: str,
    transcationid: str,
    memo: str = "",
    payer: str = "",
    receiver: str = "",
    begin: int = START_TS,
) -> str:
    fee = f"￥{amount_fen // 100}.{amount_fen % 100:02d}"
    pay = (
        f"<wcpayinfo><paysubtype>{paysubtype}</paysubtype><feedesc>{_cdata(fee)}</feedesc>"
        f"<transcationid>{_cdata(transcationid)}</transcationid><transferid>{_cdata(transferid)}</transferid>"
        f"<invalidtime>{_cdata(str(begin + 86400))}</invalidtime>"
        f"<begintransfertime>{_cdata(str(begin))}</begintransfertime><effectivedate>{_cdata('1')}</effectivedate>"
        f"<pay_memo>{_cdata(memo)}</pay_memo><receiver_username>{_cdata(receiver)}</receiver_username>"
        f"<payer_username>{_cdata(payer)}</payer_username></wcpayinfo>"
    )
    return appmsg_xml(
        2000,
        "微信转账",
        f"收到转账{fee[1:]}元。如需收钱，请点此升级至最新版本",
        "https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/common_page__upgrade",
        pay,
    )


def red_packet_xml(sendid: str, blessing: str, sendusername: str) -> str:
    url = (
        f"https://wxapp.tenpay.com/mmpayhb/wxhb_personalreceive?showwxpaytitle=1&amp;msgtype=1&amp;"
        f"channelid=1&amp;sendid={sendid}&amp;ver=6&amp;sign=abc"
    )
    native = (
        f"wxpay://c2cbizmessagehandler/hongbao/receivehongbao?msgtype=1&amp;channelid=1&amp;sendid={sendid}"
        f"&amp;sendusername={sendusername}&amp;ver=6&amp;sign=abc"
    )
    pay = (
        f"<wcpayinfo><templateid>{_cdata('7a2a165d31da7fce6dd77e05c300028a')}</templateid>"
        f"<receivertitle>{_cdata(blessing)}</receivertitle><sendertitle>{_cdata(blessing)}</sendertitle>"
        f"<scenetext>{_cdata('微信红包')}</scenetext><senderdes>{_cdata('查看红包')}</senderdes>"
        f"<receiverdes>{_cdata('领取红包')}</receiverdes><nativeurl>{native}</nativeurl>"
        f"<sceneid>{_cdata('1002')}</sceneid><innertype>{_cdata('0')}</innertype>"
        f"<paymsgid>{_cdata(sendid)}</paymsgid><invalidtime>{_cdata(str(START_TS + 86400))}</invalidtime>"
        "<broaden /></wcpayinfo>"
    )
    return appmsg_xml(
        2001, "微信红包", "我给你发了一个红包，赶紧去拆!", url.replace("&amp;", "&"), pay, sendusername
    )


def quote_xml(reply: str, svrid: int, fromusr: str, displayname: str, quoted: str) -> str:
    refer = (
        f"<refermsg><type>1</type><svrid>{svrid}</svrid><fromusr>{escape(fromusr)}</fromusr>"
        f"<displayname>{escape(displayname)}</displayname><content>{escape(quoted)}</content>"
        f"<createtime>{START_TS}</createtime></refermsg>"
    )
    return appmsg_xml(57, reply, extra=refer)


def claim_text(claimer: str, packet_sender: str, sendid: str) -> str:
    return (
        f'<img src="SystemMessages_HongbaoIcon.png"/>  {claimer}领取了{packet_sender}的<_wc_custom_link_ '
        f'color="#FD9931" href="weixin://weixinhongbao/opendetail?sendid={sendid}">红包</_wc_custom_link_>'
    )


# ---------------------------------------------------------------- rows


def msg_row(
    local_id: int,
    talker: str,
    type_: int,
    subtype: int,
    is_sender: int,
    create_time: int,
    content: str | None = "",
    compress: bytes | None = None,
    extra: bytes | None = None,
    svrid: int | None = 0,
    talker_id: int = 0,
) -> tuple:
    """One MSG row in `MSG_COLUMNS` order."""
    seq = create_time * 1000 if isinstance(create_time, int) else 0
    return (
        local_id,
        talker_id,
        svrid,
        type_,
        subtype,
        is_sender,
        create_time,
        seq,
        0,
        0,
        2,
        0,
        0,
        talker,
        content,
        None,
        0,
        0,
        0,
        0,
        None,
        None,
        None,
        compress,
        extra,
        None,
    )


def create_msg_db(path: Path, rows: Iterable[tuple], talkers: Iterable[str] = (), batch: int = 20_000) -> int:
    """Write an MSG shard from `msg_row` tuples (streamed); returns the number of rows."""
    path = Path(path)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        for ddl in MSG_DDL:
            con.execute(ddl)
        con.executemany("INSERT OR IGNORE INTO Name2ID VALUES (?)", ((t,) for t in talkers))
        sql = f"INSERT INTO MSG ({', '.join(MSG_COLUMNS)}) VALUES ({', '.join('?' * len(MSG_COLUMNS))})"
        n, buf = 0, []
        for row in rows:
            buf.append(row)
            if len(buf) >= batch:
                con.executemany(sql, buf)
                n, buf = n + len(buf), []
        con.executemany(sql, buf)
        con.commit()
        return n + len(buf)
    finally:
        con.close()


@dataclass
class Msg:
    """A message as the builder knows it: its MSG row plus what the CSV exporters need."""

    row: list
    kind: str
    info: dict = field(default_factory=dict)

    @property
    def talker(self) -> str:
        return self.row[13]


def _unix(ts: int | datetime | None, default: int) -> int:
    if ts is None:
        return default
    return int(ts.timestamp()) if isinstance(ts, datetime) else int(ts)


class WeChatDbBuilder:
    """Collects one account's WeChat data and writes it in the real PC 3.x formats.

    ``sender=None`` means the owner sent the message (IsSender = 1). In groups the sender goes
    into BytesExtra (``sender_in="bytes_extra"``, the PC 3.x way), into a ``wxid:\\n`` content
    prefix (``"prefix"``, the mobile way) or nowhere (``"none"``).
    """

    def __init__(self, owner: str = "wxid_owner001", owner_nickname: str = "林小舟", start: int = START_TS):
        self.owner = owner
        self.contacts: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}
        self.messages: list[Msg] = []
        self._next_ts = start
        self.add_contact(owner, nickname=owner_nickname)

    # -- MicroMsg
    def add_contact(
        self,
        wxid: str,
        nickname: str | None = None,
        remark: str | None = None,
        alias: str | None = None,
        description: str | None = None,
        type_: int = 3,
    ) -> None:
        self.contacts[wxid] = {
            "UserName": wxid,
            "Alias": alias,
            "Remark": remark,
            "NickName": nickname,
            "Reserved6": description,
            "Type": type_,
        }

    def add_group(
        self,
        room: str,
        name: str,
        members: Sequence[str | tuple[str, str | None]],
        owner: str | None = None,
        announcement: str | None = None,
        separator: str = "^G",
        include_owner: bool = True,
    ) -> None:
        pairs = [(m, None) if isinstance(m, str) else (m[0], m[1]) for m in members]
        if include_owner and self.owner not in {w for w, _ in pairs}:
            pairs.insert(0, (self.owner, None))
        self.groups[room] = {
            "members": pairs,
            "owner": owner or self.owner,
            "announcement": announcement,
            "separator": separator,
        }
        self.add_contact(room, nickname=name, type_=2)

    # -- MSG
    def _ts(self, ts: int | datetime | None) -> int:
        value = _unix(ts, self._next_ts)
        self._next_ts = value + 60
        return value

    def add_message(
        self,
        chat: str,
        type_: int,
        subtype: int,
        content: str | None = "",
        *,
        sender: str | None = None,
        ts: int | datetime | None = None,
        compress: str | None = None,
        svrid: int | None = None,
        sender_in: str = "bytes_extra",
        kind: str = "other",
        info: dict | None = None,
        paths: dict[int, str] | None = None,
    ) -> Msg:
        """Any message; ``compress`` is XML stored LZ4-compressed in CompressContent; `paths` go into
        BytesExtra (key 4 the attachment's path, key 3 its thumbnail's)."""
        is_group = chat.endswith("@chatroom")
        local_id = len(self.messages) + 1
        svrid = SVRID_BASE + local_id if svrid is None else svrid
        extra = bytes_extra(
            sender if is_group and sender and sender_in == "bytes_extra" else None, paths=paths
        )
        if is_group and sender and sender_in == "prefix" and content is not None:
            content = f"{sender}:\n{content}"
        row = list(
            msg_row(
                local_id,
                chat,
                type_,
                subtype,
                0 if sender else 1,
                self._ts(ts),
                content,
                lz4_block(compress) if compress is not None else None,
                extra,
                svrid,
            )
        )
        msg = Msg(row, kind, {"sender": sender, **(info or {})})
        self.messages.append(msg)
        return msg

    def add_text(self, chat: str, text: str, **kw) -> Msg:
        return self.add_message(chat, 1, 0, text, kind="text", info={"text": text}, **kw)

    def add_image(self, chat: str, **kw) -> Msg:
        xml = '<?xml version="1.0"?><msg><img aeskey="00" length="1024" md5="00" /></msg>'
        return self.add_message(chat, 3, 0, xml, kind="image", **kw)

    def add_file(self, chat: str, file_name: str, **kw) -> Msg:
        xml = appmsg_xml(
            6, file_name, extra="<appattach><totallen>20480</totallen><fileext>docx</fileext></appattach>"
        )
        return self.add_message(
            chat, 49, 6, "", compress=xml, kind="file", info={"file_name": file_name}, **kw
        )

    def add_link(self, chat: str, title: str, url: str, des: str = "", **kw) -> Msg:
        return self.add_message(
            chat,
            49,
            5,
            "",
            compress=appmsg_xml(5, title, des, url),
            kind="link",
            info={"title": title, "url": url, "des": des},
            **kw,
        )

    def add_quote(self, chat: str, reply: str, quoted: Msg, **kw) -> Msg:
        xml = quote_xml(
            reply, quoted.row[2], quoted.info.get("sender") or self.owner, "某人", quoted.info.get("text", "")
        )
        return self.add_message(chat, 49, 57, "", compress=xml, kind="quote", info={"text": reply}, **kw)

    def add_red_packet(
        self,
        chat: str,
        sendid: str,
        blessing: str = "恭喜发财，大吉大利",
        *,
        sender: str | None = None,
        in_compress: bool = False,
        **kw,
    ) -> Msg:
        xml = red_packet_xml(sendid, blessing, sender or self.owner)
        content, comp = ("", xml) if in_compress else (xml, None)
        return self.add_message(
            chat,
            49,
            2001,
            content,
            compress=comp,
            sender=sender,
            kind="red_packet",
            info={"sendid": sendid, "blessing": blessing},
            **kw,
        )

    def add_claim(
        self, chat: str, sendid: str, claimer: str = "老周", packet_sender: str = "你", **kw
    ) -> Msg:
        return self.add_message(
            chat,
            10000,
            0,
            claim_text(claimer, packet_sender, sendid),
            kind="system",
            info={"text": claim_text(claimer, packet_sender, sendid)},
            **kw,
        )

    def add_transfer(
        self,
        chat: str,
        transferid: str,
        transcationid: str,
        amount_fen: int,
        *,
        paysubtype: int = 1,
        memo: str = "",
        sender: str | None = None,
        payer: str = "",
        receiver: str = "",
        **kw,
    ) -> Msg:
        xml = transfer_xml(paysubtype, amount_fen, transferid, transcationid, memo, payer, receiver)
        info = {"paysubtype": paysubtype, "amount_fen": amount_fen, "memo": memo}
        return self.add_message(
            chat, 49, 2000, "", compress=xml, sender=sender, kind="transfer", info=info, **kw
        )

    def add_system(self, chat: str, text: str, **kw) -> Msg:
        return self.add_message(chat, 10000, 0, text, kind="system", info={"text": text}, **kw)

    # -- writing
    def _msg_rows(self, messages: Iterable[Msg]) -> list[tuple]:
        ids = {t: i for i, t in enumerate(dict.fromkeys(m.talker for m in self.messages), start=1)}
        return [tuple(m.row[:1]) + (ids[m.talker],) + tuple(m.row[2:]) for m in messages]

    def _write_micro(self, con: sqlite3.Connection) -> None:
        for ddl in CONTACT_DDL:
            con.execute(ddl)
        for c in self.contacts.values():
            cols = list(c)
            con.execute(
                f"INSERT INTO Contact ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [c[k] for k in cols],
            )
        for room, g in self.groups.items():
            sep = g["separator"]
            con.execute(
                "INSERT INTO ChatRoom (ChatRoomName, UserNameList, DisplayNameList, Reserved2, RoomData) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    room,
                    sep.join(w for w, _ in g["members"]),
                    sep.join(n or "" for _, n in g["members"]),
                    g["owner"],
                    room_data(g["members"]),
                ),
            )
            if g["announcement"]:
                con.execute(
                    "INSERT INTO ChatRoomInfo (ChatRoomName, Announcement) VALUES (?, ?)",
                    (room, g["announcement"]),
                )

    def _write(self, path: Path, messages: Iterable[Msg] | None, micro: bool) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if messages is not None:
            create_msg_db(path, self._msg_rows(messages), dict.fromkeys(m.talker for m in self.messages))
        else:
            path.unlink(missing_ok=True)
        if micro:
            con = sqlite3.connect(path)
            try:
                self._write_micro(con)
                con.commit()
            finally:
                con.close()
        return path

    def write_msg(self, path: Path) -> Path:
        """One MSG shard holding every message."""
        return self._write(path, self.messages, micro=False)

    def write_shards(self, folder: Path, n: int = 2) -> list[Path]:
        """``MSG0.db … MSG<n-1>.db``, messages split in order (as WeChat fills shards)."""
        size = -(-len(self.messages) // n) or 1
        return [
            self._write(Path(folder) / f"MSG{i}.db", self.messages[i * size : (i + 1) * size], micro=False)
            for i in range(n)
        ]

    def write_micro(self, path: Path) -> Path:
        return self._write(path, None, micro=True)

    def write_merged(self, path: Path) -> Path:
        """A PyWxDump ``merge_all.db``: MSG and MicroMsg tables in one file."""
        return self._write(path, self.messages, micro=True)

    def write_pywxdump_csv(self, path: Path, chat: str, my_wxid: str | None = None) -> Path:
        """PyWxDump CSV of one conversation (``my_wxid`` defaults to PyWxDump's ``我``)."""
        msgs = [m for m in self.messages if m.talker == chat]
        return write_csv(path, pywxdump_rows(msgs, my_wxid or "我"), "utf-8")

    def write_pywxdump_users(self, path: Path) -> Path:
        """PyWxDump's ``users.json``: every contact and chat room keyed by wxid, with the fields its
        exporter writes (account = Alias, describe = the profile text, extra = room data for groups)."""
        import json

        users: dict[str, dict] = {}
        for wxid, c in self.contacts.items():
            room = self.groups.get(wxid)
            extra = (
                {"wxid2userinfo": {w: {"wxid": w, "roomNickname": n or ""} for w, n in room["members"]}}
                if room
                else None
            )
            users[wxid] = {
                "wxid": wxid,
                "nickname": c["NickName"] or "",
                "remark": c["Remark"] or "",
                "account": c["Alias"] or "",
                "describe": c["Reserved6"] or "",
                "headImgUrl": "",
                "ExtraBuf": None,
                "LabelIDList": [],
                "extra": extra,
            }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(users, ensure_ascii=False, indent=4), encoding="utf-8")
        return path

    def write_memotrace_csv(self, path: Path, chat: str) -> Path:
        """MemoTrace ``<remark>_utf8.csv`` of one conversation (UTF-8 BOM, newest first)."""
        msgs = [m for m in self.messages if m.talker == chat]
        return write_csv(path, memotrace_rows(msgs, self.contacts, self.owner, chat), "utf-8-sig")


def read_source(reader, path: Path, root: Path | None = None, declared_owner: str | None = None, people=None):
    """Run one reader over one file into an in-memory `Sink` (tests, benchmarks)."""
    from hongxian.ingest.base import PeopleIndex, Sink, SourceContext

    path = Path(path)
    rel = path.relative_to(root).as_posix() if root else path.name
    sink = Sink("s-test")
    reader.read(SourceContext(path, rel, "s-test", declared_owner, people or PeopleIndex()), sink)
    sink.close()
    return sink
