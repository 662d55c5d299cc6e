"""Injected P3 (gambling), P4 (festival gifts) and P5 (splitting) instances and their hard negatives."""

from __future__ import annotations

from datetime import timedelta

from inject import FESTIVALS, Book, moment, plain_day, split, variant
from org import YEARS, Org, acct

# ---------------------------------------------------------------- P3 gambling


def p3_minesweeper(org: Org, book: Book, officials: list[str], n: int, banker_official: bool) -> None:
    rng = book.rng
    gid = f"sl{n}@chatroom"
    banker = acct(officials[0]) if banker_official else org.ordinary()
    players = [acct(o) for o in officials[1 if banker_official else 0 :]] + [org.ordinary() for _ in range(6)]
    own: dict[str, list[str]] = {o: [] for o in officials}
    day = plain_day(rng)
    ts = moment(rng, day, 20, 22)
    for p in players:
        if rng.random() < 0.3:
            pid = book.pay(
                ts - timedelta(minutes=30), "transfer", p, banker, 10000, memo="押金", status="对方已收钱"
            )
            _own(own, p, pid)
    for _ in range(rng.randint(10, 30)):
        face = rng.choice([10, 20, 30, 50, 100])
        mine = rng.randrange(10)
        grabbers = rng.sample(players, rng.randint(3, min(6, len(players))))
        amounts = split(rng, face * 100, len(grabbers))
        send, shares = book.packet(ts, banker, gid, face * 100, f"{face}/{mine}", grabbers, amounts)
        _own(own, banker, send)
        for g, sid, fen in zip(grabbers, shares, amounts, strict=True):
            _own(own, g, sid)
            if fen % 10 == mine:
                st = book.pay(
                    ts + timedelta(minutes=rng.randint(1, 10)),
                    "transfer",
                    g,
                    banker,
                    int(face * 100 * 1.5),
                    status="对方已收钱",
                )
                _own(own, g, st)
                _own(own, banker, st)
        ts += timedelta(minutes=rng.randint(3, 8))
    for o, ids in own.items():
        if ids:
            book.label("P3", f"P3-{n}-{o}", o, ids)


def _own(own: dict[str, list[str]], account: str, pid: str) -> None:
    person = account[1:] if account.startswith("wP") else None
    if person in own:
        own[person].append(pid)


def p3_memo(org: Org, book: Book, official: str, n: int) -> None:
    rng = book.rng
    agent = org.ordinary()
    ids = []
    day = plain_day(rng)
    for k in range(rng.randint(3, 6)):
        up = k % 3 != 2
        ids.append(
            book.pay(
                moment(rng, day + timedelta(days=k), 21, 24),
                "transfer",
                acct(official) if up else agent,
                agent if up else acct(official),
                rng.choice([20000, 50000, 100000]),
                memo="上分" if up else "下分",
                status="已收钱",
            )
        )
    book.label("P3", f"P3m-{n}", official, ids)


def p3_negative(org: Org, book: Book, official: str) -> None:
    """Family 拼手气 and 'for luck' 接龙 without any settlement; one packet's blessing looks like 6/18."""
    rng = book.rng
    fam = f"fam-{official}@chatroom"
    kin = [acct(k) for k in org.kin[official]]
    ts = moment(rng, rng.choice([w.start for w in FESTIVALS if w.name == "春节"]) + timedelta(days=7), 19, 21)
    sender = kin[0]
    for k in range(6):
        members = [acct(official), *kin]
        grabbers = [m for m in members if m != sender]
        shares = split(rng, 888, len(grabbers))
        book.packet(ts, sender, fam, 888, "6/18" if k == 0 else "新年快乐", grabbers, shares)
        sender = grabbers[shares.index(min(shares))]  # 接龙: the smallest grabber sends the next one
        ts += timedelta(minutes=3)


# ---------------------------------------------------------------- P4 festival gifts


def p4(org: Org, book: Book, official: str, n: int) -> None:
    rng = book.rng
    pool = org.subordinates.get(official) or []
    givers = rng.sample(pool, min(len(pool), rng.randint(0, 2))) + rng.sample(org.business, rng.randint(1, 3))
    fests = rng.sample([w for w in FESTIVALS if w.start.year in YEARS], rng.randint(1, 3))
    origin, ids = variant(rng), []
    for w in fests:
        for g in givers:
            day = w.start + timedelta(days=rng.randint(0, (w.end - w.start).days))
            kind = rng.choice(["transfer", "transfer", "gift_card", "red_packet"])
            fen = {
                "transfer": rng.choice([60000, 100000, 200000]),
                "gift_card": 100000,
                "red_packet": rng.choice([8800, 16800, 18800]),
            }[kind]
            ids.append(
                book.pay(
                    moment(rng, day),
                    kind,
                    acct(g),
                    acct(official),
                    fen,
                    memo=rng.choice(["拜年", "节日快乐", "一点心意", None]),
                    status="已收钱",
                    origin=origin if kind == "red_packet" else "bill",
                )
            )
    book.label("P4", f"P4-{n}", official, ids)


def p4_personal(org: Org, book: Book, official: str, n: int) -> None:
    rng = book.rng
    day = plain_day(rng)
    org.events.append(
        {
            "event_id": f"W-{official}-{n}",
            "name": "婚宴",
            "event_type": "个人事项",
            "start_date": day,
            "end_date": day,
            "person_ids": [official],
            "group_ids": [],
        }
    )
    ids = [
        book.pay(
            moment(rng, day - timedelta(days=rng.randint(0, 5))),
            "transfer",
            acct(b),
            acct(official),
            rng.choice([100000, 200000]),
            memo="新婚快乐",
            status="已收钱",
        )
        for b in rng.sample(org.business, rng.randint(2, 4))
    ]
    book.label("P4", f"P4w-{n}", official, ids)


def p4_negative(org: Org, book: Book, head: str) -> None:
    """春节: kin's transfers, a subordinate's reciprocated ¥200, a subordinate paying back his share of
    the dinner by transfer (饭钱), AA 群收款, work-group 拼手气 shares."""
    rng = book.rng
    w = rng.choice([w for w in FESTIVALS if w.name == "春节" and w.start.year in YEARS])
    day = w.start + timedelta(days=5)
    for k in org.kin[head]:
        book.pay(moment(rng, day), "transfer", acct(k), acct(head), 500000, memo="过年", status="已收钱")
    subs = org.subordinates[head]
    book.pay(moment(rng, day, 9, 12), "red_packet", acct(subs[0]), acct(head), 20000)
    book.pay(moment(rng, day, 13, 18), "red_packet", acct(head), acct(subs[0]), 20000)
    book.pay(
        moment(rng, day, 21, 22),
        "transfer",
        acct(subs[-1]),
        acct(head),
        8650,
        memo="年夜饭饭钱",
        status="已收钱",
    )
    work = f"work-{head}@chatroom"
    for s in subs:
        book.pay(
            moment(rng, day - timedelta(days=3)),
            "group_collection",
            acct(s),
            acct(head),
            15600,
            chat=work,
            memo="年夜饭AA",
        )
        book.packet(
            moment(rng, day),
            acct(s),
            work,
            3000,
            "新年快乐",
            [acct(head), *[acct(x) for x in subs if x != s]],
        )


# ---------------------------------------------------------------- P5 splitting


def p5(org: Org, book: Book, official: str, n: int) -> None:
    rng = book.rng
    day = plain_day(rng)
    if rng.random() < 0.6:
        sender = acct(rng.choice(org.business))
        ids = [
            book.pay(
                moment(rng, day, 20, 21) + timedelta(minutes=k), "red_packet", sender, acct(official), 20000
            )
            for k in range(rng.randint(3, 8))
        ]
    else:
        ids = [
            book.pay(
                moment(rng, day), "red_packet", org.ordinary(), acct(official), rng.choice([20000, 19999])
            )
            for _ in range(rng.randint(3, 5))
        ]
    book.label("P5", f"P5-{n}", official, ids)


def p5_negative(org: Org, book: Book, official: str) -> None:
    """A spouse's five ¥200 packets on a birthday; a friend's two ¥200 packets another day."""
    rng = book.rng
    day = plain_day(rng)
    for k in range(5):
        book.pay(
            moment(rng, day, 8, 9) + timedelta(minutes=k),
            "red_packet",
            acct(org.kin[official][0]),
            acct(official),
            20000,
        )
    friend, other = org.ordinary(), plain_day(rng)
    for _ in range(2):
        book.pay(moment(rng, other), "red_packet", friend, acct(official), 20000)


__all__ = [
    "p3_memo",
    "p3_minesweeper",
    "p3_negative",
    "p4",
    "p4_negative",
    "p4_personal",
    "p5",
    "p5_negative",
]
