"""Writers of real-format payment bills (docs/formats.md §1, §2) for tests, demo and benchmarks.

* `write_wechat_csv`: WeChat Pay CSV (≤ 2025 layout); every lexical quirk of §1.8 is an option
  of `WeChatCsvStyle` (mixed quoting, TAB/space after ids, ¥ or ￥, unquoted commas, BOM, CRLF,
  GB18030, an Excel re-save with ``¥1,020.00`` and ``2024/1/5 9:03``).
* `write_wechat_xlsx`: WeChat Pay XLSX, 2025 layout (header row 17, text amounts) or 2026 layout
  (header row 18, numeric amounts with ``\\¥#,##0.00``), times as text, Excel datetimes or bare
  serials, the blank row 16 absent from / present in the XML or dropped, an extra first sheet.
* `write_alipay_csv`: Alipay app export (GB18030, space-padded fields, TAB after order numbers,
  trailing comma) or the older web export.

Rows are simple records (`WeChatBillRow`, `AlipayBillRow`); any field given as text is written
verbatim, so tests can plant broken values. Files are streamed: a million rows is fine.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

BEIJING = timezone(timedelta(hours=8))
WECHAT_HEADER = [
    "交易时间",
    "交易类型",
    "交易对方",
    "商品",
    "收/支",
    "金额(元)",
    "支付方式",
    "当前状态",
    "交易单号",
    "商户单号",
    "备注",
]
WECHAT_SEPARATOR = "----------------------微信支付账单明细列表--------------------"
ALIPAY_HEADER = [
    "交易时间",
    "交易分类",
    "交易对方",
    "对方账号",
    "商品说明",
    "收/支",
    "金额",
    "收/付款方式",
    "交易状态",
    "交易订单号",
    "商家订单号",
    "备注",
]
ALIPAY_WEB_HEADER = [
    "交易号",
    "商家订单号",
    "交易创建时间",
    "付款时间",
    "最近修改时间",
    "交易来源地",
    "类型",
    "交易对方",
    "商品名称",
    "金额（元）",
    "收/支",
    "交易状态",
    "服务费（元）",
    "成功退款（元）",
    "备注",
    "资金状态",
]
ALIPAY_BANNER = "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------"


@dataclass
class WeChatBillRow:
    """One WeChat Pay bill row. ``ts`` as datetime (naive = Beijing) or verbatim text."""

    ts: datetime | str
    type: str = "商户消费"
    counterparty: str = "/"
    goods: str = "/"
    direction: str = "支出"
    amount_fen: int = 0
    method: str = "零钱"
    status: str = "支付成功"
    txn_id: str = ""
    merchant_id: str = "/"
    remark: str = "/"
    amount_text: str | None = None  # verbatim 金额 cell instead of the formatted amount


@dataclass
class WeChatCsvStyle:
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030
    newline: str = "\n"
    pad_commas: int = 10  # preamble lines are padded with this many commas (real: 8 or 10)
    quoting: str = "mixed"  # mixed (as real exports) | all | minimal
    id_suffix: str = "\t"  # after 交易单号 / 商户单号: "\t", " ", "   " or ""
    yen: str = "¥"  # ¥ (U+00A5) or ￥ (U+FFE5)
    unquoted_commas: bool = False  # 交易对方 with commas written unquoted → rows with 12+ fields
    excel_resaved: bool = False  # "¥1,020.00" amounts and "2024/1/5 9:03" times


@dataclass
class AlipayBillRow:
    ts: datetime | str
    category: str = "日用百货"
    counterparty: str = "/"
    counter_account: str = "/"
    goods: str = ""
    direction: str = "支出"
    amount_fen: int = 0
    method: str = "余额"
    status: str = "交易成功"
    txn_id: str = ""
    merchant_id: str = ""
    remark: str = ""
    amount_text: str | None = None  # verbatim 金额 cell instead of the formatted amount

    @property
    def amount(self) -> str:
        return self.amount_text if self.amount_text is not None else yuan(self.amount_fen)


@dataclass
class BillPeriod:
    start: str = "2024-01-01 00:00:00"
    end: str = "2024-12-31 23:59:59"
    exported: str = "2025-01-02 09:15:41"
    extra: dict = field(default_factory=dict)


def yuan(fen: int, thousands: bool = False) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}" if thousands else f"{fen // 100}.{fen % 100:02d}"


def bill_time(ts: datetime | str, excel: bool = False) -> str:
    if isinstance(ts, str):
        return ts
    if ts.tzinfo is not None:
        ts = ts.astimezone(BEIJING).replace(tzinfo=None)
    return (
        f"{ts.year}/{ts.month}/{ts.day} {ts.hour}:{ts.minute:02d}"
        if excel
        else ts.strftime("%Y-%m-%d %H:%M:%S")
    )


class BillTotals:
    """The preamble's counts and sums (共N笔记录, 收入/支出/中性交易), accumulated row by row."""

    def __init__(self, rows: Iterable = ()):
        self.n = 0
        self.groups = {"收入": [0, 0], "支出": [0, 0], None: [0, 0]}
        for r in rows:
            self.add(r)

    def add(self, r) -> None:
        self.n += 1
        g = self.groups.get(r.direction) or self.groups[None]
        g[0] += 1
        g[1] += r.amount_fen if isinstance(r.amount_fen, int) else 0

    def lines(self, neutral: str = "中性交易") -> list[str]:
        (ni, ai), (no, ao), (nn, an) = self.groups["收入"], self.groups["支出"], self.groups[None]
        return [
            f"共{self.n}笔记录",
            f"收入：{ni}笔 {yuan(ai)}元",
            f"支出：{no}笔 {yuan(ao)}元",
            f"{neutral}：{nn}笔 {yuan(an)}元",
        ]


def wechat_preamble(
    rows: list[WeChatBillRow] | BillTotals, nickname: str, period: BillPeriod, layout: str
) -> list[str]:
    """Lines 1..n before the header: the csv/2025 text or the 2026 one (with note 4)."""
    totals = rows if isinstance(rows, BillTotals) else BillTotals(rows)
    note2 = (
        "2. 本明细仅展示当前账单中的交易，不包括已删除的记录"
        if layout == "csv"
        else "2. 若交易记录明细无有效内容，则代表该时间段内此微信号无交易。"
    )
    lines = [
        "微信支付账单明细",
        f"微信昵称：[{nickname}]",
        f"起始时间：[{period.start}] 终止时间：[{period.end}]",
        "导出类型：[全部]",
        f"导出时间：[{period.exported}]",
        "",
        *totals.lines(),
        "注：",
        "1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易",
        note2,
        "3. 本明细仅供个人对账使用",
    ]
    if layout == "2026":
        lines.append("4. 本账单中所有时间均为UTC+08:00时间")
    return [*lines, "", WECHAT_SEPARATOR]


# ---------------------------------------------------------------- WeChat CSV


def _quote(text: str, force: bool, style: WeChatCsvStyle, raw_ok: bool = False) -> str:
    multiline = "\n" in text or "\r" in text
    if raw_ok and style.unquoted_commas and "," in text and not multiline and not text.startswith('"'):
        return text  # the exporter bug: a comma inside an unquoted 交易对方 (formats.md §1.8)
    if force or multiline or "," in text or text.startswith('"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def wechat_csv_line(r: WeChatBillRow, style: WeChatCsvStyle, index: int = 0) -> str:
    """One data line (without newline) with the real exporter's quoting and id suffixes."""
    amount = (
        r.amount_text if r.amount_text is not None else style.yen + yuan(r.amount_fen, style.excel_resaved)
    )
    cells = [
        bill_time(r.ts, style.excel_resaved),
        r.type,
        r.counterparty,
        r.goods,
        r.direction,
        amount,
        r.method,
        r.status,
        r.txn_id,
        r.merchant_id,
        r.remark,
    ]
    if style.quoting == "all":
        forced = set(range(11))
    elif style.quoting == "minimal":
        forced = set()
    else:  # real files: some rows quote all text columns, others only 商品 and 备注
        forced = {1, 2, 3, 4, 6, 7, 8, 9, 10} if index % 2 == 0 else {3, 10}
    out = [_quote(c, i in forced, style, raw_ok=i == 2) for i, c in enumerate(cells)]
    out[8] += style.id_suffix
    out[9] += style.id_suffix
    return ",".join(out)


def write_wechat_csv(
    path: Path,
    rows: Iterable[WeChatBillRow],
    *,
    nickname: str = "林小舟",
    style: WeChatCsvStyle | None = None,
    period: BillPeriod | None = None,
) -> Path:
    """A WeChat Pay bill CSV as exported up to mid-2025 (header on line 17).

    ``rows`` may be a generator: data lines are spooled (to disk when large) while the preamble
    totals are counted, so a million-row bill needs no million objects in memory."""
    style, period, path = style or WeChatCsvStyle(), period or BillPeriod(), Path(path)
    totals = BillTotals()
    with tempfile.SpooledTemporaryFile(
        max_size=32 << 20, mode="w+", encoding=style.encoding, newline=""
    ) as spool:
        buf: list[str] = []
        for i, r in enumerate(rows):
            totals.add(r)
            buf.append(wechat_csv_line(r, style, i))
            if len(buf) == 10_000:
                spool.write(style.newline.join(buf) + style.newline)
                buf.clear()
        if buf:
            spool.write(style.newline.join(buf) + style.newline)
        spool.seek(0)
        pad = "," * style.pad_commas
        with open(path, "w", encoding=style.encoding, newline="") as fh:
            for line in wechat_preamble(totals, nickname, period, "csv"):
                fh.write(line + pad + style.newline)
            fh.write(",".join(WECHAT_HEADER) + style.newline)
            shutil.copyfileobj(spool, fh)
    return path


# ---------------------------------------------------------------- WeChat XLSX


def write_wechat_xlsx(
    path: Path,
    rows: Iterable[WeChatBillRow],
    *,
    nickname: str = "林小舟",
    layout: str = "2026",
    time_cells: str = "text",
    blank_row_xml: bool = False,
    drop_blank_row: bool = False,
    extra_sheet: bool = False,
    id_suffix: str = "\t",
    period: BillPeriod | None = None,
) -> Path:
    """A WeChat Pay bill XLSX. layout "2025": header row 17, ``¥`` text amounts; "2026": header row 18,
    numeric amounts. time_cells: "text" | "datetime" (Excel date with format) | "serial" (bare number)."""
    import xlsxwriter

    rows = rows if isinstance(rows, list) else list(rows)
    lines = wechat_preamble(rows, nickname, period or BillPeriod(), layout)
    if drop_blank_row:
        lines.pop(-2)
    wb = xlsxwriter.Workbook(str(path))
    try:
        if extra_sheet:
            _power_query_sheet(wb, lines, rows)
        ws = wb.add_worksheet("Sheet1")
        blank = wb.add_format({})
        for i, line in enumerate(lines):
            if line:
                ws.write_string(i, 0, line)
            elif blank_row_xml:
                ws.write_blank(i, 0, None, blank)
        _xlsx_rows(wb, ws, len(lines), rows, layout, time_cells, id_suffix)
    finally:
        wb.close()
    return Path(path)


def _xlsx_rows(
    wb, ws, top: int, rows: list[WeChatBillRow], layout: str, time_cells: str, id_suffix: str
) -> None:
    money = wb.add_format({"num_format": "\\¥#,##0.00"})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for c, name in enumerate(WECHAT_HEADER):
        ws.write_string(top, c, name)
    for i, r in enumerate(rows, start=top + 1):
        if isinstance(r.ts, datetime) and time_cells != "text":
            naive = r.ts.astimezone(BEIJING).replace(tzinfo=None) if r.ts.tzinfo else r.ts
            serial = (naive - datetime(1899, 12, 30)).total_seconds() / 86400
            if time_cells == "datetime":
                ws.write_number(i, 0, serial, when)
            else:
                ws.write_number(i, 0, serial)
        else:
            ws.write_string(i, 0, bill_time(r.ts))
        for c, text in (
            (1, r.type),
            (2, r.counterparty),
            (3, r.goods),
            (4, r.direction),
            (6, r.method),
            (7, r.status),
            (8, r.txn_id + id_suffix),
            (9, r.merchant_id + id_suffix),
            (10, r.remark),
        ):
            ws.write_string(i, c, text)
        if r.amount_text is not None:
            ws.write_string(i, 5, r.amount_text)
        elif layout == "2026":
            ws.write_number(i, 5, r.amount_fen / 100, money)
        else:
            ws.write_string(i, 5, "¥" + yuan(r.amount_fen))


def _power_query_sheet(wb, lines: list[str], rows: list[WeChatBillRow]) -> None:
    """The extra sheet of the double-entry-generator sample: a Power-Query copy of the CSV."""
    ws = wb.add_worksheet("example-wechat-records")
    for c in range(11):
        ws.write_string(0, c, f"Column{c + 1}")
    for i, line in enumerate(lines, start=1):
        if line:
            ws.write_string(i, 0, line)
    style = WeChatCsvStyle(quoting="minimal", id_suffix="")
    for i, r in enumerate([None, *rows], start=len(lines) + 1):
        cells = WECHAT_HEADER if r is None else wechat_csv_line(r, style).split(",")
        for c, text in enumerate(cells[:11]):
            ws.write_string(i, c, text)


# ---------------------------------------------------------------- Alipay


def alipay_preamble(rows: list[AlipayBillRow], name: str, account: str, period: BillPeriod) -> list[str]:
    summary = BillTotals(rows).lines("不计收支")
    notes = [
        "1.本回单内容可表明支付宝受理了相应支付交易申请，因系统原因或通讯故障等偶发因素导致本回单与实际交易结果不符时，以实际交易情况为准；",
        "2.请勿将本回单作为收款方发货的凭据使用，请查证账户实际到账情况后再进行发货操作；",
        "3.支付宝快捷支付等非余额支付方式可能既产生支付宝交易也同步产生银行交易，因此请勿使用本回单进行重复记账；",
        "4.本回单如经任何涂改、编造，均立即失去效力；",
        "5.部分账单如：充值提现、账户转存或者个人设置收支等不计入为收入或者支出，记为不计收支类；",
        "6.因统计逻辑不同，明细金额直接累加后，可能会和下方统计金额不一致，请以实际交易金额为准；",
        "7.禁止将本回单用于非法用途；",
        "8.本明细仅展示当前账单中的交易，不包括已删除的记录；",
        "9.本明细仅供个人对账使用。",
    ]
    return [
        "-" * 84,
        "导出信息：",
        f"姓名：{name}",
        f"支付宝账户：{account}",
        f"起始时间：[{period.start}]    终止时间：[{period.end}]",
        "导出交易类型：[全部]",
        f"导出时间：[{period.exported}]",
        *summary,
        "",
        "特别提示：",
        *notes,
        "",
        ALIPAY_BANNER,
    ]


def _alipay_cells(r: AlipayBillRow, pad: bool) -> list[str]:
    cells = [
        bill_time(r.ts),
        r.category,
        r.counterparty,
        r.counter_account,
        r.goods,
        r.direction,
        r.amount,
        r.method,
        r.status,
        r.txn_id + "\t",
        r.merchant_id + "\t",
        r.remark,
    ]
    return [c.ljust(20) if pad and i not in (9, 10) else c for i, c in enumerate(cells)]


def _alipay_web_cells(r: AlipayBillRow) -> list[str]:
    t = bill_time(r.ts)
    fund = {"支出": "已支出", "收入": "已收入"}.get(r.direction, "资金转移")
    refunded = r.amount if r.category == "退款" else "0.00"
    return [
        r.txn_id + "\t",
        r.merchant_id + "\t",
        t,
        t,
        t,
        "支付宝网站",
        r.category,
        r.counterparty,
        r.goods,
        r.amount,
        r.direction,
        r.status,
        "0.00",
        refunded,
        r.remark,
        fund,
    ]


def write_alipay_csv(
    path: Path,
    rows: Iterable[AlipayBillRow],
    *,
    name: str = "林小舟",
    account: str = "linxz@example.com",
    pad: bool = True,
    trailing_comma: bool = True,
    encoding: str = "gb18030",
    web: bool = False,
    period: BillPeriod | None = None,
) -> Path:
    """An Alipay bill CSV: the app e-mail export (default) or the older web export (``web=True``)."""
    rows = rows if isinstance(rows, list) else list(rows)
    period = period or BillPeriod()
    tail = "," if trailing_comma else ""
    if web:
        lines = [
            "支付宝交易记录明细查询",
            f"账号:[{account}]",
            f"起始日期:[{period.start}]    终止日期:[{period.end}]",
            "---------------------------------交易记录明细列表------------------------------------",
            ",".join(ALIPAY_WEB_HEADER) + tail,
            *(",".join(_alipay_web_cells(r)) + tail for r in rows),
            "------------------------------------------------------------------------------------",
            f"共{len(rows)}笔记录",
            f"导出时间:[{period.exported}]",
        ]
    else:
        header = [h.ljust(20) if pad else h for h in ALIPAY_HEADER]
        lines = [
            *alipay_preamble(rows, name, account, period),
            ",".join(header) + tail,
            *(",".join(_alipay_cells(r, pad)) + tail for r in rows),
        ]
    Path(path).write_bytes(("\n".join(lines) + "\n").encode(encoding, errors="replace"))
    return Path(path)


def write_alipay_xlsx(
    path: Path,
    rows: Iterable[AlipayBillRow],
    *,
    name: str = "林小舟",
    account: str = "linxz@example.com",
    period: BillPeriod | None = None,
) -> Path:
    """The Alipay app export saved as .xlsx (xlsxwriter): preamble lines in column A, then the header
    and one row per transaction, every cell text as in the CSV."""
    import xlsxwriter

    rows = rows if isinstance(rows, list) else list(rows)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("支付宝交易明细")
    lines = alipay_preamble(rows, name, account, period or BillPeriod())
    for i, line in enumerate(lines):
        ws.write_string(i, 0, line)
    ws.write_row(len(lines), 0, ALIPAY_HEADER)
    for i, r in enumerate(rows, start=len(lines) + 1):
        for c, cell in enumerate(_alipay_cells(r, pad=False)):
            ws.write_string(i, c, cell.strip("\t "))
    wb.close()
    return Path(path)


# ---------------------------------------------------------------- reading back


def read_bill(reader, path: Path, people=None, declared_owner: str | None = None):
    """Run a bill reader on one file the way the pipeline does; returns the filled `Sink`."""
    from hongxian.ingest.base import PeopleIndex, Sink, SourceContext

    path = Path(path)
    sink = Sink("s-test")
    reader.read(SourceContext(path, path.name, "s-test", declared_owner, people or PeopleIndex()), sink)
    sink.close()
    return sink
