"""WeChat Pay bill rows, a block at a time → canonical ``payments`` columns (formats.md §1.3–§1.8, §6).

The readers parse each row's cells into a few typed values (`PARSED`); everything derived from
them — the content id, ``kind``, counterparty name and account, payer/payee, memo, nulls for
``/`` — is computed here column-wise with pyarrow, then written with `Sink.add_columns`.
Only rows that are (or may be) refund originals, and refund rows themselves, are visited one
by one: they feed the in-reader refund pairing (`bill_refunds`).

交易类型 → kind (open set, unknown types become ``other`` and are never rejected):

* ``…-退款`` → refund (checked first: 转账-退款, 微信红包-退款, <商户>-退款, 亲属卡交易-退款)
* 微信红包, 微信红包（单发/群红包/面对面红包）, 企业微信红包 → red_packet
* 转账 → transfer;  群收款 → group_collection
* 扫二维码付款, 二维码收款, 付款码付款, 赞赏码 → qr
* 亲属卡交易, 礼品卡 / 微信礼品卡 → gift_card (someone else's money pays for the owner, or the
  owner's for someone else: the same integrity question as a gift)
* 商户消费, 分分捐 (charity) → merchant
* 零钱充值/提现, 零钱通, 理财通, 信用卡还款, 其他 and anything unknown → other
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hongxian.canonical import TS
from hongxian.dataset.identity import NAME_PREFIX, NAMESAKE_SUFFIX, namesake_account
from hongxian.ingest.base import Sink
from hongxian.ingest.bill_common import (
    ID_SEP,
    MANGLED_ID_RE,
    MANGLED_ID_WARNING,
    STRIP,
    BlockIds,
    status_refund_fen,
)
from hongxian.ingest.bill_refunds import Original, RefundPairer

PARSED = (
    "ts",
    "ts_key",
    "fen",
    "d",
    "direction",
    "raw_type",
    "party",
    "goods",
    "method",
    "status",
    "txn",
    "mo",
    "remark",
)
"""A parsed block: ``ts`` µs since the epoch (int64), ``ts_key`` the time text the id hashes, ``fen``
int64, ``d`` the 收/支 text and ``direction`` its meaning; the rest are the stripped cell texts."""

DIRECTIONS = {
    "支出": "out",
    "收入": "in",
    "/": "neutral",
    "": "neutral",
    "中性交易": "neutral",
    "不计收支": "neutral",
    "其他": "neutral",
}
_QR = ("扫二维码付款", "二维码收款", "付款码付款", "赞赏码")
_MERCHANT = ("商户消费", "分分捐")
REFUNDED_STATUSES = ("已全额退款", "对方已退还", "已退还")
MEMO_PREFIXES = ("转账备注:", "转账备注：", "收款方备注:", "收款方备注：")
GROUP_PACKET = "发出群红包"
NULLS = ("", "/")
_NO_PARTY = ("", "/", GROUP_PACKET)
_LINKED_KINDS = ("red_packet", "transfer")  # 商户单号 = sendid / transferid (formats.md §6)
_REFUND_MARKS = ("已退款", *REFUNDED_STATUSES)  # statuses that make a row a possible refund original
_MEMO_PREFIX_RE = "^(转账备注|收款方备注)[:：]"
_STR = pa.string()
_NULL = pa.scalar(None, _STR)
_PAIRED = ("refund_of", "payer_account", "counterparty_name")
_SPECIAL_COLUMNS = (
    "payment_id",
    "ts",
    "kind",
    "amount_fen",
    "counterparty_name",
    "payer_account",
    "txn_id",
    "merchant_order_id",
    "raw_type",
    "_account",
)


def wechat_kind(raw_type: str) -> str:
    t = raw_type.strip(STRIP)
    if t.endswith("-退款"):
        return "refund"
    if "红包" in t:
        return "red_packet"
    if "群收款" in t:
        return "group_collection"
    if "转账" in t:
        return "transfer"
    if t in _QR or "二维码" in t or "赞赏" in t:
        return "qr"
    if "亲属卡" in t or "礼品卡" in t:
        return "gift_card"
    if t in _MERCHANT:
        return "merchant"
    return "other"


def memo_text(goods: str | None, remark: str | None) -> str | None:
    """商品 without the ``转账备注:`` / ``收款方备注:`` label, plus 备注 when it says something else."""
    goods = None if goods in NULLS else goods
    remark = None if remark in NULLS else remark
    if goods and goods.startswith(MEMO_PREFIXES):
        for p in MEMO_PREFIXES:
            if goods.startswith(p):
                goods = goods[len(p) :].strip(STRIP) or None
                break
    if remark and goods and remark != goods:
        return f"{goods}；{remark}"
    return goods or remark


# ---------------------------------------------------------------- column helpers


def nullify(arr: pa.Array, values: tuple[str, ...] = NULLS) -> pa.Array:
    """``/`` and empty → null (bills use ``/`` for 'not applicable')."""
    return pc.if_else(pc.is_in(arr, value_set=pa.array(values, _STR)), _NULL, arr)


def starts_any(arr: pa.Array, prefixes: tuple[str, ...]) -> pa.Array:
    return reduce(pc.or_, (pc.starts_with(arr, p) for p in prefixes))


def memo_column(goods: pa.Array, remark: pa.Array) -> pa.Array:
    """`memo_text` over columns."""
    g = nullify(goods)
    bare = nullify(
        pc.utf8_trim(pc.replace_substring_regex(g, _MEMO_PREFIX_RE, "", max_replacements=1), STRIP), ("",)
    )
    g = pc.if_else(pc.fill_null(starts_any(g, MEMO_PREFIXES), False), bare, g)
    r = nullify(remark)
    both = pc.fill_null(pc.not_equal(g, r), False)
    return pc.if_else(both, pc.binary_join_element_wise(g, r, "；"), pc.coalesce(g, r))


def map_values(arr: pa.Array, fn, cache: dict) -> pa.Array:
    """``fn`` over the distinct values only (kinds, directions: a handful per file)."""
    enc = pc.dictionary_encode(arr)
    mapped = [cache[v] if v in cache else cache.setdefault(v, fn(v)) for v in enc.dictionary.to_pylist()]
    return pa.array(mapped, _STR).take(enc.indices)


class WeChatPayments:
    """Turns parsed blocks of one bill into payment (and counterparty account) columns."""

    def __init__(self, sink: Sink, owner_account: str | None, owner_names: frozenset[str] = frozenset()):
        self.sink, self.owner = sink, owner_account
        self.owner_names = pa.array(sorted(owner_names), _STR)  # the owner's nicknames (header, people.csv)
        self.ids = BlockIds("pay")
        self.refunds = RefundPairer()
        self.kinds: dict[str, str] = {}
        self.names: set[str] = set()
        self._wanted = pa.array([], _STR)  # 交易单号 of every refund row so far
        self._held: list[pa.Table] = []  # refund rows, written by `finish`

    def emit(self, b: dict[str, pa.Array]) -> None:
        """Write one parsed block (see `PARSED`); refund rows are held back until `finish`."""
        n = len(b["ts"])
        if n == 0:
            return
        b = self._unmangled(b)
        cols = self._columns(b)
        keep = self._refund_rows(cols, b["status"])
        if keep is not None:
            cols = {k: pc.filter(v, keep) for k, v in cols.items()}
        cols.pop("_account")
        self.sink.add_columns("payments", cols)

    def _unmangled(self, b: dict[str, pa.Array]) -> dict[str, pa.Array]:
        """交易单号 / 商户单号 that went through a float are blanked (and said so): a 15-digit
        approximation would pair refunds with the wrong originals."""
        out = dict(b)
        for key, column in (("txn", "交易单号"), ("mo", "商户单号")):
            mangled = pc.match_substring_regex(b[key], MANGLED_ID_RE)
            if pc.any(mangled).as_py():
                self.sink.warn(MANGLED_ID_WARNING.format(column=column))
                out[key] = pc.if_else(mangled, "", b[key])
        return out

    def finish(self) -> None:
        """Write the held refund rows, paired with their originals where the file has them."""
        paired = self.refunds.pair()
        if not paired:
            return
        held = pa.concat_tables(self._held)
        self._held = []
        cols = {name: held[name] for name in held.column_names}
        for name in _PAIRED:  # what pairing may fill in
            cols[name] = pa.array([r.get(name) for r in paired], _STR)
        self.sink.add_columns("payments", cols)

    # ------------------------------------------------------------ columns

    def _columns(self, b: dict[str, pa.Array]) -> dict[str, pa.Array]:
        kind = map_values(b["raw_type"], wechat_kind, self.kinds)
        name, account = self._parties(b["party"], b["direction"])
        out = pc.equal(b["direction"], "out")
        inward = pc.or_(pc.equal(b["direction"], "in"), pc.equal(kind, "refund"))
        owner = pa.scalar(self.owner, _STR)
        mo_id = nullify(b["mo"])
        return {
            "payment_id": self._ids(b),
            "ts": b["ts"].cast(TS),
            "kind": kind,
            "payer_account": pc.if_else(out, owner, pc.if_else(inward, account, owner)),
            "payee_account": pc.if_else(out, account, pc.if_else(inward, owner, _NULL)),
            "amount_fen": b["fen"],
            "status": nullify(b["status"], ("",)),
            "memo": memo_column(b["goods"], b["remark"]),
            # money moving relative to the owner: a refund comes back in whatever 收/支 says
            "direction": pc.if_else(pc.equal(kind, "refund"), "in", b["direction"]),
            "raw_direction": nullify(b["d"], ("",)),
            "owner_account": pa.repeat(owner, len(kind)),
            "counterparty_name": name,
            "txn_id": nullify(b["txn"]),
            "merchant_order_id": mo_id,
            "ext_id": pc.if_else(pc.is_in(kind, value_set=pa.array(_LINKED_KINDS)), mo_id, _NULL),
            "refunded_fen": pa.nulls(len(kind), pa.int64()),
            "origin": pa.repeat(pa.scalar("bill", _STR), len(kind)),
            "raw_type": nullify(b["raw_type"], ("",)),
            "_account": account,
        }

    def _ids(self, b: dict[str, pa.Array]) -> pa.Array:
        # 交易单号 / 商户单号 are left out: a spreadsheet re-save mangles them (4.2e+27), and the same
        # row must keep its id in the original and the re-saved file (issue 13 item 7).
        key = pc.binary_join_element_wise(
            b["ts_key"],
            b["raw_type"],
            b["party"],
            b["goods"],
            b["d"],
            b["fen"].cast(_STR),
            b["method"],
            b["remark"],
            ID_SEP,
        )
        return self.ids.assign(key.cast(pa.binary()).to_pylist())

    def _parties(self, party: pa.Array, direction: pa.Array) -> tuple[pa.Array, pa.Array]:
        """Counterparty display name (``发给`` stripped, group packets have none) and its name account;
        a first-seen name also becomes an ``accounts`` row."""
        gift = nullify(pc.utf8_trim(pc.utf8_slice_codeunits(party, 2), STRIP), ("",))
        name = pc.if_else(
            pc.is_in(party, value_set=pa.array(_NO_PARTY, _STR)),
            _NULL,
            pc.if_else(pc.starts_with(party, "发给"), gift, party),
        )
        with_account = pc.and_(pc.is_valid(name), pc.not_equal(direction, "neutral"))
        namesake = pc.fill_null(pc.is_in(name, value_set=self.owner_names), False)
        account = pc.if_else(
            with_account,
            pc.if_else(
                namesake,
                pc.binary_join_element_wise(NAME_PREFIX, name, NAMESAKE_SUFFIX, ""),
                pc.binary_join_element_wise(NAME_PREFIX, name, ""),
            ),
            _NULL,
        )
        new = [v for v in pc.unique(pc.filter(name, with_account)).to_pylist() if v not in self.names]
        if new:
            self.names.update(new)
            owner_names = set(self.owner_names.to_pylist())
            self.sink.add_columns(
                "accounts",
                {
                    "account_id": [namesake_account(v) if v in owner_names else NAME_PREFIX + v for v in new],
                    "platform": ["wechat"] * len(new),
                    "display_name": new,
                },
            )
        return name, account

    # ------------------------------------------------------------ refunds

    def _refund_rows(self, cols: dict[str, pa.Array], status: pa.Array) -> pa.Array | None:
        """Refund bookkeeping for the rows that are, or may be, refunds or refund originals (in file
        order); returns the mask of rows to write now (refund rows are held), or None for all."""
        is_refund = pc.equal(cols["kind"], "refund")
        self._wanted = pa.concat_arrays([self._wanted, pc.drop_null(pc.filter(cols["txn_id"], is_refund))])
        special = pc.or_(is_refund, starts_any(status, _REFUND_MARKS))
        if len(self._wanted):  # a superset of the keys asked for by the refunds before each row
            special = pc.or_(
                special, pc.fill_null(pc.is_in(cols["merchant_order_id"], value_set=self._wanted), False)
            )
        idx = pc.indices_nonzero(special)
        if len(idx) == 0:
            return None
        rows = _rows({k: cols[k] for k in _SPECIAL_COLUMNS}, idx)
        refunded: list[int | None] = []
        held: list[int] = []
        for pos, (row, st) in enumerate(zip(rows, status.take(idx).to_pylist(), strict=True)):
            if row["kind"] == "refund":
                held.append(pos)
                refunded.append(None)
                self._hold(row)
            else:
                refunded.append(self._original(row, st))
        n = len(is_refund)
        if any(v is not None for v in refunded):
            cols["refunded_fen"] = pc.replace_with_mask(
                pa.nulls(n, pa.int64()), special, pa.array(refunded, pa.int64())
            )
        if not held:
            return None
        keep = np.ones(n, dtype=bool)
        keep[idx.to_numpy()[held]] = False
        out = {k: v for k, v in cols.items() if k != "_account"}
        self._held.append(pa.table(out).filter(pa.array(~keep)))
        return pa.array(keep)

    def _hold(self, row: dict) -> None:
        """The refund row waits for `finish` (its columns in `_held`; `row` is what pairing reads)."""
        name = row["counterparty_name"]
        prefix = row["raw_type"][:-3].strip(STRIP)  # <商户>-退款 names the merchant
        kind = self.kinds.get(prefix) or self.kinds.setdefault(prefix, wechat_kind(prefix))
        names = (name, prefix) if prefix and kind in ("other", "merchant") else (name,)
        self.refunds.hold(row, (row["txn_id"],) if row["txn_id"] else (), tuple(n for n in names if n))

    def _original(self, row: dict, status: str) -> int | None:
        """Remember a possible refund original; returns its refunded amount (``已退款(¥x)``…) if any."""
        fen = row["amount_fen"]
        partial = status.startswith("已退款")
        refunded = status_refund_fen(status) if partial else (fen if status in REFUNDED_STATUSES else None)
        was_refunded = partial or refunded is not None
        key = row["merchant_order_id"]
        if was_refunded or (key is not None and key in self.refunds.wanted):
            self.refunds.remember(
                Original(
                    row["payment_id"], row["ts"], fen, row["counterparty_name"], row["_account"], was_refunded
                ),
                (key,),
            )
        return refunded


def _rows(cols: dict[str, pa.Array], idx: pa.Array) -> list[dict]:
    """Rows ``idx`` of a few columns as dicts (times as µs since the epoch: no datetimes needed)."""
    values = {k: (v.cast(pa.int64()) if k == "ts" else v).take(idx).to_pylist() for k, v in cols.items()}
    return [dict(zip(values, row, strict=True)) for row in zip(*values.values(), strict=True)]
