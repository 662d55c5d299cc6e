"""WeChat Pay bill rows → canonical ``payments`` (formats.md §1.3–§1.8, §6).

One `WeChatRows` per file: columns mapped by header name. A row arrives either one at a time
(`feed`: XLSX cells, or CSV records from the line-wise reader) or as part of a block already
parsed column-wise (`wechat_blocks`). `parse_cells` turns one row's cells into the typed
values of `wechat_columns.PARSED` with ``str`` methods only (bad rows rejected with a Chinese
reason and their file row number); `wechat_columns.WeChatPayments` derives the payment columns
of a whole block at once and pairs refunds. Kind mapping: see `wechat_columns`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from hongxian.ingest.base import BATCH_ROWS, Sink
from hongxian.ingest.bill_common import (
    STRIP,
    BadValue,
    cell_str,
    cell_time,
    looks_excel_amount,
    number_to_fen,
    parse_time_loose,
    yuan_to_fen,
)
from hongxian.ingest.wechat_columns import (  # re-exported: the public names of this module
    DIRECTIONS,
    GROUP_PACKET,
    MEMO_PREFIXES,
    PARSED,
    REFUNDED_STATUSES,
    WeChatPayments,
    memo_text,
    wechat_kind,
)

__all__ = [
    "COLUMNS",
    "DIRECTIONS",
    "GROUP_PACKET",
    "INTERNAL",
    "MEMO_PREFIXES",
    "REFUNDED_STATUSES",
    "REQUIRED",
    "WeChatRows",
    "header_index",
    "memo_text",
    "wechat_kind",
]

COLUMNS = {  # field → accepted header names (after （）→() normalisation)
    "time": ("交易时间",),
    "type": ("交易类型",),
    "party": ("交易对方",),
    "goods": ("商品",),
    "dir": ("收/支",),
    "amount": ("金额(元)", "金额"),
    "method": ("支付方式",),
    "status": ("当前状态",),
    "txn": ("交易单号",),
    "mo": ("商户单号",),
    "remark": ("备注",),
}
FIELDS = ("time", "amount", "dir", "type", "party", "goods", "method", "status", "txn", "mo", "remark")
REQUIRED = ("time", "type", "dir", "amount")
INTERNAL = "内部错误"
_fromiso = datetime.fromisoformat
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_INT_COLUMNS = frozenset(("ts", "fen"))


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


def epoch_us(ts: datetime) -> int:
    """An aware datetime → µs since the epoch (exact integer arithmetic)."""
    return (ts - _EPOCH) // _US


class WeChatRows:
    """Parses data rows of one WeChat Pay bill into a sink.

    `feed` takes raw cells: strings from CSV, or spreadsheet values from XLSX (``text_cells=False``:
    everything but 交易时间 / 金额 is turned into text first).
    """

    def __init__(
        self,
        header: list[str],
        sink: Sink,
        owner_account: str | None,
        text_cells: bool = True,
        owner_names: frozenset[str] = frozenset(),
    ):
        self.idx = header_index(header)
        self.width = len(header)
        self.sink, self.owner, self.text_cells = sink, owner_account, text_cells
        # optional columns that are absent read the "" appended to every row (index -1)
        self.cols = tuple(self.idx.get(f, -1) for f in FIELDS)
        self.payments = WeChatPayments(sink, owner_account, owner_names)
        self.pending: list[tuple] = []
        self.numeric_amounts = False

    # ------------------------------------------------------------ per row

    def feed(self, row_number: int, cells: list) -> None:
        """One data row: loaded or rejected (with its file row number), never raised. Blank rows are
        skipped."""
        values = self.parse_cells(row_number, cells)
        if values is not None:
            self.pending.append(values)
            if len(self.pending) >= BATCH_ROWS:
                self.flush()

    def parse_cells(self, row_number: int, cells: list) -> tuple | None:
        """The `PARSED` values of one row, or None (blank, or rejected into the sink)."""
        if self.text_cells:
            clean = [c.strip(STRIP) for c in cells]
            if not any(clean):
                return None
        else:
            clean = self._texts(cells)
            if all(c == "" for c in clean):
                return None
        self.sink.count_in()
        if len(clean) != self.width:
            fitted = self._fit(row_number, cells)
            if fitted is None:
                return None
            clean = [c.strip(STRIP) for c in fitted] if self.text_cells else self._texts(fitted)
        clean.append("")
        try:
            return self._values(clean)
        except BadValue as bad:
            self.sink.reject(row_number, _raw(cells), f"{bad.column}：{bad.reason}", bad.column)
        except Exception as exc:  # a parser bug must cost one row, not the file
            self.sink.reject(row_number, _raw(cells), f"{INTERNAL}：{type(exc).__name__}: {exc}")
        return None

    def _texts(self, cells: list) -> list:
        keep = (self.cols[0], self.cols[1])
        return [
            c if i in keep and c is not None and not isinstance(c, str) else cell_str(c)
            for i, c in enumerate(cells)
        ]

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
            merged = [
                *cells[:col],
                ",".join(str(c) for c in cells[col : col + extra + 1]),
                *cells[col + extra + 1 :],
            ]
            if self._plausible(merged):
                self.sink.warn("部分行的交易对方/商品/备注含未加引号的逗号，已按列含义合并字段")
                return merged
        self.sink.reject(
            row_number,
            _raw(cells),
            f"该行有 {len(cells)} 个字段（应为 {n} 个），无法确定多出的逗号属于哪一列",
        )
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

    def _values(self, c: list) -> tuple:
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
        return (
            epoch_us(ts),
            ts_key,
            fen,
            d,
            direction,
            c[ity],
            c[ip],
            c[ig],
            c[im],
            c[ist],
            c[itx],
            c[imo],
            c[irm],
        )

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
            self.sink.warn(
                "交易时间格式像“2024/1/5 9:03”，文件可能经 Excel 打开后另存（秒数可能丢失），"
                "请尽量使用原始导出文件"
            )
        return ts

    def _amount(self, value) -> int:
        if type(value) is str:
            s = value.strip(STRIP)
            if not s:
                raise BadValue("金额(元)", "金额为空")
            if looks_excel_amount(s):
                self.sink.warn(
                    "金额含千位分隔符（如“¥1,020.00”），文件可能经 Excel 打开后另存，请尽量使用原始导出文件"
                )
            return yuan_to_fen(s, "金额(元)")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.numeric_amounts = True
            return number_to_fen(float(value), "金额(元)")
        raise BadValue("金额(元)", "金额为空" if value is None else f"金额“{value}”无法识别")

    # ------------------------------------------------------------ blocks

    def flush(self) -> None:
        """Write the rows fed one at a time so far."""
        if self.pending:
            block = values_block(self.pending)
            self.pending = []
            self.payments.emit(block)

    def emit_block(self, block: dict[str, pa.Array]) -> None:
        """A block parsed column-wise (`wechat_blocks`), after any rows fed before it."""
        self.flush()
        self.payments.emit(block)

    def finish(self) -> None:
        """Write what is pending and the held refund rows, paired with their originals where found."""
        self.flush()
        self.payments.finish()


def values_block(rows: list[tuple]) -> dict[str, pa.Array]:
    """`parse_cells` results → a parsed block (`wechat_columns.PARSED`)."""
    return {
        name: pa.array(col, pa.int64() if name in _INT_COLUMNS else pa.string())
        for name, col in zip(PARSED, zip(*rows, strict=True), strict=True)
    }


def _raw(cells: list) -> str:
    return ",".join("" if c is None else str(c) for c in cells)
