"""Injected typology instances (labelled positives) and hard negatives (AMLSim ``is_sar = False``).

Every positive is an *instance* (typology, subject official, payment ids) kept in ``labels``.
Hard negatives look like the typologies but are not: family 拼手气 and 接龙 without settlements,
reciprocated gifts, festival money between kin, colleagues' AA 群收款, work-group 拼手气 shares,
a candidate's family-group packets, single ¥200 packets from friends, a kin's ¥200 string.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from org import YEARS, Org, acct, election

from hongxian.calendar import FestivalSpec, festival_windows

Z = ZoneInfo("Asia/Shanghai")
FESTIVALS = festival_windows(YEARS + (YEARS[-1] + 1,), FestivalSpec())
FESTIVAL_DAYS = {w.start + timedelta(days=i) for w in FESTIVALS for i in range((w.end - w.start).days + 1)}


def moment(rng: random.Random, day: date, lo: int = 8, hi: int = 22) -> datetime:
    return datetime.combine(day, time(rng.randint(lo, hi - 1), rng.randrange(60), rng.randrange(60)), Z)


def plain_day(rng: random.Random) -> date:
    """A day in the covered years outside every festival window."""
    while True:
        d = date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28))
        if d not in FESTIVAL_DAYS:
            return d


@dataclass
class Book:
    rng: random.Random
    payments: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    _n: int = 0

    def pay(
        self,
        ts: datetime,
        kind: str,
        payer: str | None,
        payee: str | None,
        fen: int | None,
        *,
        chat: str | None = None,
        memo: str | None = None,
        ext: str | None = None,
        status: str | None = None,
        origin: str = "bill",
    ) -> str:
        self._n += 1
        pid = f"i{self._n:08d}"
        self.payments.append(
            {
                "payment_id": pid,
                "source_id": "inj",
                "ts": ts,
                "kind": kind,
                "payer_account": payer,
                "payee_account": payee,
                "chat_id": chat,
                "amount_fen": None if origin == "chat" else fen,
                "status": status,
                "memo": memo,
                "origin": origin,
                "ext_id": ext,
            }
        )
        return pid

    def packet(
        self,
        ts: datetime,
        sender: str,
        chat: str,
        face: int,
        memo: str,
        grabbers: list[str],
        shares: list[int] | None = None,
    ) -> tuple[str, list[str]]:
        """A group packet: the send row plus one received share per grabber (same send id)."""
        self._n += 1
        ext = f"hb{self._n:09d}"
        send = self.pay(ts, "red_packet", sender, None, face, chat=chat, memo=memo, ext=ext)
        shares = shares or split(self.rng, face, len(grabbers))
        ids = [
            self.pay(
                ts + timedelta(seconds=5 + 7 * i), "red_packet", sender, g, s, chat=chat, memo=memo, ext=ext
            )
            for i, (g, s) in enumerate(zip(grabbers, shares, strict=True))
        ]
        return send, ids

    def say(self, ts: datetime, chat: str, sender: str, text: str) -> None:
        self._n += 1
        self.messages.append(
            {
                "message_id": f"m{self._n:08d}",
                "source_id": "inj",
                "chat_id": chat,
                "is_group": True,
                "sender_account": sender,
                "ts": ts,
                "kind": "text",
                "text": text,
            }
        )

    def label(self, typology: str, instance: str, subject: str, ids: list[str]) -> None:
        self.labels += [
            {"payment_id": i, "typology": typology, "instance": instance, "subject": subject} for i in ids
        ]


def split(rng: random.Random, total: int, n: int) -> list[int]:
    """拼手气: n random shares (≥ 1 fen) summing to total."""
    cuts = sorted(rng.sample(range(1, total), n - 1)) if n > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def variant(rng: random.Random) -> str:
    """Which data the investigator has: a bill, the chat only (no amounts) or both linked."""
    r = rng.random()
    return "chat" if r < 0.15 else "bill+chat" if r < 0.35 else "bill"


# ---------------------------------------------------------------- P1 served-party fan-in


def p1(org: Org, book: Book, official: str, n: int) -> None:
    rng = book.rng
    year = rng.choice(YEARS)
    days = rng.sample(org.season_days(official, year), 40)
    cps = rng.sample(org.served[official], min(len(org.served[official]), rng.randint(2, 8)))
    origin, ids = variant(rng), []
    for i, cp in enumerate(cps * 2):
        if i >= len(cps) and rng.random() < 0.5:
            continue
        ts = moment(rng, days[i])
        if rng.random() < 0.6:
            ids.append(
                book.pay(ts, "red_packet", acct(cp), acct(official), 20000, origin=origin, ext=f"x{n}-{i}")
            )
        else:
            status = (
                "已退还" if i >= len(cps) and rng.random() < 0.2 else "已收钱"
            )  # each cp keeps one accepted
            ids.append(
                book.pay(
                    ts,
                    "transfer",
                    acct(cp),
                    acct(official),
                    rng.choice([50000, 100000, 200000]),
                    status=status,
                    origin="bill" if origin == "chat" else origin,
                    memo="辛苦了",
                )
            )
    book.label("P1", f"P1-{n}", official, ids)


def p1_negative(org: Org, book: Book, official: str) -> None:
    """A served party's ¥200 packet answered the same day with an equal one (礼尚往来), in season."""
    rng = book.rng
    cp = rng.choice(org.served[official])
    day = rng.choice(org.season_days(official, rng.choice(YEARS)))
    book.pay(moment(rng, day, 9, 12), "red_packet", acct(cp), acct(official), 20000)
    book.pay(moment(rng, day, 13, 20), "red_packet", acct(official), acct(cp), 20000)


# ---------------------------------------------------------------- P2 vote buying


def p2(org: Org, book: Book, candidate: str, n: int) -> None:
    rng = book.rng
    when = date(rng.choice(YEARS), rng.choice([3, 4, 9]), rng.randint(5, 25))
    _, gid, voters = election(org, candidate, when, rng.randint(20, 60))
    sender = acct(rng.choice([candidate, candidate, *org.kin[candidate]]))
    ids: list[str] = []
    for _ in range(rng.randint(1, 3)):
        ts = moment(rng, when - timedelta(days=rng.randint(1, 40)))
        grabbers = rng.sample(voters, max(3, int(len(voters) * rng.uniform(0.5, 0.9))))
        send, shares = book.packet(
            ts, sender, gid, rng.choice([200, 500, 1000]) * 100, "大家辛苦了", grabbers
        )
        ids += [send, *shares]
        if rng.random() < 0.3:
            book.say(ts + timedelta(minutes=2), gid, acct(candidate), "换届在即，请大家支持我，投我一票")
    if rng.random() < 0.3:
        for v in rng.sample(voters, 5):
            ids.append(
                book.pay(
                    moment(rng, when - timedelta(days=rng.randint(1, 20))),
                    "transfer",
                    sender,
                    v,
                    rng.choice([5000, 10000, 20000]),
                    status="对方已收钱",
                )
            )
    book.label("P2", f"P2-{n}", candidate, ids)


def p2_negative(org: Org, book: Book, candidate: str) -> None:
    """A candidate's packet into the family group and one repayment to a voter, in the window."""
    rng = book.rng
    when = date(rng.choice(YEARS), rng.choice([5, 6, 11]), rng.randint(5, 25))
    _, _, voters = election(org, candidate, when, rng.randint(20, 40))
    fam = f"fam-{candidate}@chatroom"
    book.packet(
        moment(rng, when - timedelta(days=10)),
        acct(candidate),
        fam,
        8800,
        "周末快乐",
        [acct(k) for k in org.kin[candidate]],
    )
    book.pay(
        moment(rng, when - timedelta(days=5)),
        "transfer",
        acct(candidate),
        voters[0],
        15600,
        memo="饭钱",
        status="对方已收钱",
    )
