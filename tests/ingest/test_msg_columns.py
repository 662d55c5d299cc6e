"""The column-wise MSG path (`msg_columns`) writes exactly what the row parser writes.

Real MSG tables hold any SQLite type in any column (a text CreateTime, a float IsSender, a blob
StrContent, a talker with a trailing blank …). Whatever the mix, reading a database chunk by
chunk must give the same messages (in row order), payments, rejects and warnings as feeding
every row to `ChatRowBuilder.add`.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongxian.ingest import wechat_db
from hongxian.ingest.base import Sink
from hongxian.ingest.wechat_db import WeChatDbReader
from hongxian.ingest.wechat_msg import ChatRowBuilder, RawMessage
from hongxian.testing.wechat_db import appmsg_xml as app
from hongxian.testing.wechat_db import (
    bytes_extra,
    claim_text,
    create_msg_db,
    lz4_block,
    msg_row,
    read_source,
    red_packet_xml,
    transfer_xml,
)

OWNER = "wxid_owner001"
TALKERS = st.one_of(
    st.sampled_from(["wxid_a", "wxid_b", "123@chatroom", "456@chatroom", "wxid_c@CHATROOM"]),
    st.sampled_from(["", " wxid_sp", "wxid_t\u3000", "wxid_n\n", None, b"wxid_blob", 7]),
)
PLAIN = st.sampled_from([1, 3, 34, 43, 47, 50])
TYPES = st.one_of(PLAIN, PLAIN, st.sampled_from([49, 10000, 10002, 42, 48, 37, None, "1", 1.0]))
TIMES = st.one_of(
    st.integers(1_710_000_000, 1_710_100_000), st.sampled_from([None, "2024", 1.7e9, 5, 10**13])
)
SVRIDS = st.one_of(st.integers(1, 10**18), st.sampled_from([0, None, -3, "77", 1.0]))
SENDERS = st.one_of(st.sampled_from([0, 1]), st.sampled_from([0, 1, 2, None, 1.0, "1"]))
CONTENT = st.one_of(
    st.sampled_from(["你好", "wxid_m1:\n群里说话", "", None, " 空格 "]),
    st.text(max_size=8),
    st.sampled_from([b"blob", 5, b"\xff\xfe"]),
)
EXTRA = st.sampled_from([None, b"", b"\x1a\xff\x01", bytes_extra("wxid_m2"), bytes_extra(None)])
PAYLOAD = st.sampled_from(
    [
        ("", lz4_block(app(5, "通知", "摘要", "https://mp.weixin.qq.com/s/1"))),
        ("", lz4_block(app(6, "名单.xlsx"))),
        ("", lz4_block(transfer_xml(1, 100, "T1", "X1", "资料费"))),
        (red_packet_xml("88", "恭喜发财", OWNER), None),
        (claim_text("老周", "你", "88"), None),
        ("<msg><appmsg><title>半截 &", None),
        ("", b"\x00\xff\xee"),
    ]
)


@st.composite
def rows(draw):
    out = []
    for i in range(1, draw(st.integers(1, 40)) + 1):
        type_ = draw(TYPES)
        content, compress = draw(PAYLOAD) if type_ in (49, 10000) else (draw(CONTENT), None)
        subtype = (
            draw(st.sampled_from([0, 5, 6, 2000, 2001, None, "0"]))
            if type_ == 49
            else draw(st.sampled_from([0, 0, None, 1.5]))
        )
        out.append(
            msg_row(
                i,
                draw(TALKERS),
                type_,
                subtype,
                draw(SENDERS),
                draw(TIMES),
                content,
                compress,
                draw(EXTRA),
                draw(SVRIDS),
            )
        )
    return out


def by_rows(path: Path) -> Sink:
    sink = Sink("s-test")
    builder = ChatRowBuilder(sink, OWNER)
    con = sqlite3.connect(path)
    for row in con.execute(
        "SELECT localId, StrTalker, Type, SubType, IsSender, CreateTime, StrContent, "
        "CompressContent, BytesExtra, MsgSvrID FROM MSG ORDER BY rowid"
    ):
        builder.add(RawMessage(*row))
    con.close()
    builder.finish()
    sink.close()
    return sink


def outcome(sink: Sink) -> tuple:
    return (
        sink.table("messages").to_pylist(),
        sink.table("payments").to_pylist(),
        [(r.row_number, r.error, r.column) for r in sink.rejects],
        sink.warnings,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows(), chunk=st.sampled_from([16384, 7, 1]))
def test_chunks_equal_row_parser(data, chunk):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "MSG0.db"
        create_msg_db(path, data)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(wechat_db, "MSG_FETCH_ROWS", chunk)
            fast = read_source(WeChatDbReader(), path, declared_owner=OWNER)
        assert outcome(fast) == outcome(by_rows(path))


def test_plain_group_rows_take_sender_from_bytes_extra_or_prefix(tmp_path: Path):
    data = [
        msg_row(1, "9@chatroom", 1, 0, 0, 1_710_000_000, "wxid_p:\n有前缀", None, bytes_extra(None), 11),
        msg_row(2, "9@chatroom", 1, 0, 0, 1_710_000_001, "正文", None, bytes_extra("wxid_q"), 12),
        msg_row(3, "9@chatroom", 3, 0, 1, 1_710_000_002, "<msg/>", None, None, 13),
        msg_row(4, "wxid_r", 1, 0, 0, 1_710_000_003, "私聊", None, None, 14),
    ]
    path = tmp_path / "MSG0.db"
    create_msg_db(path, data)
    msgs = read_source(WeChatDbReader(), path, declared_owner=OWNER).table("messages").to_pylist()
    assert [(m["sender_account"], m["text"], m["kind"]) for m in msgs] == [
        ("wxid_p", "有前缀", "text"),
        ("wxid_q", "正文", "text"),
        (OWNER, None, "image"),
        ("wxid_r", "私聊", "text"),
    ]


def test_whitespace_constant_is_what_str_strip_removes():
    from hongxian.ingest.msg_columns import WHITESPACE

    spaces = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert spaces == WHITESPACE
