"""Issue 19 over real-format case folders (WeChat Pay bill CSVs, registers as Chinese CSVs,
ingested through the case folder): money into the spouse's account, vote buying from bills alone,
the 扫雷 shape from a bill alone, and loan repayments that are not gifts."""

from __future__ import annotations

from datetime import timedelta

from tests.payments.realcase import CaseFolder, at, person, screen


def test_served_parties_paying_into_the_spouse_account_from_her_bill(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    case.people.append(person("O1", "李某", "公职人员", "wxid_li", "李站长", "某粮站"))
    case.people.append(person("W1", "王某", "其他", "wxid_wang", "王姐"))
    case.relations.append(["O1", "W1", "配偶", "", "", ""])
    for i in range(1, 5):
        case.people.append(person(f"S{i}", f"粮贩{i}", "个体经营者", f"wxid_s{i}", f"卖粮户{i}"))
        case.relations.append(["O1", f"S{i}", "管理服务对象", "", "", ""])
    rows = [case.received_transfer(at(2016, 6, 3 + 5 * i), f"卖粮户{i}", 199900) for i in range(1, 5)]
    case.write_bill(rows, "王姐")
    [f] = screen(book, registry, case.ingest(), "gift-money.served-party-fan-in")
    assert f.subject.id == "O1" and "W1" in {r.id for r in f.related}
    assert "收到 4 名管理服务对象转账 4 笔，合计 7,996.00 元" in f.explanation
    assert "其中4 笔经配偶 王某 的账户收取" in f.explanation and "仅有支付账单" in f.explanation


def test_vote_buying_from_bills_alone_infers_the_electorate(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    case.people.append(person("C1", "候选人", "公职人员", "wxid_cand", "老村长", "某村"))
    case.people.append(person("K1", "候选人之妻", "群众", "wxid_wife", "村长嫂", "某村"))
    case.relations.append(["C1", "K1", "配偶", "", "", ""])
    for i in range(8):
        case.people.append(person(f"V{i}", f"村民{i}", "群众", f"wxid_v{i}", f"村民昵称{i}", "某村"))
    case.events.append(
        ["EL", "村委会换届", "换届选举", "2021-03-01", "2021-03-01", "某村", "C1", "cun@chatroom"]
    )
    rows = [case.sent_transfer(at(2021, 2, 10) + timedelta(hours=i), f"村民昵称{i}", 19900) for i in range(5)]
    case.write_bill(rows, "村长嫂")
    [f] = screen(book, registry, case.ingest(), "vote-buying.payments-fan-out")
    assert f.subject.id == "C1" and f.severity == "medium"  # one step below the check's high
    assert "向 5 名选民（选民共 8 人，覆盖 62%）" in f.explanation
    assert "按 events.csv 所列单位“某村”及 people.csv 的在册人员推断" in f.explanation
    assert all(e.note == "由候选人的亲属/特定关系人候选人之妻发出" for e in f.evidence)


def test_mine_sweeping_shape_from_a_bill_alone(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    case.people.append(person("O1", "赵某", "公职人员", "wxid_zhao", "老赵"))
    rows = []
    for k in range(6):
        when = at(2022, 5, 1 + k % 3, 21, 7 * k)
        mate = f"群友{k % 2}"
        rows.append(case.received_packet(when, mate, 100 + 37 * k))
        rows.append(case.sent_transfer(when + timedelta(minutes=3), mate, 1500 + 500 * (k % 2)))
    case.write_bill(rows, "老赵")
    [f] = screen(book, registry, case.ingest(), "gambling.red-packet-bill-shape")
    assert f.subject.id == "O1" and "6 轮" in f.explanation and "分布在 3 天" in f.explanation
    assert "没有红包祝福语和雷号" in f.explanation
    assert screen(book, registry, case.ingest(), "gambling.red-packet-games") == []


def test_loan_repaid_in_instalments_at_spring_festival_is_not_gift_money(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    case.people.append(person("O1", "张某", "公职人员", "wxid_zhang", "张主任", "某局"))
    case.people.append(person("U1", "刘某", "公职人员", "wxid_liu", "小刘", "某局"))
    case.relations.append(["O1", "U1", "下级", "", "", ""])
    rows = [case.sent_transfer(at(2016, 10, 8), "小刘", 600000, "借你周转")]
    rows += [case.received_transfer(at(2017, 1, 20 + 3 * k), "小刘", 200000) for k in range(3)]  # no memo
    case.write_bill(rows, "张主任")
    ds = case.ingest()
    assert screen(book, registry, ds, "gift-money.festival") == []
    assert screen(book, registry, ds, "gift-money.served-party-fan-in") == []
