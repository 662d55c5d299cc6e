"""The payment frame as an explicit object (documented relations, built once per screen) and the
indirect routes and loan repayments of issue 19 on small canonical tables."""

from __future__ import annotations

from tests.payments.realcase import screen
from tests.payments.test_typologies import official, pay, seller, ts

from hongxian.dataset.dataset import Dataset
from hongxian.detect.base import DetectContext
from hongxian.detect.payments.frame import COLUMNS, PaymentFrame, frame_of


def person(pid: str, name: str, kind: str = "其他") -> dict:
    return {"person_id": pid, "name": name, "identity_kind": kind, "wechat_ids": [f"w_{pid.lower()}"]}


def rel(a: str, b: str, relation: str) -> dict:
    return {"person_id": a, "related_person_id": b, "relation": relation}


def _spouse_case() -> Dataset:
    people = [official(), person("W1", "某妻"), person("B1", "妻兄", "企业人员"), seller(1), seller(2)]
    people += [seller(3), person("E3", "粮贩3的会计", "企业人员")]
    rels = [rel("O1", "W1", "配偶"), rel("W1", "B1", "亲属"), rel("S3", "E3", "雇员")]
    rels += [rel("O1", f"S{i}", "管理服务对象") for i in (1, 2, 3)]
    rows = [
        pay("p1", ts(2019, 5, 3), "transfer", "w_s1", "w_w1", 300000),
        pay("p2", ts(2019, 5, 9), "transfer", "w_s2", "w_w1", 300000),
        pay("p3", ts(2019, 5, 12), "red_packet", "w_e3", "w_o1", 20000),
        pay("p4", ts(2019, 5, 20), "transfer", "w_e3", "w_w1", 100000),
        pay("k1", ts(2019, 5, 21), "transfer", "w_b1", "w_w1", 500000),
    ]
    return Dataset.from_rows(people=people, relations=rels, payments=rows)


def test_frame_relations_have_their_documented_columns_and_are_built_once_per_screen():
    ds = _spouse_case()
    ctx = DetectContext(dataset=ds, rulebook=None)
    frame = frame_of(ctx)
    assert frame_of(ctx) is frame  # every payment detector of the screen shares it
    frame.check()
    assert set(COLUMNS) == {
        "party",
        "rel",
        "person_kind",
        "official",
        "family",
        "recipient",
        "route",
        "all",
        "flow",
    }
    routes = frame.rows(f"SELECT * FROM {frame.t.route} ORDER BY cp, recipient, payer")
    assert ("O1", "W1", "spouse", "S3", "served", "E3", "employee") in {
        tuple(r[k] for k in COLUMNS["route"][:7]) for r in routes
    }
    assert not [r for r in routes if r["payer"] == "B1"]  # family of the recipient never forms a route
    other = frame_of(DetectContext(dataset=ds, rulebook=None))
    assert other is not frame  # the next screen builds its own


def test_frame_check_names_a_relation_that_drifts_from_its_documentation():
    frame = PaymentFrame.build(_spouse_case())
    frame.con.execute(f"CREATE OR REPLACE TEMP TABLE {frame.t.flow} AS SELECT payment_id FROM payments")
    try:
        frame.check()
    except AssertionError as exc:
        assert "flow" in str(exc)
    else:
        raise AssertionError("check() accepted a flow relation without its documented columns")


def test_served_money_into_the_spouse_account_and_via_an_employee_says_which_route(book, registry):
    [f] = screen(book, registry, _spouse_case(), "gift-money.served-party-fan-in")
    assert f.subject.id == "O1"
    assert "3 名管理服务对象" in f.explanation
    assert "经配偶 某妻 的账户收取" in f.explanation and "由送款人的雇员代付" in f.explanation
    notes = {e.id: e.note for e in f.evidence}
    assert notes["p4"] == "由粮贩3的雇员粮贩3的会计支付，经配偶某妻账户收取"
    assert "k1" not in notes  # the wife's brother: family money


def test_loan_instalments_are_set_aside_and_both_sides_cited(book, registry):
    people = [official(), seller(1), seller(2), seller(3), seller(4)]
    rels = [rel("O1", f"S{i}", "管理服务对象") for i in (1, 2, 3, 4)]
    rows = [pay(f"g{i}", ts(2019, 6, 2 + i), "transfer", f"w_s{i}", "w_o1", 200000) for i in (1, 2, 3)]
    rows += [
        pay("l1", ts(2019, 1, 5), "transfer", "w_o1", "w_s4", 900000, memo="借你周转"),
        pay("r1", ts(2019, 6, 10), "transfer", "w_s4", "w_o1", 300000),
        pay("r2", ts(2019, 6, 20), "transfer", "w_s4", "w_o1", 600000),
    ]
    ds = Dataset.from_rows(people=people, relations=rels, payments=rows)
    [f] = screen(book, registry, ds, "gift-money.served-party-fan-in")
    assert "收到 3 名管理服务对象" in f.explanation and "合计 6,000.00 元" in f.explanation
    assert "另有 2 笔为归还本人此前借款" in f.explanation
    notes = {e.id: e.note for e in f.evidence}
    assert notes["r1"] == notes["r2"] == "归还本人 2019-01-05 借出的 9,000.00 元（不计为礼金）"
    assert notes["l1"] == "本人此前借出的款项（对方随后归还）"


def test_a_repayment_that_does_not_match_the_loan_still_counts(book, registry):
    people = [official(), seller(1)]
    rows = [
        pay("l1", ts(2019, 1, 5), "transfer", "w_o1", "w_s1", 100000),
        pay("g1", ts(2019, 6, 3), "transfer", "w_s1", "w_o1", 500000),
        pay("g2", ts(2019, 6, 9), "transfer", "w_s1", "w_o1", 500000),
    ]
    ds = Dataset.from_rows(people=people, relations=[rel("O1", "S1", "管理服务对象")], payments=rows)
    [f] = screen(book, registry, ds, "gift-money.served-party-fan-in")
    assert "合计 10,000.00 元" in f.explanation and "借款" not in f.explanation


def test_bill_shape_of_mine_sweeping_says_what_the_bill_cannot_show(book, registry):
    people = [official(), person("X1", "群友甲", "群众"), person("X2", "群友乙", "群众")]
    rows = []
    for i, (day, x, share, back) in enumerate(
        [(1, "x1", 137, 1500), (1, "x2", 212, 3000), (2, "x1", 88, 1500)]
    ):
        rows.append(pay(f"s{i}", ts(2022, 5, day, 21, 10 * i), "red_packet", f"w_{x}", "w_o1", share))
        rows.append(pay(f"b{i}", ts(2022, 5, day, 21, 10 * i + 4), "transfer", "w_o1", f"w_{x}", back))
    ds = Dataset.from_rows(people=people, payments=rows)
    [f] = screen(book, registry, ds, "gambling.red-packet-bill-shape")
    assert f.subject.id == "O1" and f.category == "integrity.gambling"
    assert "3 轮" in f.explanation and "分布在 2 天、涉及 2 人" in f.explanation
    assert "没有红包祝福语和雷号" in f.explanation and "仅有支付账单" in f.explanation
    notes = {e.id: e.note for e in f.evidence}
    assert notes["s0"] == "抢到的红包份额" and notes["b0"] == "随后转给发包人（疑似中雷赔付）"
    late = [pay("s9", ts(2022, 5, 3, 9), "red_packet", "w_x1", "w_o1", 100)]
    late.append(
        pay("b9", ts(2022, 5, 3, 10), "transfer", "w_o1", "w_x1", 1500)
    )  # an hour later: not a payout
    ds2 = Dataset.from_rows(people=people, payments=rows[:2] + late)
    assert screen(book, registry, ds2, "gambling.red-packet-bill-shape") == []
