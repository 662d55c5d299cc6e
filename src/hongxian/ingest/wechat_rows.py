"""WeChat Pay bill rows → canonical ``payments`` (formats.md §1.3–§1.8, §6).

One `WeChatRows` per file: columns mapped by header name, each row parsed on the hot path
with ``str`` methods only, bad rows rejected with a Chinese reason, refunds paired in-reader.

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

from datetime import datetime

from hongxian.dataset.identity import NAME_PREFIX
from hongxian.ingest.base import Sink
from hongxian.ingest.bill_common import (
    ID_SEP,
    STRIP,
    BadValue,
    PaymentIds,
    cell_str,
    cell_time,
    looks_excel_amount,
    number_to_fen,
    parse_time_loose,
    status_refund_fen,
    yuan_to_fen,
)
from hongxian.ingest.bill_refunds import Original, RefundPairer

COLUMNS = {  # field → accepted header names (after （）→() normalisation)
    "time": ("交易时间",), "type": ("交易类型",), "party": ("交易对方",), "goods": ("商品",),
    "dir": ("收/支",), "amount": ("金额(元)", "金额"), "method": ("支付方式",), "status": ("当前状态",),
    "txn": ("交易单号",), "mo": ("商户单号",), "remark": ("备注",),
}
REQUIRED = ("time", "type", "dir", "amount")
DIRECTIONS = {"支出": "out", "收入": "in", "/": "neutral", "": "neutral", "中性交易": "neutral",
              "不计收支": "neutral", "其他": "neutral"}
_QR = ("扫二维码付款", "二维码收款", "付款码付款", "赞赏码")
_MERCHANT = ("商户消费", "分分捐")
REFUNDED_STATUSES = ("已全额退款", "对方已退还", "已退还")
MEMO_PREFIXES = ("转账备注:", "转账备注：", "收款方备注:", "收款方备注：")
GROUP_PACKET = "发出群红包"
INTERNAL = "内部错误"
_NULLS = frozenset(("", "/"))
_NO_PARTY = frozenset(("", "/", GROUP_PACKET))
_LINKED_KINDS = frozenset(("red_packet", "transfer"))  # 商户单号 = sendid / transferid (formats.md §6)
_fromiso = datetime.fromisoformat
_REFUND_MARKS = ("已退款", *REFUNDED_STATUSES)  # statuses that make a row a possible refund original


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


def header_index(header: list[str]) -> dict[str, int]:
    """Field → column index, by name; raises KeyError(missing Chinese names)."""
    names = [cell_str(h).replace("（", "(").replace("）", ")") for h in header]
    idx = {}
    for field, accepted in COLUMNS.items():
        for name in accepted:
            if name in names:
                idx[field] = names.index(name)
                break
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in idx]
    if missing:
        raise KeyError("、".join(missing))
    return idx


def memo_text(goods: str | None, remark: str | None) -> str | None:
    """商品 without the ``转账备注:`` / ``收款方备注:`` label, plus 备注 when it says something else."""
    goods = None if goods in _NULLS else goods
    remark = None if remark in _NULLS else remark
    if goods and goods.startswith(MEMO_PREFIXES):
        for p in MEMO_PREFIXES:
            if goods.startswith(p):
                goods = goods[len(p):].strip(STRIP) or None
                break
    if remark and goods and remark != goods:
        return f"{goods}；{remark}"
    return goods or remark


class WeChatRows:
    """Parses data rows of one WeChat Pay bill into a sink.

    `feed` takes raw cells: strings from CSV, or spreadsheet values from XLSX (``text_cells=False``:
    everything but 交易时间 / 金额 is turned into text first).
    """

    def __init__(self, header: list[str], sink: Sink, owner_account: str | None, text_cells: bool = True):
        self.idx = header_index(header)
        self.width = len(header)
        self.sink, self.owner, self.text_cells = sink, owner_account, text_cells
        # optional columns that are absent read the "" appended to every row (index -1)
        self.cols = tuple(self.idx.get(f, -1) for f in
                          ("time", "amount", "dir", "type", "party", "goods", "method", "status", "txn", "mo", "remark"))
        self.ids = PaymentIds("pay")
        self.refunds = RefundPairer()
        self.kinds: dict[str, str] = {}
        self.names: set[str] = set()
        self.numeric_amounts = False

    # ------------------------------------------------------------ per row

    def feed(self, row_number: int, cells: list) -> None:
        """One data row: loaded or rejected (with its file row number), never raised. Blank rows are skipped."""
        if self.text_cells:
            clean = [c.strip(STRIP) for c in cells]
            if not any(clean):
                return
        else:
            clean = self._texts(cells)
            if all(c == "" for c in clean):
                return
        if len(clean) != self.width:
            fitted = self._fit(row_number, cells)
            if fitted is None:
                return
            clean = [c.strip(STRIP) for c in fitted] if self.text_cells else self._texts(fitted)
        clean.append("")
        try:
            self._row(clean)
        except BadValue as bad:
            self.sink.reject(row_number, _raw(cells), f"{bad.column}：{bad.reason}", bad.column)
        except Exception as exc:  # a parser bug must cost one row, not the file
            self.sink.reject(row_number, _raw(cells), f"{INTERNAL}：{type(exc).__name__}: {exc}")

    def _texts(self, cells: list) -> list:
        keep = (self.cols[0], self.cols[1])
        return [c if i in keep and c is not None and not isinstance(c, str) else cell_str(c)
                for i, c in enumerate(cells)]

    def _fit(self, row_number: int, cells: list) -> list | None:
        """Repair the field count: pad short rows, re-join unquoted commas (交易对方, 商品, 备注)."""
        n = self.width
        if len(cells) < n:
            return list(cells) + [""] * (n - len(cells))
        if not any(cell_str(c) for c in cells[n:]):
            return cells[:n]
        extra = len(cells) - n
        for field in ("party", "goods", "remark"):
            col = self.idx.get(field)
            if col is None:
                continue
            merged = [*cells[:col], ",".join(str(c) for c in cells[col:col + extra + 1]), *cells[col + extra + 1:]]
            if self._plausible(merged):
                self.sink.warn("部分行的交易对方/商品/备注含未加引号的逗号，已按列含义合并字段")
                return merged
        self.sink.reject(row_number, _raw(cells), f"该行有 {len(cells)} 个字段（应为 {n} 个），"
                         "无法确定多出的逗号属于哪一列")
        return None

    def _plausible(self, cells: list) -> bool:
        if cell_str(cells[self.idx["dir"]]) not in DIRECTIONS:
            return False
        amount = cells[self.idx["amount"]]
        try:
            if isinstance(amount, str):
                yuan_to_fen(amount.strip(STRIP))
            return True
        except BadValue:
            return False

    def _row(self, c: list) -> None:
        it, ia, idr, ity, ip, ig, im, ist, itx, imo, irm = self.cols
        t = c[it]
        if type(t) is str and len(t) == 19 and t[4] == "-" and t[10] == " ":
            ts_key = t + "+08:00"  # == str(ts): the id text is the same for CSV and XLSX rows
            try:
                ts = _fromiso(ts_key)
            except ValueError:
                ts, ts_key = self._slow_time(t)
        else:
            ts, ts_key = self._slow_time(t)
        a = c[ia]
        fen = yuan_to_fen(a, "金额(元)") if type(a) is str and a and "," not in a else self._amount(a)
        d = c[idr]
        direction = DIRECTIONS.get(d)
        if direction is None:
            raise BadValue("收/支", f"收/支“{d}”无法识别（应为 收入、支出 或 /）")
        raw_type, party, goods, method, status, txn, mo, remark = c[ity], c[ip], c[ig], c[im], c[ist], c[itx], c[imo], c[irm]
        if "E+" in txn or "E+" in mo:
            self.sink.warn("交易单号/商户单号呈科学计数法（如 4.2E+27），文件可能经 Excel 另存，单号已失真")
        pid = self.ids.from_key(ID_SEP.join((ts_key, raw_type, party, goods, d, str(fen), method, txn, mo, remark)))
        kind = self.kinds.get(raw_type) or self.kinds.setdefault(raw_type, wechat_kind(raw_type))
        name, account = self._party(party, direction)
        owner = self.owner
        if direction == "out":
            payer, payee = owner, account
        elif direction == "in" or kind == "refund":
            payer, payee = account, owner
        else:
            payer, payee = owner, None
        mo_id = None if mo in _NULLS else mo
        row = {
            "payment_id": pid, "ts": ts, "kind": kind, "payer_account": payer, "payee_account": payee,
            "amount_fen": fen, "status": status or None, "memo": memo_text(goods, remark),
            "direction": direction, "owner_account": owner, "counterparty_name": name,
            "txn_id": None if txn in _NULLS else txn, "merchant_order_id": mo_id,
            "ext_id": mo_id if kind in _LINKED_KINDS else None,
            "refund_of": None, "refunded_fen": None, "origin": "bill", "raw_type": raw_type or None,
        }
        if kind == "refund" or status.startswith(_REFUND_MARKS) or (mo_id is not None and mo_id in self.refunds.wanted):
            self._emit(row, kind, status, name, account, raw_type)
        else:
            self.sink.add("payments", row)

    def _party(self, party: str, direction: str) -> tuple[str | None, str | None]:
        """Counterparty display name (``发给`` stripped, group packets have none) and its name account."""
        name = None if party in _NO_PARTY else (party[2:].strip(STRIP) or None if party.startswith("发给") else party)
        if name is None or direction == "neutral":
            return name, None
        account = NAME_PREFIX + name
        if name not in self.names:
            self.names.add(name)
            self.sink.add("accounts", {"account_id": account, "platform": "wechat", "display_name": name})
        return name, account

    def _slow_time(self, value) -> tuple[datetime, str]:
        ts = self._time(value)
        return ts, str(ts)

    def _time(self, value) -> datetime:
        if type(value) is str:
            s = value.strip(STRIP)
            if len(s) == 19 and s[4] == "-" and s[10] == " ":
                try:
                    return datetime.fromisoformat(s + "+08:00")
                except ValueError:
                    return parse_time_loose(s)
        ts, resaved = cell_time(value)
        if resaved:
            self.sink.warn("交易时间格式像“2024/1/5 9:03”，文件可能经 Excel 打开后另存（秒数可能丢失），请尽量使用原始导出文件")
        return ts

    def _amount(self, value) -> int:
        if type(value) is str:
            s = value.strip(STRIP)
            if not s:
                raise BadValue("金额(元)", "金额为空")
            if looks_excel_amount(s):
                self.sink.warn("金额含千位分隔符（如“¥1,020.00”），文件可能经 Excel 打开后另存，请尽量使用原始导出文件")
            return yuan_to_fen(s, "金额(元)")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.numeric_amounts = True
            return number_to_fen(float(value), "金额(元)")
        raise BadValue("金额(元)", "金额为空" if value is None else f"金额“{value}”无法识别")

    def _emit(self, row: dict, kind: str, status: str, name: str | None, account: str | None,
              raw_type: str) -> None:
        fen = row["amount_fen"]
        if kind == "refund":
            prefix = raw_type[:-3].strip(STRIP)  # <商户>-退款 names the merchant
            names = (name, prefix) if prefix and wechat_kind(prefix) in ("other", "merchant") else (name,)
            self.refunds.hold(row, (row["txn_id"],) if row["txn_id"] else (), tuple(n for n in names if n))
            return
        partial = status.startswith("已退款")
        refunded = status_refund_fen(status) if partial else (fen if status in REFUNDED_STATUSES else None)
        row["refunded_fen"] = refunded
        was_refunded = partial or refunded is not None
        key = row["merchant_order_id"]
        if was_refunded or (key is not None and key in self.refunds.wanted):  # only possible originals
            self.refunds.remember(Original(row["payment_id"], row["ts"], fen, name, account, was_refunded), (key,))
        self.sink.add("payments", row)

    def finish(self) -> None:
        """Write the held refund rows, paired with their originals where the file has them."""
        for row in self.refunds.pair():
            self.sink.add("payments", row)


def _raw(cells: list) -> str:
    return ",".join("" if c is None else str(c) for c in cells)
