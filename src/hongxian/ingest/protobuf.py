"""A small protobuf wire-format reader and writer — no schema, no generated code.

WeChat PC 3.x stores a few blobs as protobuf without a published schema (``MSG.BytesExtra``,
``ChatRoom.RoomData``; docs/formats.md §3.4, §3.8). Reading them needs only the wire
format: varint (0), fixed64 (1), length-delimited (2) and fixed32 (5). Groups (3/4) are
deprecated and never seen in these blobs; they are reported as errors.

`iter_fields` raises `ProtobufError` on malformed input; the WeChat helpers built on it
(`bytes_extra_sender`, `room_members`) never raise and return what could be read.
The encoder (`encode`) exists for test fixtures and the demo generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5
_MAX_VARINT_BYTES = 10


class ProtobufError(ValueError):
    """The bytes are not a well-formed protobuf message."""


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    """(value, new position) of the varint starting at ``pos``."""
    result = 0
    shift = 0
    end = min(len(buf), pos + _MAX_VARINT_BYTES)
    while pos < end:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
    raise ProtobufError("varint 截断或过长")


def iter_fields(buf: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """Yield ``(field_number, wire_type, value)``; value is int (varint/fixed) or bytes (LEN)."""
    pos, n = 0, len(buf)
    while pos < n:
        key, pos = read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if field == 0:
            raise ProtobufError("字段号为 0")
        value: int | bytes
        if wire == VARINT:
            value, pos = read_varint(buf, pos)
        elif wire == LEN:
            length, pos = read_varint(buf, pos)
            end = pos + length
            if end > n:
                raise ProtobufError("长度字段超出数据末尾")
            value, pos = buf[pos:end], end
        elif wire in (FIXED32, FIXED64):
            size = 4 if wire == FIXED32 else 8
            if pos + size > n:
                raise ProtobufError("定长字段超出数据末尾")
            value, pos = int.from_bytes(buf[pos : pos + size], "little"), pos + size
        else:
            raise ProtobufError(f"不支持的 wire type {wire}")
        yield field, wire, value


def parse(buf: bytes) -> dict[int, list[int | bytes]]:
    """All fields of one message level: field number → values in order (raises ProtobufError)."""
    out: dict[int, list[int | bytes]] = {}
    for field, _, value in iter_fields(buf):
        out.setdefault(field, []).append(value)
    return out


def _first(fields: dict[int, list[int | bytes]], number: int) -> int | bytes | None:
    values = fields.get(number)
    return values[0] if values else None


def _text(value: int | bytes | None) -> str | None:
    if not isinstance(value, bytes):
        return None
    return value.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- WeChat blobs


def _skip(buf: bytes, pos: int, wire: int) -> int:
    """Position after a field value of this wire type (raises ProtobufError)."""
    if wire == VARINT:
        return read_varint(buf, pos)[1]
    if wire == LEN:
        length, pos = read_varint(buf, pos)
        end = pos + length
    elif wire in (FIXED32, FIXED64):
        end = pos + (4 if wire == FIXED32 else 8)
    else:
        raise ProtobufError(f"不支持的 wire type {wire}")
    if end > len(buf):
        raise ProtobufError("字段超出数据末尾")
    return end


def _entry_sender(entry: bytes) -> str | None:
    """The value of a BytesExtra ``{1: key, 2: value}`` entry when key == 1."""
    if entry[:2] == b"\x08\x01" and entry[2:3] == b"\x12":  # the usual layout, read directly
        length, pos = read_varint(entry, 3)
        text = entry[pos : pos + length] if pos + length <= len(entry) else None
    else:
        key: int | bytes | None = None
        text = None
        for f, w, v in iter_fields(entry):
            if f == 1 and w == VARINT:
                key = v
            elif f == 2 and isinstance(v, bytes):  # a LEN field
                text = v
        if key != 1:
            return None
    if not text:
        return None
    return text.decode("utf-8", errors="replace").split(":", 1)[0].strip() or None


def canonical_sender(blob: bytes) -> str | None:
    """The layout every PC 3.x sample has — ``0a <n> … 1a <n> 08 01 12 <n> <wxid>`` with one-byte
    lengths — read by offsets; None means "not this layout", and the general walk decides."""
    try:
        if blob[0] != 0x0A or blob[1] >= 0x80:
            return None
        pos = 2 + blob[1]
        entry_len, value_len = blob[pos + 1], blob[pos + 5]
        if (
            blob[pos] != 0x1A
            or entry_len >= 0x80
            or value_len >= 0x80
            or blob[pos + 2 : pos + 5] != b"\x08\x01\x12"
        ):
            return None
        start = pos + 6
        if start + value_len > pos + 2 + entry_len or pos + 2 + entry_len > len(blob):
            return None
    except IndexError:
        return None
    return blob[start : start + value_len].decode("utf-8", errors="replace").split(":", 1)[0].strip() or None


def bytes_extra_sender(blob: bytes | None) -> tuple[str | None, bool]:
    """Sender wxid of a group message from ``MSG.BytesExtra``, and whether the blob was well-formed.

    Field 3 repeats ``{1: key, 2: value}``; the entry with key 1 holds the sender, sometimes
    followed by ``:<n>:<n>`` (cut off). Returns (None, True) when there is simply no key-1 entry
    (system messages), (None, False) when the blob is broken before a sender was found.
    Hot path (one call per group message): walks the top level without building a dict.
    """
    if not blob:
        return None, True
    sender = canonical_sender(blob)
    if sender is not None:
        return sender, True
    pos, n = 0, len(blob)
    try:
        while pos < n:
            key, pos = read_varint(blob, pos)
            wire = key & 7
            if key >> 3 == 3 and wire == LEN:
                length, pos = read_varint(blob, pos)
                end = pos + length
                if end > n:
                    raise ProtobufError("长度字段超出数据末尾")
                sender = _entry_sender(blob[pos:end])
                if sender:
                    return sender, True
                pos = end
            elif key >> 3 == 0:
                raise ProtobufError("字段号为 0")
            else:
                pos = _skip(blob, pos, wire)
    except ProtobufError:
        return None, False
    return None, True


@dataclass(frozen=True)
class RoomMember:
    wxid: str
    display_name: str | None
    state: int | None


def room_members(blob: bytes | None) -> tuple[list[RoomMember], bool]:
    """Members from ``ChatRoom.RoomData``: repeated field 1 ``{1: wxid, 2: 群昵称, 3: state}``.

    Returns (members read, well-formed?). An empty display name becomes None.
    """
    if not blob:
        return [], True
    members: list[RoomMember] = []
    try:
        for field, _, value in iter_fields(blob):
            if field != 1 or not isinstance(value, bytes):  # not a LEN field
                continue
            sub = parse(value)
            wxid = _text(_first(sub, 1))
            if not wxid:
                continue
            name = _text(_first(sub, 2))
            state = _first(sub, 3)
            members.append(RoomMember(wxid, name or None, state if isinstance(state, int) else None))
    except ProtobufError:
        return members, False
    return members, True


# ---------------------------------------------------------------- encoder


@dataclass(frozen=True)
class Fixed32:
    value: int


@dataclass(frozen=True)
class Fixed64:
    value: int


def encode_varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


FieldValue = int | str | bytes | Fixed32 | Fixed64


def encode(*fields: tuple[int, FieldValue]) -> bytes:
    """Encode ``(field_number, value)`` pairs: int → varint, str/bytes → length-delimited
    (pass a nested message as the bytes of another `encode`), Fixed32/Fixed64 → fixed."""
    out = bytearray()
    for number, value in fields:
        if isinstance(value, bool | int):
            out += encode_varint(number << 3 | VARINT) + encode_varint(int(value))
        elif isinstance(value, str | bytes):
            data = value.encode("utf-8") if isinstance(value, str) else value
            out += encode_varint(number << 3 | LEN) + encode_varint(len(data)) + data
        elif isinstance(value, Fixed32):
            out += encode_varint(number << 3 | FIXED32) + (value.value & 0xFFFFFFFF).to_bytes(4, "little")
        elif isinstance(value, Fixed64):
            out += encode_varint(number << 3 | FIXED64) + (value.value & (1 << 64) - 1).to_bytes(8, "little")
        else:
            raise TypeError(f"cannot encode {type(value).__name__}")
    return bytes(out)
