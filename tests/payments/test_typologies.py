"""Typology behaviour on small canonical tables (Dataset.from_rows): windows, baselines, chains,
banker rounds, personal events, stable ids, and the portability of the SQL."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.payments.realcase import screen

from hongxian.dataset.dataset import Dataset
from hongxian.detect.payments import festival, gambling_sql, served, splitting, vote
from hongxian.detect.payments.features import reciprocity_sql
from hongxian.detect.payments.frame import PaymentFrame, Relations
from hongxian.detect.payments.sql import Dialect

Z = ZoneInfo("Asia/Shanghai")


def ts(y, m, d, h=20, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=Z)


def pay(pid, when, kind, payer, payee, fen, **kw) -> dict:
    return {
        "payment_id": pid,
        "source_id": "s",
        "ts": when,
        "kind": kind,
        "payer_account": payer,
        "payee_account": payee,
        "amount_fen": fen,
        "origin": kw.pop("origin", "bill"),
        **kw,
    }


def official(pid="O1", wxid="w_o1", name="某官员") -> dict:
    return {
        "person_id": pid,
        "name": name,
        "identity_kind": "公职人员",
        "is_official": True,
        "wechat_ids": [wxid],
    }


def seller(i) -> dict:
    return {
        "person_id": f"S{i}",
        "name": f"粮贩{i}",
        "identity_kind": "个体经营者",
        "wechat_ids": [f"w_s{i}"],
    }


# ---------------------------------------------------------------- P1


def _p1_dataset(extra: list[dict] = ()) -> Dataset:
    people = [official(), *(seller(i) for i in range(3))]
    relations = [
        {"person_id": "O1", "related_person_id": f"S{i}", "relation": "管理服务对象"} for i in range(3)
    ]
    events = [
        {
            "event_id": "E1",
            "name": "夏粮收购",
            "event_type": "业务办理期",
            "start_date": date(2016, 6, 2),
            "end_date": date(2016, 7, 18),
            "person_ids": ["O1"],
            "group_ids": [],
        }
    ]
    pays = [pay(f"in{i}", ts(2016, 6, 5 + 5 * i), "red_packet", f"w_s{i}", "w_o1", 20000) for i in range(3)]
    pays.append(pay("off1", ts(2016, 12, 1), "red_packet", "w_s0", "w_o1", 20000))
    return Dataset.from_rows(people=people, relations=relations, events=events, payments=pays + list(extra))


def test_p1_season_and_off_season_are_separate_windows(book, registry):
    found = sorted(
        screen(book, registry, _p1_dataset(), "gift-money.served-party-fan-in"), key=lambda f: f.window.start
    )
    season, off = (
        found  # money from a served party is a violation whatever the amount: the lone packet is "watch"
    )
    assert "夏粮收购期间" in season.explanation and {e.id for e in season.evidence} == {"in0", "in1", "in2"}
    assert "业务办理期内" in season.explanation and season.severity == "high"
    assert (
        [e.id for e in off.evidence] == ["off1"]
        and off.severity == "low"
        and "业务办理期" not in off.explanation
    )


def test_p1_equal_return_gifts_lower_the_score_and_are_listed(book, registry):
    back = [pay(f"back{i}", ts(2016, 6, 6 + 5 * i), "red_packet", "w_o1", f"w_s{i}", 20000) for i in range(3)]

    def season(ds):
        return [
            f
            for f in screen(book, registry, ds, "gift-money.served-party-fan-in")
            if f.window.start.month == 6
        ]

    [base] = season(_p1_dataset())
    found = season(_p1_dataset(back))
    assert not found or found[0].score < base.score
    for f in found:
        assert "礼尚往来" in f.explanation
        assert {e.id for e in f.evidence if e.note == "回礼（往来款）"} == {"back0", "back1", "back2"}


def test_finding_ids_are_stable(book, registry):
    a = screen(book, registry, _p1_dataset(), "gift-money.served-party-fan-in")
    b = screen(book, registry, _p1_dataset(), "gift-money.served-party-fan-in")
    assert [f.finding_id for f in a] == [f.finding_id for f in b] and a


# ---------------------------------------------------------------- P2


def _election(extra: list[dict], messages: list[dict] = ()) -> Dataset:
    members = [{"group_id": "v@chatroom", "account_id": f"w_v{i}"} for i in range(10)]
    events = [
        {
            "event_id": "EL",
            "name": "村委会换届",
            "event_type": "换届选举",
            "start_date": date(2021, 6, 20),
            "end_date": date(2021, 6, 20),
            "person_ids": ["C1"],
            "group_ids": ["v@chatroom"],
        }
    ]
    return Dataset.from_rows(
        people=[official("C1", "w_c1", "候选人")],
        events=events,
        group_members=members,
        payments=extra,
        messages=list(messages),
    )


def _posts(year: int, origin: str = "bill") -> list[dict]:
    return [
        pay(
            f"s{year}",
            ts(year, 6, 10),
            "red_packet",
            "w_c1",
            None,
            50000 if origin != "chat" else None,
            chat_id="v@chatroom",
            ext_id=f"hb{year}",
            origin=origin,
        )
    ]


def test_p2_chat_only_group_packet_counts_without_amount(book, registry):
    [f] = screen(book, registry, _election(_posts(2021, "chat")), "vote-buying.payments-fan-out")
    assert "在选举群发红包 1 个，金额未知" in f.explanation and "仅有聊天记录" in f.explanation


def test_p2_same_sending_a_year_before_removes_the_no_baseline_band(book, registry):
    [now] = screen(book, registry, _election(_posts(2021)), "vote-buying.payments-fan-out")
    [both] = [
        f
        for f in screen(
            book, registry, _election(_posts(2021) + _posts(2020)), "vote-buying.payments-fan-out"
        )
        if f.window.start.year == 2021
    ]
    assert "上一年同期无此类往来" in now.explanation and "上一年同期无此类往来" not in both.explanation


def test_p2_canvassing_words_add_weight(book, registry):
    msg = [
        {
            "message_id": "m1",
            "source_id": "c",
            "chat_id": "v@chatroom",
            "is_group": True,
            "sender_account": "w_c1",
            "ts": ts(2021, 6, 11),
            "kind": "text",
            "text": "请大家支持我",
        }
    ]
    [f] = screen(book, registry, _election(_posts(2021), msg), "vote-buying.payments-fan-out")
    assert f.severity == "high" and any(e.table == "messages" and e.id == "m1" for e in f.evidence)


# ---------------------------------------------------------------- P3


def _chain(with_payments: bool) -> Dataset:
    """接龙: six ¥5 packets; each next one is sent by the smallest grabber of the previous one."""
    members = ["w_o1", "w_a", "w_b", "w_c"]
    rows, sender, t = [], "w_a", ts(2022, 3, 1, 21)
    for k in range(6):
        grabbers = [m for m in members if m != sender]
        shares = [100, 150, 250]
        rows.append(pay(f"c{k}", t, "red_packet", sender, None, 500, chat_id="jl@chatroom", ext_id=f"j{k}"))
        rows += [
            pay(
                f"c{k}-{g}",
                t + timedelta(seconds=10 + i),
                "red_packet",
                sender,
                g,
                s,
                chat_id="jl@chatroom",
                ext_id=f"j{k}",
            )
            for i, (g, s) in enumerate(zip(grabbers, shares, strict=True))
        ]
        if with_payments:
            rows.append(pay(f"h{k}", t + timedelta(minutes=2), "transfer", grabbers[0], "w_host", 2980))
        sender, t = grabbers[0], t + timedelta(minutes=4)
    return Dataset.from_rows(people=[official()], payments=rows)


def test_p3_chain_with_payments_to_a_host_fires_and_without_does_not(book, registry):
    [f] = screen(book, registry, _chain(True), "gambling.red-packet-games")
    assert "接龙 5 轮" in f.explanation and f.subject.id == "O1"
    assert screen(book, registry, _chain(False), "gambling.red-packet-games") == []


def test_p3_banker_rounds_with_bets_and_payouts(book, registry):
    rows, t = [], ts(2022, 5, 2, 1, 0)
    for k in range(8):
        rows.append(pay(f"b{k}", t, "transfer", "w_o1", "w_bank", 5000, memo="大"))
        rows.append(pay(f"p{k}", t, "red_packet", "w_bank", None, 100, chat_id="dx@chatroom", ext_id=f"d{k}"))
        rows += [
            pay(
                f"p{k}-{i}",
                t + timedelta(seconds=5),
                "red_packet",
                "w_bank",
                g,
                33 + i,
                chat_id="dx@chatroom",
                ext_id=f"d{k}",
            )
            for i, g in enumerate(["w_o1", "w_x", "w_y"])
        ]
        rows.append(pay(f"o{k}", t + timedelta(minutes=1), "transfer", "w_bank", "w_o1", 9800, memo="赢"))
        t += timedelta(minutes=6)
    [f] = screen(
        book, registry, Dataset.from_rows(people=[official()], payments=rows), "gambling.red-packet-games"
    )
    assert "坐庄下注/派彩转账 16 笔" in f.explanation
    assert sum(e.note == "下注/派彩" for e in f.evidence) == 16


# ---------------------------------------------------------------- P4 / P5


def _owner(i) -> dict:
    return {"person_id": f"B{i}", "name": f"老板{i}", "identity_kind": "企业人员", "wechat_ids": [f"w_b{i}"]}


def test_p4_personal_event_window(book, registry):
    events = [
        {
            "event_id": "W1",
            "name": "儿子升学宴",
            "event_type": "个人事项",
            "start_date": date(2022, 8, 20),
            "end_date": date(2022, 8, 20),
            "person_ids": ["O1"],
            "group_ids": [],
        }
    ]
    rows = [
        pay(f"w{i}", ts(2022, 8, 18 + i), "transfer", f"w_b{i}", "w_o1", 100000, memo="恭喜")
        for i in range(3)
    ]
    rows.append(pay("late", ts(2022, 9, 1), "transfer", "w_b0", "w_o1", 100000))
    ds = Dataset.from_rows(people=[official(), *(_owner(i) for i in range(3))], events=events, payments=rows)
    [f] = screen(book, registry, ds, "gift-money.festival")
    assert "儿子升学宴（个人事项）期间" in f.explanation and {e.id for e in f.evidence} == {"w0", "w1", "w2"}


def test_p4_work_group_shares_at_spring_festival_are_not_tribute(book, registry):
    rel = [{"person_id": "O1", "related_person_id": f"U{i}", "relation": "下级"} for i in range(3)]
    subs = [official(f"U{i}", f"w_u{i}", f"科员{i}") for i in range(3)]
    rows = [
        pay(
            f"g{i}",
            ts(2023, 1, 22, 10 + i),
            "red_packet",
            f"w_u{i}",
            "w_o1",
            388,
            chat_id="work@chatroom",
            ext_id=f"x{i}",
        )
        for i in range(3)
    ]
    ds = Dataset.from_rows(people=[official(), *subs], relations=rel, payments=rows)
    assert screen(book, registry, ds, "gift-money.festival") == []


def test_p4_dinner_money_paid_back_by_a_subordinate_is_not_tribute(book, registry):
    rel = [{"person_id": "O1", "related_person_id": "U0", "relation": "下级"}]
    rows = [pay("d1", ts(2023, 1, 21, 22), "transfer", "w_u0", "w_o1", 8650, memo="年夜饭饭钱")]
    ds = Dataset.from_rows(people=[official(), official("U0", "w_u0", "科员")], relations=rel, payments=rows)
    assert screen(book, registry, ds, "gift-money.festival") == []
    rows[0]["memo"] = "给领导拜年"
    ds = Dataset.from_rows(people=[official(), official("U0", "w_u0", "科员")], relations=rel, payments=rows)
    assert len(screen(book, registry, ds, "gift-money.festival")) == 1


def test_p5_regular_drip_from_a_served_party(book, registry):
    rel = [{"person_id": "O1", "related_person_id": "S0", "relation": "管理服务对象"}]
    rows = [pay(f"r{k}", ts(2019, 3, 2 + 3 * k, 21), "red_packet", "w_s0", "w_o1", 20000) for k in range(9)]
    ds = Dataset.from_rows(people=[official(), seller(0)], relations=rel, payments=rows)
    [f] = screen(book, registry, ds, "gift-money.splitting")
    assert "累计 9 个封顶红包" in f.explanation and "发包间隔高度规律" in f.explanation
    assert "1 名送款人为管理服务对象" in f.explanation and len(f.evidence) == 9


# ---------------------------------------------------------------- portability

DUCKDB_ONLY = re.compile(
    r"::|arg_max|arg_min|\blist_|QUALIFY|strftime|date_diff|datediff|INTERVAL|"
    r"COUNT\(DISTINCT[^)]*\)\s*OVER|\bepoch\(|regexp_matches|string_agg",
    re.IGNORECASE,
)


@pytest.mark.parametrize("dialect", [Dialect("duckdb"), Dialect("spark")])
def test_typology_sql_avoids_engine_specific_forms(book, dialect):
    frame = PaymentFrame(Dataset.from_rows(), dialect)
    b = {c: book.bound[c].params for c in book.bound}
    t = Relations()
    sqls = [
        served._rows_sql(t, b["gift-money.served-party-fan-in"]),
        served._features_sql(t, b["gift-money.served-party-fan-in"]),
        festival._rows_sql(t, b["gift-money.festival"]),
        festival._features_sql(t, b["gift-money.festival"]),
        splitting._rows_sql(t, b["gift-money.splitting"]),
        splitting._days_sql(b["gift-money.splitting"]),
        vote._rows_sql(t, b["vote-buying.payments-fan-out"]),
        reciprocity_sql(t, "t", 30),
        gambling_sql.rows_sql(frame),
        gambling_sql.xfer_sql(frame),
        gambling_sql.packets_sql(),
        gambling_sql.settle_sql([1.0, 1.5], 0.01, 1800),
        gambling_sql.chain_sql(600, 600),
        gambling_sql.banker_sql(500, 5, 6, 600),
    ]
    for sql in sqls:
        body = sql.replace(dialect.epoch_sec("p.ts"), "EPOCH_SEC")
        assert not DUCKDB_ONLY.search(body), DUCKDB_ONLY.search(body).group(0)
    if dialect.name == "spark":
        assert "unix_timestamp" in frame.flow_select()
