"""``MSG`` rows → ``messages`` columns, a fetched chunk at a time (the hot path of `wechat_db`).

Most rows of a real database are plain: text, image, voice, video, sticker or call messages
with a MsgSvrID. They are found column-wise (`_plain_rows`: the type and range checks the row
parser makes, on whole columns), and their columns are built with pyarrow: chat, group flag,
owner / peer as sender, kind by Type, µs timestamps, ``message_id`` from MsgSvrID. Python looks
only at what needs it, in row order: received group messages (sender from BytesExtra or the
``wxid:`` prefix) and every other row (`ChatRowBuilder.add`: app messages, system notices,
anything malformed). The chunk's messages are written in row order, exactly as the row parser
would write them (tests/ingest/test_wechat_db.py::test_fast_path_matches_general_path).
"""

from __future__ import annotations

from functools import reduce
from operator import itemgetter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hongxian.canonical import SCHEMAS, TS
from hongxian.ingest.bill_common import digest_ids
from hongxian.ingest.protobuf import canonical_sender
from hongxian.ingest.wechat_msg import KIND_BY_TYPE, MAX_TS, MIN_TS, ChatRowBuilder, RawMessage, message_kind

FAST_TYPES = (1, 3, 34, 43, 47, 50)  # no payload to parse beyond the text itself
# What str.strip() removes (every c with c.isspace(); tests/ingest/test_msg_columns.py checks it),
# written out: scanning all code points at import cost half a second of every command's start.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_FAST_SET = frozenset(FAST_TYPES)
_KINDS = pa.array([KIND_BY_TYPE[t] for t in FAST_TYPES], pa.string())
_STR = pa.string()
_MESSAGES = SCHEMAS["messages"]
_SVR_PREFIX = b"svr\x1f"  # message_id = fingerprint("m", "svr", MsgSvrID)


_INT = pa.int64()
_NONE = type(None)
# chunk columns: rowid, localId, StrTalker, Type, SubType, IsSender, CreateTime, StrContent, CompressContent,
# BytesExtra, MsgSvrID
_TALKER, _TYPE, _SUB, _ME, _TIME, _CONTENT, _SVR = 2, 3, 4, 5, 6, 7, 10


def add_msg_chunk(builder: ChatRowBuilder, chunk: list[tuple]) -> None:
    """MSG rows (rowid, localId, StrTalker, Type, SubType, IsSender, CreateTime, StrContent,
    CompressContent, BytesExtra, MsgSvrID) into the builder's sink, in row order."""
    cols = list(zip(*chunk, strict=True))
    typed, arrays = _typed_rows(cols)
    fast = typed & _plain_types(cols, arrays)
    received = fast & _received(cols, arrays)
    visit = _Visit(builder, chunk)
    builder.captured = visit.general
    try:
        visit.run(
            np.flatnonzero(~fast | received), fast, typed, _ids(cols, arrays, np.flatnonzero(typed & ~fast))
        )
    finally:
        builder.captured = None
    plain = np.flatnonzero(fast)
    builder.messages += len(plain)
    builder.sink.count_in(len(plain))  # the visited rows were counted by the builder
    columns = _fast_columns(cols, arrays, plain, builder.owner, visit.senders, visit.texts)
    if visit.general:
        columns = _merge(columns, plain, visit.general, visit.positions)
    builder.sink.add_columns("messages", columns)


class _Visit:
    """The rows Python must look at, in row order: received plain group rows (sender only), other
    well-typed rows (payload, common columns given) and everything else (`ChatRowBuilder.add`)."""

    def __init__(self, builder: ChatRowBuilder, chunk: list[tuple]):
        self.builder, self.chunk = builder, chunk
        self.senders: list = []
        self.texts: list = []
        self.general: list[dict] = []  # message rows of the row parser, at `positions`
        self.positions: list[int] = []

    def run(self, rows: np.ndarray, fast: np.ndarray, typed: np.ndarray, ids: tuple[list, list]) -> None:
        builder, general, positions = self.builder, self.general, self.positions
        mids, svrs = ids
        k = 0
        for i in rows.tolist():
            row = self.chunk[i]
            before = len(general)
            if fast[i]:
                content, extra = row[7], row[9]
                # the usual case inlined: a canonical BytesExtra and no "wxid:\n" prefix (`group_sender`)
                sender = (
                    canonical_sender(extra)
                    if type(extra) is bytes and extra and (content is None or ":\n" not in content[:66])
                    else None
                )
                if sender is None:
                    sender, content = builder.group_sender(row[1], content, extra)
                    if sender is None:
                        builder.issue("no_sender", row[1])
                self.senders.append(sender)
                self.texts.append(content)
                continue
            raw = RawMessage(row[1] if type(row[1]) is int else -1, *row[2:11])
            if typed[i]:
                self._typed(raw, row, mids[k], svrs[k])
                k += 1
            else:
                builder.add(raw)
            positions.extend([i] * (len(general) - before))

    def _typed(self, raw: RawMessage, row: tuple, message_id: str, server_id: str) -> None:
        """`ChatRowBuilder._prepare` for a row known to be well-typed (no checks needed)."""
        talker, type_, subtype, me, content = row[2], row[3], row[4], row[5], row[7]
        is_group = talker.endswith("@chatroom")
        sender: str | None
        if me == 1:
            sender = self.builder.owner
        elif is_group:
            sender, content = self.builder.group_sender(raw.row_number, content, row[9])
        else:
            sender = talker
        msg = {
            "message_id": message_id,
            "chat_id": talker,
            "is_group": is_group,
            "sender_account": sender,
            "ts": row[6] * 1_000_000,
            "kind": message_kind(type_, subtype),
            "server_id": server_id,
            "raw_type": type_,
            "raw_subtype": subtype,
        }
        self.builder.add_prepared(raw, msg, content, me == 1)


def _ids(cols: list[tuple], arrays: dict[int, pa.Array], idx: np.ndarray) -> tuple[list, list]:
    """(message ids, MsgSvrID texts) of rows ``idx`` (well-typed: MsgSvrID > 0)."""
    if len(idx) == 0:
        return [], []
    server_id = _column(cols, arrays, _SVR, idx).cast(_STR)
    return digest_ids(
        "m", server_id.cast(pa.binary()).to_pylist(), _SVR_PREFIX
    ).to_pylist(), server_id.to_pylist()


def _typed_rows(cols: list[tuple]) -> tuple[np.ndarray, dict[int, pa.Array]]:
    """Rows whose Type / talker / time / MsgSvrID / IsSender / content are well-typed values in range
    (what `ChatRowBuilder._prepare` would accept without surprises), and Arrow arrays of those
    columns over the whole chunk — or {} when a column holds other types (then checked row by row)."""
    n = len(cols[0])
    kinds = {i: set(map(type, cols[i])) for i in (_TALKER, _TYPE, _SUB, _ME, _TIME, _SVR)}
    content_ok = set(map(type, cols[_CONTENT])) <= {str, _NONE}
    if not (content_ok and kinds.pop(_TALKER) <= {str} and all(k <= {int} for k in kinds.values())):
        return np.fromiter(
            (
                _typed(*r)
                for r in zip(
                    *(cols[i] for i in (_TALKER, _TYPE, _SUB, _ME, _TIME, _CONTENT, _SVR)), strict=True
                )
            ),
            bool,
            n,
        ), {}
    arrays = {
        i: pa.array(cols[i], _STR if i == _TALKER else _INT) for i in (_TALKER, _TYPE, _SUB, _ME, _TIME, _SVR)
    }
    talker = arrays[_TALKER]
    ok = reduce(
        pc.and_,
        (
            pc.greater(pc.binary_length(talker), 0),
            pc.equal(pc.utf8_trim(talker, WHITESPACE), talker),
            pc.greater_equal(arrays[_TIME], MIN_TS),
            pc.less(arrays[_TIME], MAX_TS),
            pc.greater(arrays[_SVR], 0),
            pc.is_in(arrays[_ME], value_set=pa.array([0, 1], _INT)),
        ),
    )
    return np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool), arrays


def _plain_types(cols: list[tuple], arrays: dict[int, pa.Array]) -> np.ndarray:
    """Type is one of `FAST_TYPES` (meaningful for well-typed rows only)."""
    if arrays:
        return np.asarray(
            pc.is_in(arrays[_TYPE], value_set=pa.array(FAST_TYPES, _INT)).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
    return np.array([t in _FAST_SET for t in cols[_TYPE]], dtype=bool)


def _received(cols: list[tuple], arrays: dict[int, pa.Array]) -> np.ndarray:
    """Sent by someone else into a group (meaningful for plain rows only)."""
    if arrays:
        mask = pc.and_(pc.ends_with(arrays[_TALKER], "@chatroom"), pc.equal(arrays[_ME], 0))
        return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    return np.array(
        [
            type(t) is str and t.endswith("@chatroom") and me == 0
            for t, me in zip(cols[_TALKER], cols[_ME], strict=True)
        ],
        dtype=bool,
    )


def _typed(talker, type_, subtype, is_sender, ctime, content, svrid) -> bool:
    return (
        type(type_) is int
        and type(talker) is str
        and type(ctime) is int
        and MIN_TS <= ctime < MAX_TS
        and type(svrid) is int
        and svrid > 0
        and type(subtype) is int
        and (is_sender == 0 or is_sender == 1)
        and (content is None or type(content) is str)
        and talker != ""
        and talker == talker.strip()
    )


def _take(values: tuple, idx: np.ndarray) -> list:
    if len(idx) == 0:
        return []
    picked = itemgetter(*idx.tolist())(values)
    return list(picked) if len(idx) > 1 else [picked]


def _column(cols: list[tuple], arrays: dict[int, pa.Array], i: int, idx: np.ndarray) -> pa.Array:
    if i in arrays:
        return arrays[i].take(pa.array(idx))
    return pa.array(_take(cols[i], idx), _STR if i in (_TALKER, _CONTENT) else _INT)


def _fast_columns(
    cols: list[tuple], arrays: dict, idx: np.ndarray, owner: str, senders: list, texts: list
) -> dict:
    talker, type_, me = (_column(cols, arrays, i, idx) for i in (_TALKER, _TYPE, _ME))
    content = _column(cols, arrays, _CONTENT, idx)
    server_id = _column(cols, arrays, _SVR, idx).cast(_STR)
    is_group = pc.ends_with(talker, "@chatroom")
    own = pc.equal(me, 1)
    sender = pc.if_else(own, owner, talker)
    if senders:  # the received group rows, in the same order as they were visited
        received = pc.and_(is_group, pc.invert(own))
        sender = pc.replace_with_mask(sender, received, pa.array(senders, _STR))
        content = pc.replace_with_mask(content, received, pa.array(texts, _STR))
    return {
        "message_id": digest_ids("m", server_id.cast(pa.binary()).to_pylist(), _SVR_PREFIX),
        "chat_id": talker,
        "is_group": is_group,
        "sender_account": sender,
        "ts": pc.multiply(_column(cols, arrays, _TIME, idx), 1_000_000).cast(TS),
        "kind": _KINDS.take(pc.index_in(type_, value_set=pa.array(FAST_TYPES, _INT))),
        "text": pc.if_else(pc.equal(type_, 1), content, pa.scalar(None, _STR)),
        "server_id": server_id,
        "raw_type": type_,
        "raw_subtype": _column(cols, arrays, _SUB, idx),
    }


def _merge(columns: dict, plain: np.ndarray, general: list[dict], positions: list[int]) -> dict:
    """The plain rows' columns and the row parser's messages together, in row order."""
    names = [n for n in _MESSAGES.names if n != "source_id"]
    fast = pa.table(
        {n: columns[n] if n in columns else pa.nulls(len(plain), _MESSAGES.field(n).type) for n in names}
    )
    rows = pa.Table.from_batches(
        [pa.RecordBatch.from_struct_array(pa.array(general, type=pa.struct(_MESSAGES)))]
    )
    both = pa.concat_tables([fast, rows.select(names)])
    order = np.argsort(np.concatenate([plain, np.asarray(positions, dtype=np.int64)]), kind="stable")
    return {n: c.combine_chunks() for n, c in zip(names, both.take(pa.array(order)).columns, strict=True)}
