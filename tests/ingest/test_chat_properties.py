"""Property tests: mangled chat data never raises, and every row is a message or a reject."""

from __future__ import annotations

import contextlib
import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongxian.ingest.appmsg import decompress, parse_appmsg, parse_claim
from hongxian.ingest.base import Sink
from hongxian.ingest.chat_csv import PyWxDumpCsvReader
from hongxian.ingest.protobuf import ProtobufError, bytes_extra_sender, parse, room_members
from hongxian.ingest.wechat_db import WeChatDbReader
from hongxian.ingest.wechat_msg import ChatRowBuilder, RawMessage
from hongxian.testing.chat_export import PYWXDUMP_HEADER
from hongxian.testing.wechat_db import (
    bytes_extra,
    create_msg_db,
    lz4_block,
    msg_row,
    read_source,
    transfer_xml,
)

INTERNAL = "内部错误"
TYPES = st.sampled_from([1, 3, 34, 42, 43, 47, 48, 49, 50, 10000, 10002, 99999])
SUBTYPES = st.sampled_from([0, 1, 5, 6, 19, 57, 2000, 2001, 2003, 8000])
TALKERS = st.sampled_from(["wxid_peer0001", "40123456789@chatroom", "", None, "gh_abc"])
TIMES = st.one_of(st.integers(-(2**40), 2**40), st.just(1710926400), st.text(max_size=5), st.none())


def _blob(valid: bytes) -> st.SearchStrategy:
    """Random bytes, a valid blob, or a valid blob with bytes flipped / cut."""
    return st.one_of(
        st.none(),
        st.binary(max_size=200),
        st.just(valid),
        st.tuples(st.integers(0, len(valid)), st.binary(min_size=1, max_size=4)).map(
            lambda t: valid[: t[0]] + t[1] + valid[t[0] + 1 :]
        ),
    )


XML = transfer_xml(
    1, 12345, "1000050001202403200111222333444", "100005000124032000011122233344455566", "备注"
)
CONTENTS = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.just(XML),
    st.just(XML[: len(XML) // 2]),
    st.builds(lambda s: f"wxid_x:\n{s}", st.text(max_size=30)),
    st.builds(lambda s: f'{s}领取了你的<_wc_custom_link_ href="x?sendid=1">红包', st.text(max_size=9)),
)
ROWS = st.builds(
    RawMessage,
    st.integers(1, 10**6),
    TALKERS,
    st.one_of(TYPES, st.text(max_size=3)),
    SUBTYPES,
    st.sampled_from([0, 1, None, "1"]),
    TIMES,
    CONTENTS,
    _blob(lz4_block(XML)),
    st.one_of(_blob(bytes_extra("wxid_peer0001")), st.text(max_size=5)),
    st.one_of(st.integers(), st.none()),
)


@given(st.lists(ROWS, max_size=12))
@settings(max_examples=150, deadline=None)
def test_builder_every_row_is_a_message_or_a_reject(rows):
    sink = Sink("s")
    builder = ChatRowBuilder(sink, "wxid_owner")
    for raw in rows:
        builder.add(raw)
    builder.finish()
    sink.close()
    assert builder.messages + sum("未生成支付记录" not in r.error for r in sink.rejects) == len(rows)
    assert not [r for r in sink.rejects if INTERNAL in r.error]
    assert sink.table("messages").num_rows == builder.messages


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_blob_parsers_never_raise(data):
    bytes_extra_sender(data)
    room_members(data)
    text, ok = decompress(data)
    assert ok or text is None
    parse_appmsg(data.decode("utf-8", errors="replace"))
    parse_claim(data.decode("utf-8", errors="replace"))
    with contextlib.suppress(ProtobufError):
        parse(data)


DB_ROW = st.tuples(
    TALKERS,
    TYPES,
    SUBTYPES,
    st.sampled_from([0, 1]),
    TIMES,
    CONTENTS,
    st.one_of(st.none(), st.binary(max_size=60), st.just(lz4_block(XML))),
    st.one_of(st.none(), st.binary(max_size=40), st.just(bytes_extra("wxid_a"))),
)


@given(st.lists(DB_ROW, min_size=1, max_size=12))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_msg_db_rows_end_up_loaded_or_rejected(rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "MSG0.db"
        create_msg_db(
            path,
            [
                msg_row(i, t, ty, sub, s, ct, c, comp, ex, svrid=i)
                for i, (t, ty, sub, s, ct, c, comp, ex) in enumerate(rows, start=1)
            ],
        )
        sink = read_source(WeChatDbReader(), path, declared_owner="wxid_owner")
    lost = {r.row_number for r in sink.rejects if "未生成支付记录" not in r.error}
    loaded = sink.table("messages").num_rows
    assert loaded + len(lost) == len(rows)
    assert not [r for r in sink.rejects if INTERNAL in r.error]


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(st.lists(st.lists(CELL, max_size=11), min_size=1, max_size=10))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pywxdump_csv_rows_end_up_loaded_or_rejected(rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(PYWXDUMP_HEADER)
            w.writerows(rows)
        sink = read_source(PyWxDumpCsvReader(), path, declared_owner="wxid_owner")
    data_rows = sum(1 for r in rows if any(c.strip() for c in r))
    lost = {r.row_number for r in sink.rejects if "未生成支付记录" not in r.error}
    assert sink.table("messages").num_rows + len(lost) == data_rows
    assert not [r for r in sink.rejects if INTERNAL in r.error]
