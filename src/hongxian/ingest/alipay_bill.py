"""Alipay bill CSV (支付宝交易明细): app e-mail export (2020–2026) and the older web export; the same
content saved as .xlsx (first sheet, preamble in the first column) is read the same way.

Recognised by content (formats.md §3.1): GB18030 (or UTF-8) text whose preamble names Alipay —
the app export's ``导出信息：`` block with ``支付宝账户：`` and the ``…电子客户回单`` banner, or the web
export's ``支付宝交易记录明细查询`` title. Header found by content, columns mapped by name, so the
16-column web layout (交易号, 交易创建时间, 金额（元）, 成功退款（元）…) costs nothing extra.

Quirks handled: fields right-padded with spaces, a TAB after order numbers, a trailing comma
(an empty 13th column), the web export's dashed footer and totals after the rows.

Accounts: the owner is ``alipay:<支付宝账户>``; a counterparty is ``alipay:<对方账号>`` when the
bill shows one (often masked, e.g. ``rim***@qq.com``), else ``alipayname:<交易对方>``. The
WeChat ``wxname:`` prefix is never used: a name shown by Alipay is not a WeChat nickname.

收/支: 支出 → out, 收入 → in, 不计收支 / 其他 / empty → neutral. Refunds (交易分类 退款, 商品说明
``退款-…``, or an order number ``<original>_<suffix>``) are paired with their original in-reader;
their payer is the counterparty, the payee the owner and ``direction`` ``in``, whatever 收/支 says
(``raw_direction`` keeps the 收/支 text; docs/ingest-hardening.md). Alipay files are
small, so rows are held until the end: a paired original gets ``refunded_fen`` = sum of refunds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hongxian.dataset.identity import NAMESAKE_SUFFIX
from hongxian.ingest.base import ReaderRegistry, Sink, SourceContext, UnreadableSource, few_collections
from hongxian.ingest.bill_common import (
    MANGLED_ID_WARNING,
    STRIP,
    BadValue,
    PaymentIds,
    first_lines,
    looks_float_mangled,
    parse_time,
    text_encoding,
    yuan_to_fen,
)
from hongxian.ingest.bill_csv import CsvRecords
from hongxian.ingest.bill_refunds import Original, RefundPairer
from hongxian.ingest.tabular import read_rows
from hongxian.ingest.wechat_rows import INTERNAL, memo_text

ACCOUNT_PREFIX = "alipay:"
NAME_PREFIX = "alipayname:"
WEB_TITLE = "支付宝交易记录明细查询"
MAX_PREAMBLE = 200
COLUMNS = {
    "time": ("交易时间", "交易创建时间", "付款时间"),
    "category": ("交易分类", "类型"),
    "party": ("交易对方",),
    "party_account": ("对方账号",),
    "goods": ("商品说明", "商品名称"),
    "dir": ("收/支",),
    "amount": ("金额", "金额(元)"),
    "method": ("收/付款方式",),
    "status": ("交易状态",),
    "txn": ("交易订单号", "交易号"),
    "mo": ("商家订单号", "商户订单号"),
    "remark": ("备注",),
    "refunded": ("成功退款(元)",),
    "fund": ("资金状态",),
}
DIRECTIONS = {
    "支出": "out",
    "收入": "in",
    "不计收支": "neutral",
    "其他": "neutral",
    "": "neutral",
    "/": "neutral",
}
FUND_DIRECTIONS = {"已支出": "out", "已收入": "in"}
NEUTRAL_CATEGORIES = ("投资理财", "账户存取", "信用借还", "理财", "充值提现", "收入", "转账充值")
REFUNDED_STATUSES = ("交易关闭", "退款成功", "已关闭")


def alipay_kind(category: str, goods: str, txn: str, status: str, direction: str) -> str:
    if category == "退款" or goods.startswith("退款") or ("_" in txn and status == "退款成功"):
        return "refund"
    if "红包" in category and "转账" in category:
        return "red_packet" if "红包" in goods else "transfer"
    if "红包" in category:
        return "red_packet"
    if "转账" in category:
        return "transfer"
    if "代付" in category or "亲情卡" in goods or "亲情卡" in category:
        return "gift_card"
    if not category or category in NEUTRAL_CATEGORIES:
        return "other"
    return "merchant" if direction == "out" else "other"


def _account(account: str | None, name: str | None) -> str | None:
    if account:
        return ACCOUNT_PREFIX + account
    return NAME_PREFIX + name if name else None


def _null(text: str) -> str:
    return "" if text == "/" else text


class AlipayBillReader:
    name = "alipay_bill"
    label = "支付宝账单"

    def sniff(self, path: Path, head: bytes) -> bool:
        lines = _xlsx_lines(path) if head[:4] == b"PK\x03\x04" else first_lines(head, 30)
        if not lines:
            return False
        if lines[0].startswith(WEB_TITLE):
            return True
        top = lines[:6]
        return any(x.startswith("导出信息") for x in top) and any(
            "支付宝账户" in x or "电子客户回单" in x for x in lines
        )

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        with few_collections():
            with ctx.path.open("rb") as fh:
                xlsx = fh.read(4) == b"PK\x03\x04"
            records = None if xlsx else CsvRecords(ctx.path, text_encoding(ctx.path))
            it = iter(read_rows(ctx.path)[0]) if records is None else iter(records)
            pre = _Preamble()
            header = pre.consume(it)
            try:
                rows = AlipayRows(header, sink, ctx, pre)
            except KeyError as exc:
                raise UnreadableSource(f"支付宝账单表头缺少列：{exc.args[0]}") from None
            if records is not None:
                records.width = rows.width
            footer = False
            for number, cells in it:
                filled = sum(1 for c in cells if c.strip(STRIP))
                if not filled:
                    continue
                first = cells[0].strip(STRIP)
                if first.startswith("-----") and filled == 1:
                    footer = True  # web export: a dashed line, then totals and the export time
                    continue
                if footer and filled <= 2:
                    continue
                rows.feed(number, cells)
            rows.finish()
            kind = "XLSX" if xlsx else "CSV"
            sink.format_label = f"支付宝账单 {kind}(网页版)" if pre.web else f"支付宝账单 {kind}"


def _xlsx_lines(path: Path) -> list[str]:
    """The first rows of an .xlsx's first visible sheet as lines (cells joined by commas)."""
    try:
        rows, _ = read_rows(path)
    except UnreadableSource:
        return []
    return [",".join(cells) for _, cells in rows[:30]]


class _Preamble:
    def __init__(self) -> None:
        self.name: str | None = None
        self.account: str | None = None
        self.web = False

    def consume(self, it: Iterator[tuple[int, list[str]]]) -> list[str]:
        for number, cells in it:
            texts = [c.strip(STRIP) for c in cells]
            if ("交易时间" in texts or "交易创建时间" in texts) and any(t.startswith("金额") for t in texts):
                return texts
            line = ",".join(texts).strip(", ")
            key, sep, value = line.replace(":", "：", 1).partition("：")
            value = value.strip(STRIP + "[]")
            if line.startswith(WEB_TITLE):
                self.web = True
            elif sep and key == "姓名" and value:
                self.name = value
            elif sep and key in ("支付宝账户", "账号") and value:
                self.account = value.split("]")[0].strip(STRIP + "[")
            if number > MAX_PREAMBLE:
                break
        raise UnreadableSource("文件像支付宝账单，但未找到表头行（交易时间,交易分类,交易对方,…）")


def alipay_owner(ctx: SourceContext, pre: _Preamble, sink: Sink) -> tuple[str | None, str | None]:
    """(owner account, person id): declared owner first, else 支付宝账户 / 姓名 via people.csv."""
    people, declared = ctx.people, (ctx.declared_owner or "").strip()
    preamble_account = _account(pre.account, pre.name)
    if declared:
        if declared in people.people:
            accounts = people.people[declared].alipay_accounts
            return (ACCOUNT_PREFIX + accounts[0]) if accounts else preamble_account, declared
        person = people.by_wechat_id.get(declared)
        if person is not None:
            return preamble_account, person
        return (declared if ":" in declared else ACCOUNT_PREFIX + declared), people.by_alipay.get(declared)
    person = people.by_alipay.get(pre.account or "")
    if person is None and pre.name:
        ids = set(people.by_name.get(pre.name, ()))
        person = next(iter(ids)) if len(ids) == 1 else None
    if person is None:
        who = pre.account or pre.name
        sink.warn(
            f"支付宝账户“{who}”在 people.csv 中没有唯一对应的人员：账单所有人未能对应到人员"
            if who
            else "账单中没有“姓名/支付宝账户”信息，case.toml 也未声明该文件的所有人：账单所有人未知"
        )
    return preamble_account, person


class AlipayRows:
    """Data rows of one Alipay bill; all rows are held and written by `finish` (files are small)."""

    def __init__(self, header: list[str], sink: Sink, ctx: SourceContext, pre: _Preamble):
        names = [h.replace("（", "(").replace("）", ")") for h in header]
        self.idx = {
            f: names.index(n) for f, accepted in COLUMNS.items() for n in reversed(accepted) if n in names
        }
        missing = [COLUMNS[f][0] for f in ("time", "amount") if f not in self.idx]
        if missing:
            raise KeyError("、".join(missing))
        while names and not names[-1]:
            names.pop()
        self.width = len(names)
        self.sink = sink
        self.owner_name = pre.name
        sink.row_tables = ("payments",)
        self.owner, person = alipay_owner(ctx, pre, sink)
        sink.set_owner(self.owner, person)
        if self.owner:
            sink.add(
                "accounts",
                {
                    "account_id": self.owner,
                    "platform": "alipay",
                    "person_id": person,
                    "display_name": pre.name,
                },
            )
        self.ids = PaymentIds("pay")
        self.rows: list[dict] = []
        self.refund_keys: list[tuple[dict, tuple[str, ...]]] = []
        self.names: set[str] = set()

    def feed(self, number: int, cells: list[str]) -> None:
        self.sink.count_in()
        if len(cells) > self.width and not any(c.strip(STRIP) for c in cells[self.width :]):
            cells = cells[: self.width]
        if len(cells) != self.width:
            self.sink.reject(number, ",".join(cells), f"该行有 {len(cells)} 个字段（应为 {self.width} 个）")
            return
        try:
            self._row([c.strip(STRIP) for c in cells])
        except BadValue as bad:
            self.sink.reject(number, ",".join(cells), f"{bad.column}：{bad.reason}", bad.column)
        except Exception as exc:  # a parser bug must cost one row, not the file
            self.sink.reject(number, ",".join(cells), f"{INTERNAL}：{type(exc).__name__}: {exc}")

    def _row(self, c: list[str]) -> None:
        g = lambda f: c[self.idx[f]] if f in self.idx else ""  # noqa: E731
        ts = parse_time(g("time")) if g("time") else _missing("交易时间")
        fen = yuan_to_fen(g("amount"), "金额") if g("amount") else _missing("金额")
        d = g("dir")
        direction = DIRECTIONS.get(d)
        if direction is None:
            raise BadValue("收/支", f"收/支“{d}”无法识别（应为 收入、支出 或 不计收支）")
        if not d:
            direction = FUND_DIRECTIONS.get(g("fund"), "neutral")
        category, goods, status = g("category"), _null(g("goods")), g("status")
        txn, mo = self._order_id(g("txn"), "交易订单号"), self._order_id(g("mo"), "商家订单号")
        name, party_account = _null(g("party")) or None, _null(g("party_account")) or None
        kind = alipay_kind(category, goods, txn, status, direction)
        # order numbers are not hashed: a spreadsheet re-save mangles them (issue 13 item 7)
        pid = self.ids("alipay", ts, category, name, party_account, goods, d, fen, g("method"), g("remark"))
        account = _account(party_account, name)
        if party_account is None and name and name == self.owner_name:  # never the owner by name alone
            account = NAME_PREFIX + name + NAMESAKE_SUFFIX
        self._counterparty(account, name)
        refunded = yuan_to_fen(g("refunded"), "成功退款(元)") if g("refunded") and kind != "refund" else None
        payer, payee = (
            (account, self.owner)
            if kind == "refund" or direction == "in"
            else (self.owner, account if direction == "out" else None)
        )
        row = {
            "payment_id": pid,
            "ts": ts,
            "kind": kind,
            "payer_account": payer,
            "payee_account": payee,
            "amount_fen": fen,
            "status": status or None,
            "memo": memo_text(goods or None, _null(g("remark")) or None),
            # money moving relative to the owner: a refund comes back (Alipay says 不计收支)
            "direction": "in" if kind == "refund" else direction,
            "raw_direction": d or None,
            "owner_account": self.owner,
            "counterparty_name": name,
            "txn_id": txn or None,
            "merchant_order_id": mo or None,
            "refund_of": None,
            "refunded_fen": refunded or None,
            "origin": "bill",
            "raw_type": category or None,
        }
        self.rows.append(row)
        if kind == "refund":
            parts = txn.split("_")
            self.refund_keys.append((row, tuple("_".join(parts[:i]) for i in range(len(parts) - 1, 0, -1))))

    def _order_id(self, text: str, column: str) -> str:
        """An order number, or "" when a spreadsheet turned it into a float (said in a warning)."""
        if looks_float_mangled(text):
            self.sink.warn(MANGLED_ID_WARNING.format(column=column))
            return ""
        return _null(text)

    def _counterparty(self, account: str | None, name: str | None) -> None:
        if account and account not in self.names:
            self.names.add(account)
            self.sink.add("accounts", {"account_id": account, "platform": "alipay", "display_name": name})

    def finish(self) -> None:
        pairer, by_id = RefundPairer(), {r["payment_id"]: r for r in self.rows}
        for row, keys in self.refund_keys:
            pairer.hold(row, keys, ())
        for r in self.rows:
            if r["kind"] != "refund":
                was = r["status"] in REFUNDED_STATUSES or bool(r["refunded_fen"])
                pairer.remember(
                    Original(
                        r["payment_id"],
                        r["ts"],
                        r["amount_fen"],
                        r["counterparty_name"],
                        r["payer_account"] if r["direction"] == "in" else r["payee_account"],
                        was,
                    ),
                    (r["txn_id"],),
                )
        stated = {pid for pid, r in by_id.items() if r["refunded_fen"] is not None}  # 成功退款（元） column
        for refund in pairer.pair():
            orig = by_id.get(refund["refund_of"] or "")
            if orig is not None and orig["payment_id"] not in stated:
                orig["refunded_fen"] = (orig["refunded_fen"] or 0) + refund["amount_fen"]
        for r in self.rows:
            self.sink.add("payments", r)


def _missing(column: str):
    raise BadValue(column, f"{column}为空")


def register(registry: ReaderRegistry) -> None:
    registry.register(AlipayBillReader())
