"""Real-format case folders for the payment typologies: registers as the Chinese CSVs users write,
WeChat Pay bills from `hongxian.testing.bills`, decrypted PC databases from `hongxian.testing.wechat_db`,
ingested through `ingest_case` and screened with the shipped rulebook."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.conftest import CASE_TOML, PEOPLE_HEADER

from hongxian.case import CasePaths
from hongxian.dataset.dataset import Dataset
from hongxian.detect.base import DetectContext
from hongxian.ingest.pipeline import ingest_case
from hongxian.testing.bills import WeChatBillRow, write_wechat_csv
from hongxian.testing.wechat_db import WeChatDbBuilder

B = timezone(timedelta(hours=8))
RELATION_HEADER = "人员编号,关联人员编号,关系,开始日期,结束日期,说明"
EVENT_HEADER = "事件编号,名称,类型,开始日期,结束日期,单位,相关人员,群ID"


def at(y: int, mo: int, d: int, h: int = 20, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=B)


def _csv(path: Path, header: str, rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header.split(","))
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def person(pid: str, name: str, kind: str, wxid: str, nick: str = "", unit: str = "") -> list:
    """A people.csv row: 人员编号,姓名,单位,职务,职级,政治面貌,身份类别,职责,籍贯,微信号,微信昵称,…"""
    return [
        pid,
        name,
        unit,
        "",
        "",
        "中共党员" if kind == "公职人员" else "群众",
        kind,
        "",
        "",
        wxid,
        nick,
        "",
        "",
        "在职",
        "",
    ]


@dataclass
class CaseFolder:
    root: Path
    people: list[list] = field(default_factory=list)
    relations: list[list] = field(default_factory=list)
    events: list[list] = field(default_factory=list)
    _ids: int = 0

    def __post_init__(self):
        (self.root / "exports").mkdir(parents=True, exist_ok=True)
        (self.root / "case.toml").write_text(CASE_TOML, encoding="utf-8")

    def next_id(self, prefix: str, width: int) -> str:
        self._ids += 1
        return prefix + str(self._ids).rjust(width - len(prefix), "0")

    def sendid(self, when: datetime) -> str:
        """A 31-digit red-packet send id ``1000039801YYYYMMDD…`` (formats.md §1.7)."""
        return "1000039801" + when.strftime("%Y%m%d") + str(self._bump()).rjust(13, "0")

    def transfer_id(self, when: datetime) -> str:
        """A 31-digit transferid ``1000050001YYYYMMDD…`` (the bill's 商户单号 of a transfer)."""
        return "1000050001" + when.strftime("%Y%m%d") + str(self._bump()).rjust(13, "0")

    def txn(self) -> str:
        return "1000039801" + str(self._bump()).rjust(26, "0")

    def _bump(self) -> int:
        self._ids += 1
        return self._ids

    def received_packet(
        self, when: datetime, nick: str, fen: int, sendid: str | None = None
    ) -> WeChatBillRow:
        return WeChatBillRow(
            when,
            "微信红包",
            nick,
            "/",
            "收入",
            fen,
            "/",
            "已存入零钱",
            self.txn(),
            sendid or self.sendid(when),
        )

    def received_transfer(
        self, when: datetime, nick: str, fen: int, memo: str = "/", status: str = "已存入零钱"
    ) -> WeChatBillRow:
        goods = f"转账备注:{memo}" if memo != "/" else "/"
        return WeChatBillRow(
            when, "转账", nick, goods, "收入", fen, "/", status, self.txn(), self.transfer_id(when)
        )

    def sent_transfer(self, when: datetime, nick: str, fen: int, memo: str = "/") -> WeChatBillRow:
        goods = f"转账备注:{memo}" if memo != "/" else "/"
        return WeChatBillRow(
            when, "转账", nick, goods, "支出", fen, "零钱", "对方已收钱", self.txn(), self.transfer_id(when)
        )

    def sent_group_packet(self, when: datetime, fen: int, sendid: str) -> WeChatBillRow:
        return WeChatBillRow(
            when, "微信红包（群红包）", "发出群红包", "/", "支出", fen, "零钱", "支付成功", self.txn(), sendid
        )

    def write_bill(self, rows: list[WeChatBillRow], nickname: str, name: str = "bill.csv") -> Path:
        return write_wechat_csv(self.root / "exports" / f"微信支付账单_{name}", rows, nickname=nickname)

    def write_db(self, builder: WeChatDbBuilder) -> Path:
        return builder.write_merged(
            self.root / "exports" / "WeChat Files" / builder.owner / "Msg" / "merge_all.db"
        )

    def ingest(self) -> Dataset:
        _csv(self.root / "people.csv", PEOPLE_HEADER, self.people)
        if self.relations:
            _csv(self.root / "relations.csv", RELATION_HEADER, self.relations)
        if self.events:
            _csv(self.root / "events.csv", EVENT_HEADER, self.events)
        report = ingest_case(self.root)
        bad = [s for s in report.sources if s.status not in ("ingested", "unchanged")]
        assert not bad, bad
        return Dataset.open(CasePaths(self.root).state)


def screen(book, registry, dataset: Dataset, check_id: str):
    """Run one shipped check through its detector, exactly as a screen does."""
    bound = book.bound[check_id]
    detector = registry.get(bound.check.detector)
    return detector.run(DetectContext(dataset=dataset, rulebook=book), [bound])
