"""A county case folder in the formats users hand in: registers as Chinese CSVs, one WeChat Pay bill
CSV per export owner (`hongxian.testing.bills`), one decrypted PC database per chat owner
(`hongxian.testing.wechat_db`). Written from docs/case-format.md and the export formats only."""

from __future__ import annotations

import csv
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hongxian.testing.bills import WeChatBillRow, write_wechat_csv
from hongxian.testing.wechat_db import WeChatDbBuilder

PEOPLE = (
    "人员编号,姓名,单位,职务,职级,政治面貌,身份类别,职责,籍贯,"
    "微信号,微信昵称,支付宝账号,手机号,在职状态,调离日期"
)
RELATIONS = "人员编号,关联人员编号,关系,开始日期,结束日期,说明"
EVENTS = "事件编号,名称,类型,开始日期,结束日期,单位,相关人员,群ID"
CASE_TOML = """[case]
id = "{id}"
title = "{title}"

[authorisation]
approved_by = "某县纪委监委第三审查调查室"
approved_on = 2024-01-01
basis = "立案审查"
"""


@dataclass
class Person:
    pid: str
    name: str
    kind: str
    unit: str = ""

    @property
    def wxid(self) -> str:
        return f"wxid_{self.pid.lower()}"

    @property
    def nick(self) -> str:
        return f"{self.name}{self.pid[-3:]}"


@dataclass
class Case:
    root: Path
    title: str
    people: list[Person] = field(default_factory=list)
    relations: list[list[str]] = field(default_factory=list)
    events: list[list[str]] = field(default_factory=list)
    bills: dict[str, list[WeChatBillRow]] = field(default_factory=dict)
    chats: dict[str, WeChatDbBuilder] = field(default_factory=dict)
    owners: dict[str, Person] = field(default_factory=dict)
    serial: int = 0

    def person(self, pid: str, name: str, kind: str, unit: str = "") -> Person:
        p = Person(pid, name, kind, unit)
        self.people.append(p)
        return p

    def relate(self, a: Person, b: Person, relation: str, note: str = "") -> None:
        self.relations.append([a.pid, b.pid, relation, "", "", note])

    def event(
        self,
        eid: str,
        name: str,
        kind: str,
        start: str,
        end: str,
        unit: str,
        who: list[Person],
        groups: list[str] = (),
    ) -> None:
        self.events.append(
            [eid, name, kind, start, end, unit, ";".join(p.pid for p in who), ";".join(groups)]
        )

    # ------------------------------------------------------------ ids
    def _n(self) -> int:
        self.serial += 1
        return self.serial

    def sendid(self, when: datetime) -> str:
        return "1000039801" + when.strftime("%Y%m%d") + str(self._n()).rjust(13, "0")

    def transferid(self, when: datetime) -> str:
        return "1000050001" + when.strftime("%Y%m%d") + str(self._n()).rjust(13, "0")

    def txn(self) -> str:
        return "4200" + str(self._n()).rjust(24, "0")

    # ------------------------------------------------------------ bill rows (owner's view)
    def bill(self, owner: Person) -> list[WeChatBillRow]:
        self.owners[owner.wxid] = owner
        return self.bills.setdefault(owner.wxid, [])

    def chat(self, owner: Person) -> WeChatDbBuilder:
        if owner.wxid not in self.chats:
            self.chats[owner.wxid] = WeChatDbBuilder(owner=owner.wxid, owner_nickname=owner.nick)
        return self.chats[owner.wxid]

    def packet_in(
        self, owner: Person, when: datetime, frm: Person | str, fen: int, sid: str | None = None
    ) -> str:
        sid = sid or self.sendid(when)
        nick = frm.nick if isinstance(frm, Person) else frm
        self.bill(owner).append(
            WeChatBillRow(when, "微信红包", nick, "/", "收入", fen, "/", "已存入零钱", self.txn(), sid)
        )
        return sid

    def transfer_in(self, owner: Person, when: datetime, frm: Person | str, fen: int, memo: str = "") -> None:
        nick = frm.nick if isinstance(frm, Person) else frm
        goods = f"转账备注:{memo}" if memo else "/"
        self.bill(owner).append(
            WeChatBillRow(
                when, "转账", nick, goods, "收入", fen, "/", "已存入零钱", self.txn(), self.transferid(when)
            )
        )

    def transfer_out(self, owner: Person, when: datetime, to: Person | str, fen: int, memo: str = "") -> None:
        nick = to.nick if isinstance(to, Person) else to
        goods = f"转账备注:{memo}" if memo else "/"
        self.bill(owner).append(
            WeChatBillRow(
                when,
                "转账",
                nick,
                goods,
                "支出",
                fen,
                "零钱",
                "对方已收钱",
                self.txn(),
                self.transferid(when),
            )
        )

    def group_packet_out(self, owner: Person, when: datetime, fen: int, sid: str | None = None) -> str:
        sid = sid or self.sendid(when)
        self.bill(owner).append(
            WeChatBillRow(
                when,
                "微信红包（群红包）",
                "发出群红包",
                "/",
                "支出",
                fen,
                "零钱",
                "支付成功",
                self.txn(),
                sid,
            )
        )
        return sid

    def group_collection_out(self, owner: Person, when: datetime, to: Person, fen: int, memo: str) -> None:
        self.bill(owner).append(
            WeChatBillRow(when, "群收款", to.nick, memo, "支出", fen, "零钱", "支付成功", self.txn(), "/")
        )

    # ------------------------------------------------------------ write
    def write(self, case_id: str) -> Path:
        if self.root.exists():
            raise SystemExit(f"{self.root} exists: the generator writes fresh case folders only")
        (self.root / "exports").mkdir(parents=True)
        (self.root / "case.toml").write_text(CASE_TOML.format(id=case_id, title=self.title), encoding="utf-8")
        people = [
            [p.pid, p.name, p.unit, "", "", "群众", p.kind, "", "", p.wxid, p.nick, "", "", "在职", ""]
            for p in self.people
        ]
        _csv(self.root / "people.csv", PEOPLE, people)
        _csv(self.root / "relations.csv", RELATIONS, self.relations)
        _csv(self.root / "events.csv", EVENTS, self.events)
        for wxid, rows in self.bills.items():
            owner = self.owners[wxid]
            rows.sort(key=lambda r: r.ts)
            write_wechat_csv(
                self.root / "exports" / f"微信支付账单_{owner.pid}.csv", rows, nickname=owner.nick
            )
        for k, (wxid, b) in enumerate(self.chats.items()):
            for m in b.messages:  # MsgSvrID is global on WeChat's servers: unique per export and case
                m.row[2] += (zlib.crc32(self.title.encode()) % 10**6) * 10**9 + k * 10**6
            b.write_merged(self.root / "exports" / "WeChat Files" / wxid / "Msg" / "merge_all.db")
        return self.root


def _csv(path: Path, header: str, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header.split(","))
        w.writerows(rows)
