"""Adversarial generator of county cases (issue 19, item 5).

Written from the typology descriptions (issue 19, the rulebook's check descriptions, DESIGN.md),
docs/case-format.md and the hard-negative list — not from the detectors' SQL or parameters: no window
lengths, thresholds or multipliers are taken from the checks. Parameters are spread wide: 1–30
payments, spans of a day to four months, amounts just below round numbers, proxies on both sides
(spouse accounts, relatives and employees of the payer, a candidate's spouse or 特定关系人), and
the data a case happens to have (bill only, chat only, both).

Every official carries at most one labelled violation or one hard negative.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from casefolder import Case, Person

GIFT, VOTE, GAMBLING = "integrity.gift_money", "integrity.vote_buying", "integrity.gambling"
SPRING = [datetime(2019, 2, 5), datetime(2020, 1, 25), datetime(2021, 2, 12), datetime(2022, 2, 1)]
MIDAUTUMN = [datetime(2019, 9, 13), datetime(2020, 10, 1), datetime(2021, 9, 21), datetime(2022, 9, 10)]
BELOW_ROUND = [19900, 19990, 20000, 49900, 88800, 99900, 99990, 199900, 299900, 500000]


class Gen:
    def __init__(self, case: Case, rng: random.Random, tag: str):
        self.case, self.rng, self.tag, self.n = case, rng, tag, 0
        self.labels: list[dict] = []

    def pid(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.tag}{self.n:03d}"

    def official(self, unit: str) -> Person:
        return self.case.person(self.pid("O"), self.rng.choice("张王李赵刘陈杨黄") + "某", "公职人员", unit)

    def label(self, who: Person, category: str, kind: str, label: str = "violation", **kw) -> None:
        self.labels.append({"official": who.pid, "category": category, "kind": kind, "label": label, **kw})

    def when(self, start: datetime, span_days: int) -> datetime:
        return start + timedelta(days=self.rng.uniform(0, max(span_days, 0.2)), hours=self.rng.uniform(8, 14))

    def data(self) -> str:
        return self.rng.choice(["bill", "bill", "chat", "both"])


# ---------------------------------------------------------------- violations


def served(g: Gen) -> None:
    """Served parties pay an official around a business season; routes and data vary."""
    o, rng, case = g.official(f"某所{g.tag}"), g.rng, g.case
    route, data = rng.choice(["direct", "spouse", "payer-kin", "payer-employee"]), g.data()
    start = datetime(rng.choice([2019, 2020, 2021]), rng.randint(3, 9), rng.randint(1, 28), 9)
    span = rng.choice([3, 10, 30, 60, 120])
    case.event(
        g.pid("E"),
        "业务办理",
        "业务办理期",
        f"{start:%Y-%m-%d}",
        f"{start + timedelta(span):%Y-%m-%d}",
        o.unit,
        [o],
    )
    recipient = o
    if route == "spouse":
        recipient = case.person(g.pid("W"), "配偶", "其他")
        case.relate(o, recipient, "配偶")
    sellers = [
        case.person(g.pid("S"), "经营户", rng.choice(["个体经营者", "企业人员"]))
        for _ in range(rng.randint(1, 6))
    ]
    for s in sellers:
        case.relate(o, s, "管理服务对象")
    payers = {}
    for s in sellers:
        payers[s.pid] = s
        if route in ("payer-kin", "payer-employee"):
            proxy = case.person(g.pid("P"), "代付人", "群众")
            case.relate(s, proxy, "亲属" if route == "payer-kin" else "雇员")
            payers[s.pid] = proxy
    n = rng.randint(max(2, len(sellers)), 30) if rng.random() < 0.8 else len(sellers)
    for k in range(n):
        s = sellers[k % len(sellers)]
        _gift(
            g,
            recipient,
            payers[s.pid],
            g.when(start, span),
            rng.choice(BELOW_ROUND),
            data,
            packet=rng.random() < 0.6,
        )
    g.label(o, GIFT, f"served/{route}/{data}", n=n)


def festival(g: Gen) -> None:
    """Subordinates or business owners give at 春节/中秋, over one to three years."""
    o, rng, case = g.official(f"某局{g.tag}"), g.rng, g.case
    route, data = rng.choice(["direct", "spouse", "payer-spouse", "business"]), g.data()
    recipient = o
    if route == "spouse":
        recipient = case.person(g.pid("W"), "配偶", "其他")
        case.relate(o, recipient, "配偶")
    givers = []
    for _ in range(rng.randint(1, 4)):
        if route == "business":
            givers.append(case.person(g.pid("B"), "老板", "企业人员"))
            continue
        u = case.person(g.pid("U"), "科员", "公职人员", o.unit)
        case.relate(o, u, "下级")
        if route == "payer-spouse":
            v = case.person(g.pid("V"), "家属", "其他")
            case.relate(u, v, "配偶")
            u = v
        givers.append(u)
    days = rng.sample(SPRING + MIDAUTUMN, rng.randint(1, 3))
    n = 0
    for day in days:
        for giver in givers:
            when = day - timedelta(days=rng.randint(0, 6), hours=-rng.randint(9, 20))
            memo = rng.choice(["", "拜年", "节日快乐", "一点心意", ""])
            _gift(
                g,
                recipient,
                giver,
                when,
                rng.choice([49900, 99900, 100000, 199900, 200000, 300000]),
                data,
                packet=False,
                memo=memo,
            )
            n += 1
    g.label(o, GIFT, f"festival/{route}/{data}", n=n)


def vote(g: Gen) -> None:
    """A candidate, spouse or 特定关系人 pays members of the electing unit before the vote."""
    unit = f"某村{g.tag}{g.n}"
    c, rng, case = g.official(unit), g.rng, g.case
    sender_kind, data = rng.choice(["self", "spouse", "proxy"]), rng.choice(["bill", "bill", "both", "chat"])
    sender = c
    if sender_kind != "self":
        sender = case.person(g.pid("K"), "帮手", "群众", unit if rng.random() < 0.5 else "")
        case.relate(c, sender, "配偶" if sender_kind == "spouse" else "特定关系人")
    voters = [case.person(g.pid("M"), "村民", "群众", unit) for _ in range(rng.randint(6, 40))]
    day = datetime(rng.choice([2020, 2021]), rng.randint(1, 11), rng.randint(1, 28), 9)
    group = f"{rng.randint(10**8, 10**9)}@chatroom"
    case.event(
        g.pid("E"), "村委会换届选举", "换届选举", f"{day:%Y-%m-%d}", f"{day:%Y-%m-%d}", unit, [c], [group]
    )
    lead = rng.choice([1, 5, 20, 40])
    reached = rng.sample(voters, rng.randint(3, len(voters)))
    b = case.chat(sender) if data in ("both", "chat") else None
    if b:
        b.add_group(group, "村民群", [(v.wxid, v.nick) for v in voters])
    for v in reached:
        when = day - timedelta(days=rng.uniform(0.2, lead))
        fen, memo = (
            rng.choice([5000, 9990, 10000, 19900, 20000, 50000]),
            rng.choice(["", "过节", "一点心意", ""]),
        )
        if b and data == "chat":
            b.add_contact(v.wxid, nickname=v.nick)
            b.add_red_packet(v.wxid, case.sendid(when), memo or "恭喜发财", ts=when)
        else:
            case.transfer_out(sender, when, v, fen, memo)
    if b:
        when = day - timedelta(days=rng.uniform(0.2, lead))
        sid = case.sendid(when)
        if data == "both":
            case.group_packet_out(sender, when, rng.choice([50000, 100000]), sid)
        b.add_red_packet(group, sid, rng.choice(["恭喜发财", "元宵节快乐"]), ts=when)
    g.label(c, VOTE, f"vote/{sender_kind}/{data}", n=len(reached))


def gambling(g: Gen) -> None:
    """扫雷: shares then payouts (player) or own packets then payouts (layer); bill, chat or both."""
    o, rng, case = g.official(f"某中心{g.tag}"), g.rng, g.case
    role, data = rng.choice(["player", "player", "layer"]), rng.choice(["bill", "bill", "both", "chat"])
    group = f"{rng.randint(10**8, 10**9)}@chatroom"
    mates = [f"牌友{g.tag}{g.n}{i}" for i in range(rng.randint(2, 8))]
    rounds, days = rng.randint(3, 30), rng.randint(1, 20)
    start = datetime(rng.choice([2021, 2022]), rng.randint(1, 12), rng.randint(1, 28), 20)
    b = case.chat(o) if data in ("both", "chat") else None
    if b:
        b.add_group(group, "娱乐群", [(f"wxid_{m}", m) for m in mates])
        for m in mates:
            b.add_contact(f"wxid_{m}", nickname=m)
    for k in range(rounds):
        when = start + timedelta(days=k % days, minutes=rng.randint(0, 180))
        face = rng.choice([1000, 2000, 3000, 5000, 10000])
        payout = int(face * rng.choice([1.0, 1.2, 1.5, 1.8, 2.0]))
        mate = rng.choice(mates)
        lag = timedelta(minutes=rng.uniform(0.5, 20))
        blessing, sid = f"{face // 100}/{rng.randint(0, 9)}", case.sendid(when)
        if data != "chat" and role == "player":
            case.packet_in(o, when, mate, rng.randint(1, face // 3), sid)
            case.transfer_out(o, when + lag, mate, payout)
        elif data != "chat":
            case.group_packet_out(o, when, face, sid)
            case.transfer_in(o, when + lag, mate, payout)
        if b:
            b.add_red_packet(
                group, sid, blessing, sender=f"wxid_{mate}" if role == "player" else None, ts=when
            )
        if b and data == "chat":
            if role == "player":
                b.add_claim(group, sid, claimer="你", packet_sender=mate, ts=when + timedelta(seconds=20))
            _chat_transfer(case, b, o, f"wxid_{mate}", when + lag, payout, outgoing=role == "player")
    g.label(o, GAMBLING, f"gambling/{role}/{data}", n=rounds)


def _chat_transfer(
    case: Case, b, owner: Person, other: str, when: datetime, fen: int, outgoing: bool
) -> None:
    """A 1:1 transfer as the chat shows it (amount in the XML; no bill row)."""
    payer, receiver = (owner.wxid, other) if outgoing else (other, owner.wxid)
    b.add_transfer(
        other, case.transferid(when), case.txn(), fen, sender=payer, payer=payer, receiver=receiver, ts=when
    )


def _gift(
    g: Gen, to: Person, frm: Person, when: datetime, fen: int, data: str, packet: bool, memo: str = ""
) -> None:
    case = g.case
    if packet:
        fen = min(fen, 20000)
        sid = case.sendid(when)
        if data in ("bill", "both"):
            case.packet_in(to, when, frm, fen, sid)
        if data in ("chat", "both"):
            case.chat(to).add_contact(frm.wxid, nickname=frm.nick)
            case.chat(to).add_red_packet(frm.wxid, sid, memo or "恭喜发财", sender=frm.wxid, ts=when)
        return
    if data in ("bill", "both"):
        case.transfer_in(to, when, frm, fen, memo)
    if data in ("chat", "both"):
        b = case.chat(to)
        b.add_contact(frm.wxid, nickname=frm.nick)
        tid = case.transferid(when)
        b.add_transfer(
            frm.wxid,
            tid,
            case.txn(),
            fen,
            memo=memo,
            sender=frm.wxid,
            payer=frm.wxid,
            receiver=to.wxid,
            ts=when,
        )


# ---------------------------------------------------------------- hard negatives (see negatives.py)

VIOLATIONS = [served, festival, vote, gambling]


def generate(
    root: Path, cases: int = 12, per_case: int = 3, negatives: int = 8, seed: int = 19
) -> list[dict]:
    """Write ``cases`` case folders under ``root``; returns the labels (one per official)."""
    from negatives import NEGATIVES

    rng = random.Random(seed)
    labels = []
    for i in range(cases):
        tag = chr(ord("A") + i)
        case = Case(root / f"county-{tag}", f"某县案件 {tag}")
        g = Gen(case, rng, tag)
        for k in range(per_case):
            VIOLATIONS[(i * per_case + k) % len(VIOLATIONS)](g)
        for k in range(negatives):
            NEGATIVES[(i * negatives + k) % len(NEGATIVES)](g)
        case.write(f"ADV-{tag}")
        labels += [{**lab, "case": case.root.name} for lab in g.labels]
    return labels
