"""The hand-written protobuf wire reader/writer and the WeChat blobs built on it."""

from __future__ import annotations

import pytest

from hongxian.ingest.protobuf import (
    Fixed32,
    Fixed64,
    ProtobufError,
    bytes_extra_sender,
    encode,
    encode_varint,
    iter_fields,
    parse,
    read_varint,
    room_members,
)
from hongxian.testing.wechat_db import bytes_extra, room_data


@pytest.mark.parametrize("n", [0, 1, 127, 128, 300, 2**31, 2**63 - 1, 2**64 - 1])
def test_varint_round_trip(n):
    data = encode_varint(n)
    assert read_varint(data, 0) == (n, len(data))


def test_known_encodings():
    # protobuf documentation examples: field 1 = 150 → 08 96 01; field 2 = "testing"
    assert encode((1, 150)) == bytes.fromhex("089601")
    assert encode((2, "testing")) == bytes.fromhex("120774657374696e67")
    assert encode_varint(-1) == b"\xff" * 9 + b"\x01"


def test_all_wire_types_parse():
    nested = encode((1, 7), (2, "值"))
    blob = encode((1, 5), (2, nested), (3, Fixed32(0xDEADBEEF)), (4, Fixed64(2**40 + 3)), (2, b""))
    fields = parse(blob)
    assert fields[1] == [5]
    assert fields[2] == [nested, b""]
    assert fields[3] == [0xDEADBEEF]
    assert fields[4] == [2**40 + 3]
    assert parse(fields[2][0]) == {1: [7], 2: ["值".encode()]}


@pytest.mark.parametrize(
    "blob",
    [
        b"\x08",  # varint value missing
        b"\x12\x05abc",  # length beyond the end
        b"\x1d\x01\x02",  # fixed32 truncated
        b"\x0b",  # group start (wire type 3) is not supported
        b"\x00\x01",  # field number 0
        b"\x08" + b"\xff" * 11,  # varint longer than 10 bytes
    ],
)
def test_malformed_raises_protobuf_error(blob):
    with pytest.raises(ProtobufError):
        list(iter_fields(blob))


def test_bytes_extra_sender_key_1():
    assert bytes_extra_sender(bytes_extra("wxid_peer0001")) == ("wxid_peer0001", True)


def test_bytes_extra_sender_cuts_after_colon():
    assert bytes_extra_sender(bytes_extra("wxid_x", sender_suffix=":25319:1")) == ("wxid_x", True)


def test_bytes_extra_without_key_1_is_a_system_message():
    assert bytes_extra_sender(bytes_extra(None)) == (None, True)
    assert bytes_extra_sender(None) == (None, True)


def test_bytes_extra_broken_is_flagged():
    blob = bytes_extra("wxid_peer0001")
    sender, ok = bytes_extra_sender(b"\x1a\x40" + blob[:5])
    assert sender is None and ok is False


def test_bytes_extra_sender_found_before_breakage():
    blob = bytes_extra("wxid_peer0001")
    assert bytes_extra_sender(blob + b"\x1a\x7f") == ("wxid_peer0001", True)


def test_room_members_names_and_fallback_to_none():
    members, ok = room_members(room_data([("wxid_a", "财政局张三"), ("wxid_b", None)]))
    assert ok
    assert [(m.wxid, m.display_name, m.state) for m in members] == [
        ("wxid_a", "财政局张三", 0),
        ("wxid_b", None, 0),
    ]


def test_room_members_broken_keeps_what_was_read():
    blob = room_data([("wxid_a", "甲")])
    members, ok = room_members(blob[:-3] + b"\x0a\x7f\x00")
    assert not ok
    assert [m.wxid for m in members] == ["wxid_a"]
