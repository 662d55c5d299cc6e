"""Demo payment bills: WeChat Pay (CSV ≤2025, XLSX 2025 and 2026 layouts) and Alipay (GB18030)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hongxian.demo.chats import bill_row
from hongxian.demo.numbers import PaymentIds, beijing
from hongxian.demo.population import Population
from hongxian.testing.bills import (
    AlipayBillRow,
    BillPeriod,
    WeChatBillRow,
    write_alipay_csv,
    write_wechat_csv,
    write_wechat_xlsx,
)


def _ordinary_spending(ids: PaymentIds, year: int, n: int, rng) -> list[WeChatBillRow]:
    shops = ("县城好又多超市", "老街面馆", "中国石化加油站", "美团平台商户", "便民药店")
    rows = []
    for i in range(n):
        ts = beijing(year, 1 + i % 12, 1 + (i * 7) % 27, 12, i % 60)
        rows.append(
            bill_row(
                ts,
                "商户消费",
                rng.choice(shops),
                "支出",
                rng.randrange(800, 30000),
                "支付成功",
                ids.merchant_txn(ts),
                f"M{ts:%Y%m%d}{i:04d}",
                goods="日常消费",
            )
        )
    return rows


def grain_station_bill(pop: Population, ids: PaymentIds, root: Path) -> None:
    """张宾 2016: 14 × ¥200 red packets and 2 × ¥2,000 transfers from six grain sellers in the summer
    purchase."""
    grain, sellers, kin = (
        pop.by_role("grain_official")[0],
        pop.by_role("grain_seller"),
        pop.by_role("grain_kin"),
    )
    colleagues = pop.by_role("grain_colleague")
    rows = []
    for i in range(14):
        s = sellers[i % 6]
        ts = beijing(2016, 6, 2, 18, 10 + i) + timedelta(days=3 * i)
        rows.append(
            bill_row(
                ts,
                "微信红包",
                s.nickname,
                "收入",
                20000,
                "已存入零钱",
                ids.red_packet_txn(ts),
                ids.sendid(ts),
                method="/",
            )
        )
    for k, s in enumerate(sellers[:2]):
        ts = beijing(2016, 7, 10 + 8 * k, 20, 5)
        rows.append(
            bill_row(
                ts,
                "转账",
                s.nickname,
                "收入",
                200000,
                "已存入零钱",
                ids.transcationid(ts),
                ids.transferid(ts),
                goods="转账备注:微信转账",
                method="/",
            )
        )
    for year in (2016,):  # kin and colleagues: hard negatives
        ts = beijing(year, 2, 7, 20)
        rows.append(
            bill_row(
                ts,
                "微信红包",
                kin[0].nickname,
                "收入",
                20000,
                "已存入零钱",
                ids.red_packet_txn(ts),
                ids.sendid(ts),
                method="/",
            )
        )
        ts2 = beijing(year, 5, 20, 19)
        rows.append(
            bill_row(
                ts2,
                "群收款",
                colleagues[0].nickname,
                "支出",
                4500,
                "支付成功",
                ids.transcationid(ts2),
                "/",
                goods="聚餐AA",
            )
        )
    rows += _ordinary_spending(ids, 2016, 40, pop.rng)
    rows.sort(key=lambda r: r.ts, reverse=True)
    folder = root / "exports" / "张宾微信账单"
    folder.mkdir(parents=True, exist_ok=True)
    write_wechat_csv(
        folder / "微信支付账单(20160101-20161231).csv",
        rows,
        nickname=grain.nickname,
        period=BillPeriod("2016-01-01 00:00:00", "2016-12-31 23:59:59", "2016-08-05 10:21:33"),
    )


def village_bill(pop: Population, rows: list[WeChatBillRow], root: Path) -> None:
    """李建国's bill (XLSX 2025 layout): the group packets of 元宵节 2017 link to his chat by send id."""
    sec = pop.by_role("village_secretary")[0]
    folder = root / "exports" / "李建国电脑微信"
    write_wechat_xlsx(
        folder / "微信支付账单流水文件(20170101-20170228).xlsx",
        sorted(rows, key=lambda r: r.ts),
        nickname=sec.nickname,
        layout="2025",
        period=BillPeriod("2017-01-01 00:00:00", "2017-02-28 23:59:59", "2017-03-10 15:02:11"),
    )


def bureau_head_bills(pop: Population, ids: PaymentIds, chat_rows: list[WeChatBillRow], root: Path) -> None:
    """马志刚: WeChat bill (XLSX 2026 layout) linking to his phone backup, and an Alipay bill."""
    head, biz = pop.by_role("bureau_head")[0], pop.by_role("transport_business")
    rows = chat_rows + _ordinary_spending(ids, 2024, 30, pop.rng)
    ts = beijing(2024, 2, 10, 9)  # he sends his mother a festival packet: kin, not an issue
    rows.append(
        bill_row(
            ts,
            "微信红包（单发）",
            "发给妈妈",
            "支出",
            66600,
            "支付成功",
            ids.red_packet_txn(ts),
            ids.sendid(ts),
        )
    )
    folder = root / "exports" / "马志刚手机备份"
    write_wechat_xlsx(
        folder / "微信支付账单流水文件(20240101-20240630).xlsx",
        sorted(rows, key=lambda r: r.ts),
        nickname=head.nickname,
        layout="2026",
        extra_sheet=True,
        period=BillPeriod("2024-01-01 00:00:00", "2024-06-30 23:59:59", "2024-07-02 09:15:41"),
    )
    ali = []
    for k, b in enumerate(biz[:2]):  # 中秋 2023 transfers from licensed transport operators
        t = beijing(2023, 9, 27, 19, 10 * k)
        ali.append(
            AlipayBillRow(
                t,
                "转账红包",
                b.name,
                b.alipay,
                "转账",
                "收入",
                500000,
                "余额",
                "交易成功",
                f"2023092720004001{k:04d}00880012345678",
                "",
                "中秋快乐",
            )
        )
    for i in range(12):
        t = beijing(2023, 9, 1 + 2 * i, 12) + timedelta(minutes=i)
        ali.append(
            AlipayBillRow(
                t,
                "餐饮美食",
                "县城快餐店",
                "/",
                "午餐",
                "支出",
                2500 + 100 * i,
                "余额宝",
                "交易成功",
                f"2023090{i % 9}22001400001234{i:06d}",
                f"T2023{i:08d}",
                "",
            )
        )
    write_alipay_csv(
        folder / "支付宝交易明细(20230901-20231031).csv",
        sorted(ali, key=lambda r: r.ts, reverse=True),
        name=head.name,
        account=f"{head.phone[:3]}****{head.phone[-4:]}",
        period=BillPeriod("2023-09-01 00:00:00", "2023-10-31 23:59:59", "2023-11-02 10:00:00"),
    )
