"""A realistic one-year WeChat Pay bill for the ingest benchmarks (docs/formats.md §1).

`bill_rows(n)` streams ``n`` bill rows, newest first as the exporter writes them, over one year
(the same population of friends and merchants at every size, so 10k / 100k / 1M rows are one
person's spending at different densities):

* counterparties drawn with a heavy tail (Zipf): a few friends and shops take most rows;
* the real type mix (商户消费, 扫二维码付款, 红包, 转账, 群收款, 零钱提现, …), mixed quoting and
  TABs after ids (`hongxian.testing.bills.write_wechat_csv`);
* refunds as the exporter shows them, each written *before* (newer than) its original:
  - a returned transfer: ``转账-退款`` whose 交易单号 is the original's 商户单号 (original status
    对方已退还);
  - a merchant refund ``<商户>-退款`` (交易单号 503…, 商户单号 empty), full (已全额退款) or partial
    (已退款¥x, the original ``已退款(¥x)``); for some the original names the shop differently
    (美团平台商户 vs the restaurant), so only the dataset-wide pass can try them;
  - an expired red packet ``微信红包-退款``;
  - refunds whose original precedes the export window (the last rows of the file), and originals
    marked 已退款(¥x) whose refund comes after the window.

About 2 % of rows are refund rows, as in real yearly bills.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from hongxian.testing.bills import WeChatBillRow

YEAR_SECONDS = 365 * 86400
END = datetime(2024, 12, 31, 23, 59, 0)

ORDINARY = [  # (交易类型, 收/支, weight)
    ("商户消费", "支出", 38),
    ("扫二维码付款", "支出", 14),
    ("微信红包", "收入", 11),
    ("微信红包（单发）", "支出", 8),
    ("转账", "支出", 6),
    ("转账", "收入", 4),
    ("群收款", "收入", 3),
    ("零钱提现", "/", 3),
    ("二维码收款", "收入", 3),
    ("微信红包（群红包）", "支出", 2),
    ("亲属卡交易", "支出", 1),
    ("零钱充值", "/", 1),
]
SHOPS = ["美团平台商户", "某某酒楼(滨江店)", "WALMART HONG KONG CO.,LIMITED", "滴滴出行", "中国石化加油站"]


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (k**s) for k in range(1, n + 1)]


class BillWriter:
    """State of one generated bill: population, pending originals, id counters."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rnd = random.Random(seed)
        self.step = YEAR_SECONDS / n
        self.friends = [f"好友{i:04d}" for i in range(3000)]
        self.friend_w = _zipf_weights(len(self.friends))
        self.shops = SHOPS + [f"商户{i:03d}(分店{i % 7})" for i in range(400)]
        self.shop_w = _zipf_weights(len(self.shops))
        self.pending: dict[int, WeChatBillRow] = {}  # row index → an original scheduled there
        self.serial = 0

    def ts(self, i: int) -> datetime:
        return END - timedelta(seconds=int(i * self.step + self.rnd.random() * self.step * 0.8))

    def friend(self) -> str:
        return self.rnd.choices(self.friends, self.friend_w)[0]

    def shop(self) -> str:
        return self.rnd.choices(self.shops, self.shop_w)[0]

    def ids(self, prefix: str, width: int) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:0{width - len(prefix)}d}"

    def schedule(self, i: int, original: WeChatBillRow) -> None:
        """The original comes 10 minutes to 5 days before its refund (later in the file)."""
        at = i + 1 + int(self.rnd.uniform(600, 5 * 86400) / self.step)
        while at in self.pending:
            at += 1
        if at < self.n:  # else it precedes the export window: the refund stays unpaired here
            self.pending[at] = original

    def row(self, i: int) -> WeChatBillRow:
        ts = self.ts(i)
        original = self.pending.pop(i, None)
        if original is not None:
            original.ts = ts
            return original
        r = self.rnd.random()
        if r < 0.006:
            return self.returned_transfer(i, ts)
        if r < 0.018:
            return self.merchant_refund(i, ts)
        if r < 0.021:
            return self.packet_refund(i, ts)
        return self.ordinary(i, ts)

    def ordinary(self, i: int, ts: datetime) -> WeChatBillRow:
        raw_type, direction, _ = self.rnd.choices(ORDINARY, [w for *_, w in ORDINARY])[0]
        shop_like = raw_type in ("商户消费", "扫二维码付款", "亲属卡交易")
        name = self.shop() if shop_like else self.friend()
        party = {
            "微信红包（单发）": "发给" + name,
            "微信红包（群红包）": "发出群红包",
            "零钱提现": "招商银行(1234)",
        }
        fen = int(self.rnd.lognormvariate(7.5, 1.3)) + 1
        status = "支付成功"
        if shop_like and self.rnd.random() < 0.002:  # refunded after the window ends
            status = f"已退款(¥{fen // 200}.{fen % 100:02d})"
        return WeChatBillRow(
            ts,
            raw_type,
            party.get(raw_type, name),
            "转账备注:微信转账" if raw_type == "转账" else ("堂食订单" if shop_like else "/"),
            direction,
            fen,
            self.rnd.choice(["零钱", "零钱通", "招商银行(1234)"]),
            status,
            self.ids("4200", 28),
            self.ids("1000039801", 31) if raw_type.startswith(("转账", "微信红包")) else "/",
        )

    def returned_transfer(self, i: int, ts: datetime) -> WeChatBillRow:
        fen, order = self.rnd.randint(100, 500_000), self.ids("1000050001", 31)
        memo = "转账备注:" + self.rnd.choice(["资料费", "微信转账", "饭钱", "礼金"])
        self.schedule(
            i,
            WeChatBillRow(
                ts,
                "转账",
                self.friend(),
                memo,
                "支出",
                fen,
                "零钱",
                "对方已退还",
                self.ids("1000050001", 36),
                order,
            ),
        )
        return WeChatBillRow(ts, "转账-退款", "/", memo, "收入", fen, "零钱", "已全额退款", order, "")

    def merchant_refund(self, i: int, ts: datetime) -> WeChatBillRow:
        shop = self.shop()
        fen = int(self.rnd.lognormvariate(8, 1.0)) + 100
        partial = self.rnd.random() < 0.3
        back = self.rnd.randint(1, fen - 1) if partial else fen
        yuan = f"{back // 100}.{back % 100:02d}"
        shown = shop if self.rnd.random() < 0.85 else f"{shop}·外卖"  # original names the shop otherwise
        self.schedule(
            i,
            WeChatBillRow(
                ts,
                "商户消费",
                shown,
                "商品订单",
                "支出",
                fen,
                "零钱",
                f"已退款(¥{yuan})" if partial else "已全额退款",
                self.ids("4200", 28),
                self.ids("JL2024", 20),
            ),
        )
        status = f"已退款¥{yuan}" if partial else "已全额退款"
        return WeChatBillRow(
            ts, f"{shop}-退款", shop, "商品订单", "收入", back, "零钱", status, self.ids("503", 29), ""
        )

    def packet_refund(self, i: int, ts: datetime) -> WeChatBillRow:
        fen, name = self.rnd.randint(100, 20_000), self.friend()
        self.schedule(
            i,
            WeChatBillRow(
                ts,
                "微信红包（单发）",
                "发给" + name,
                "/",
                "支出",
                fen,
                "零钱",
                "已全额退款",
                self.ids("10000398", 36),
                self.ids("1000039801", 31),
            ),
        )
        return WeChatBillRow(
            ts, "微信红包-退款", "/", "/", "收入", fen, "零钱", "已存入零钱", self.ids("10000398", 36), ""
        )


def bill_rows(n: int, seed: int = 7) -> Iterator[WeChatBillRow]:
    """``n`` rows of one person's year, newest first (streamed: a million rows is fine)."""
    w = BillWriter(n, seed)
    for i in range(n):
        yield w.row(i)
