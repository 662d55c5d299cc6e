"""Hard negatives of the adversarial benchmark: money that looks like a typology and is not one
(kin and family festival money, AA, reciprocated gifts, weddings, loans, family 接龙, a candidate's
family, a friend's dinner money)."""

from __future__ import annotations

from datetime import datetime, timedelta

from generate import GAMBLING, GIFT, MIDAUTUMN, SPRING, VOTE, Gen


def kin_festival(g: Gen) -> None:
    o, case, rng = g.official(f"某局{g.tag}"), g.case, g.rng
    w = case.person(g.pid("W"), "配偶", "其他")
    case.relate(o, w, "配偶")
    bro = case.person(g.pid("B"), "妻兄", "企业人员")
    case.relate(w, bro, "亲属")
    mum = case.person(g.pid("K"), "母亲", "个体经营者")
    case.relate(o, mum, "亲属")
    for day in rng.sample(SPRING, 2):
        case.transfer_in(
            w, day - timedelta(days=1, hours=-10), bro, rng.choice([200000, 500000, 88800]), "过年好"
        )
        case.packet_in(o, day + timedelta(hours=12), mum, 20000)
        case.packet_in(o, day + timedelta(hours=12, minutes=1), mum, 16800)
    g.label(o, GIFT, "neg/kin-festival", "negative")


def aa_dinner(g: Gen) -> None:
    o, case, rng = g.official(f"某局{g.tag}"), g.case, g.rng
    day = rng.choice(SPRING) - timedelta(days=3, hours=-19)
    for _ in range(rng.randint(3, 8)):
        u = case.person(g.pid("U"), "同事", "公职人员", o.unit)
        case.relate(o, u, "下级")
        case.group_collection_out(
            u, day + timedelta(minutes=rng.randint(1, 30)), o, rng.choice([15600, 20000, 9950]), "年夜饭AA"
        )
    g.label(o, GIFT, "neg/aa", "negative")


def reciprocated(g: Gen) -> None:
    o, case, rng = g.official(f"某所{g.tag}"), g.case, g.rng
    s = case.person(g.pid("S"), "经营户", "个体经营者")
    case.relate(o, s, "管理服务对象")
    for day in rng.sample(SPRING + MIDAUTUMN, 2):
        fen = rng.choice([20000, 50000, 100000])
        case.transfer_in(o, day, s, fen, "过节好")
        case.transfer_out(o, day + timedelta(hours=rng.randint(1, 30)), s, fen, "同乐")
    g.label(o, GIFT, "neg/reciprocated", "negative")


def wedding(g: Gen) -> None:
    o, case, rng = g.official(f"某局{g.tag}"), g.case, g.rng
    day = datetime(rng.choice([2020, 2021]), rng.randint(4, 10), rng.randint(1, 28), 11)
    case.event(g.pid("E"), "本人婚礼", "个人事项", f"{day:%Y-%m-%d}", f"{day:%Y-%m-%d}", "", [o])
    for _ in range(rng.randint(2, 6)):
        k = case.person(g.pid("K"), "亲戚", "群众")
        case.relate(o, k, "亲属")
        case.transfer_in(
            o, day - timedelta(days=rng.randint(0, 3)), k, rng.choice([60000, 100000, 200000]), "新婚快乐"
        )
    friend = case.person(g.pid("F"), "同学", "群众")
    case.transfer_in(o, day, friend, 80000, "新婚快乐")
    u = case.person(g.pid("U"), "科员", "公职人员", o.unit)
    case.relate(u, o, "下级")  # o reports to u: o's superior gives at o's wedding (downward, not tribute)
    case.transfer_in(o, day, u, 60000, "新婚快乐")
    g.label(o, GIFT, "neg/wedding", "negative")


def loan(g: Gen) -> None:
    o, case, rng = g.official(f"某局{g.tag}"), g.case, g.rng
    u = case.person(g.pid("U"), "科员", "公职人员", o.unit)
    case.relate(o, u, "下级")
    lent = rng.choice([300000, 500000, 1000000, 2000000])
    day = rng.choice(SPRING)
    case.transfer_out(
        o, day - timedelta(days=rng.randint(20, 200)), u, lent, rng.choice(["", "借你", "周转"])
    )
    if rng.random() < 0.5:
        case.transfer_in(o, day - timedelta(days=rng.randint(0, 5)), u, lent, "还款")
    else:
        parts = rng.randint(2, 5)
        for k in range(parts):
            fen = lent // parts + (lent % parts if k == parts - 1 else 0)
            case.transfer_in(
                o, day - timedelta(days=5 * (parts - k)), u, fen, rng.choice(["", "还钱", "分期还"])
            )
    g.label(o, GIFT, "neg/loan", "negative")


def family_chain(g: Gen) -> None:
    """Family 拼手气 at 春节: the official grabs a share and sends a packet into the group, for luck."""
    o, case, rng = g.official(f"某局{g.tag}"), g.case, g.rng
    kin = [case.person(g.pid("K"), "家人", "群众") for _ in range(3)]
    for k in kin:
        case.relate(o, k, "亲属")
    day = rng.choice(SPRING) + timedelta(hours=11)
    for r in range(rng.randint(4, 10)):
        when = day + timedelta(days=r % 3, minutes=10 * r)
        case.packet_in(o, when, rng.choice(kin), rng.randint(50, 1500))
        case.group_packet_out(o, when + timedelta(minutes=rng.randint(1, 5)), rng.choice([666, 888, 1888]))
    g.label(o, GAMBLING, "neg/family-chain", "negative")


def candidate_family(g: Gen) -> None:
    unit = f"某村{g.tag}{g.n}"
    c, case, rng = g.official(unit), g.case, g.rng
    voters = [case.person(g.pid("M"), "村民", "群众", unit) for _ in range(rng.randint(5, 20))]
    day = datetime(2021, rng.randint(1, 11), rng.randint(1, 28), 9)
    case.event(g.pid("E"), "村委会换届选举", "换届选举", f"{day:%Y-%m-%d}", f"{day:%Y-%m-%d}", unit, [c])
    for _ in range(3):
        k = case.person(g.pid("K"), "外地亲戚", "群众", "外县")
        case.relate(c, k, "亲属")
        case.transfer_out(
            c, day - timedelta(days=rng.randint(1, 20)), k, rng.choice([20000, 50000]), "给孩子的"
        )
    case.transfer_out(c, day - timedelta(days=3), voters[0], 12800, "上次饭钱")
    g.label(c, VOTE, "neg/candidate-family", "negative")


def friend_dinner(g: Gen) -> None:
    o, case, rng = g.official(f"某中心{g.tag}"), g.case, g.rng
    f = case.person(g.pid("F"), "朋友", "群众")
    for d in range(2):
        when = datetime(2022, rng.randint(1, 12), rng.randint(1, 28), 19) + timedelta(days=d * 30)
        case.packet_in(o, when, f, rng.randint(100, 2000))
        case.transfer_out(
            o, when + timedelta(minutes=rng.randint(40, 120)), f, rng.choice([8800, 12000]), "饭钱"
        )
    g.label(o, GAMBLING, "neg/friend-dinner", "negative")


NEGATIVES = [
    kin_festival,
    aa_dinner,
    reciprocated,
    wedding,
    loan,
    family_chain,
    candidate_family,
    friend_dinner,
]
