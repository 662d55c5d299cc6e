"""The payment typologies over real-format exports: WeChat Pay bill CSVs and decrypted PC databases,
ingested through the case folder. Bill alone, chat alone and both linked each work, and the
explanation says which data it rests on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.payments.realcase import CaseFolder, at, person, screen

from hongxian.testing.wechat_db import WeChatDbBuilder

OFFICIAL, NICK = "wxid_li_zhan", "李站长"
SELLERS = [(f"S{i}", f"粮贩{i}", f"wxid_seller{i}", f"卖粮户{i}") for i in range(1, 7)]


def _grain_registers(case: CaseFolder) -> None:
    case.people.append(person("O1", "李某", "公职人员", OFFICIAL, NICK, "某粮站"))
    for pid, name, wxid, nick in SELLERS:
        case.people.append(person(pid, name, "个体经营者", wxid, nick))
        case.relations.append(["O1", pid, "管理服务对象", "", "", "夏粮收购售粮户"])
    case.events.append(["E2016", "夏粮收购", "业务办理期", "2016-06-02", "2016-07-18", "某粮站", "O1", ""])


def _seed_payments(case: CaseFolder):
    """14 × ¥200 red packets and 2 × ¥2,000 transfers from six sellers, 2016-06-02 … 07-18."""
    packets = []
    for i in range(14):
        when = at(2016, 6, 2, 20, 5) + timedelta(days=i * 3 + (i % 2))
        packets.append((when, SELLERS[i % 6], case.sendid(when)))
    bill = [case.received_packet(w, s[3], 20000, sid) for w, s, sid in packets]
    bill.append(case.received_transfer(at(2016, 6, 20, 9), SELLERS[0][3], 200000, "辛苦费"))
    bill.append(case.received_transfer(at(2016, 7, 18, 21), SELLERS[1][3], 200000))
    return packets, bill


@pytest.fixture(scope="module")
def bill_only(tmp_path_factory):
    case = CaseFolder(tmp_path_factory.mktemp("p1bill") / "case")
    _grain_registers(case)
    _, bill = _seed_payments(case)
    case.write_bill(bill, NICK)
    return case.ingest()


def test_seed_case_from_bill_alone(book, registry, bill_only):
    [f] = screen(book, registry, bill_only, "gift-money.served-party-fan-in")
    assert f.subject.id == "O1" and f.subject.kind == "person"
    assert f.severity == "high" and f.score >= 0.9
    assert (
        "2016-06-02 至 07-18（夏粮收购期间） 李某 收到 6 名管理服务对象红包 14 个、转账 2 笔，"
        "合计 6,800.00 元，未见回礼"
    ) in f.explanation
    assert "仅有支付账单" in f.explanation
    assert len(f.evidence) == 16 and all(e.table == "payments" for e in f.evidence)
    assert sum(e.amount_fen for e in f.evidence) == 680000
    assert {r.id for r in f.related} == {s[0] for s in SELLERS}
    ccp = next(r for r in f.rule_refs if r.provision_id == "gifts-accept")
    assert (ccp.code_id, ccp.article) == ("ccp-discipline@2015", "第八十三条")  # the version in force in 2016


def test_seed_case_also_shows_splitting_only_when_packets_cluster(book, registry, bill_only):
    """Packets spread over six weeks are not 'splitting': no seller sent 3 on one day."""
    assert screen(book, registry, bill_only, "gift-money.splitting") == []


def _chat_builder(case: CaseFolder, packets) -> WeChatDbBuilder:
    b = WeChatDbBuilder(owner=OFFICIAL, owner_nickname=NICK)
    for _, _, wxid, nick in SELLERS:
        b.add_contact(wxid, nickname=nick)
    for when, seller, sid in packets:
        b.add_red_packet(seller[2], sid, "一点心意", sender=seller[2], ts=when - timedelta(seconds=30))
    return b


def test_chat_alone_counts_packets_without_amounts(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    _grain_registers(case)
    packets, _ = _seed_payments(case)
    case.write_db(_chat_builder(case, packets))
    ds = case.ingest()
    assert ds["payments"].column("amount_fen").null_count == 14
    [f] = screen(book, registry, ds, "gift-money.served-party-fan-in")
    assert "收到 6 名管理服务对象红包 14 个，金额未知" in f.explanation
    assert "仅有聊天记录，金额未知" in f.explanation
    assert len(f.evidence) == 14 and all(e.amount_fen is None for e in f.evidence)


def test_bill_and_chat_linked(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    _grain_registers(case)
    packets, bill = _seed_payments(case)
    case.write_bill(bill, NICK)
    case.write_db(_chat_builder(case, packets))
    ds = case.ingest()
    origins = ds["payments"].column("origin").to_pylist()
    assert origins.count("bill+chat") == 14 and "chat" not in origins
    [f] = screen(book, registry, ds, "gift-money.served-party-fan-in")
    assert "合计 6,800.00 元" in f.explanation
    assert "依据支付账单与聊天记录" in f.explanation or "已关联" in f.explanation
    assert any(e.excerpt and "一点心意" in e.excerpt for e in f.evidence)


def test_returned_transfer_is_mitigating_evidence(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    _grain_registers(case)
    rows = [case.received_transfer(at(2016, 6, 10 + i), SELLERS[i][3], 200000) for i in range(2)]
    rows.append(case.received_transfer(at(2016, 6, 15), SELLERS[2][3], 300000, status="已退还"))
    case.write_bill(rows, NICK)
    [f] = screen(book, registry, case.ingest(), "gift-money.served-party-fan-in")
    assert "另有 1 笔已退还（减轻情节）" in f.explanation and "（-30）" in f.explanation
    returned = [e for e in f.evidence if e.note and "已退还" in e.note]
    assert [e.amount_fen for e in returned] == [300000]
    assert "合计 4,000.00 元" in f.explanation  # the returned ¥3,000 is not counted as accepted


def test_vote_buying_on_lantern_festival_from_chat_and_bill(book, registry, tmp_path):
    """The Dongyuan pattern: packets into the branch group on 元宵节 with 投我一票 — no festival excuse."""
    case = CaseFolder(tmp_path / "case")
    cand = "wxid_secretary"
    case.people.append(person("C1", "村支书", "公职人员", cand, "老书记"))
    voters = [f"wxid_member{i:02d}" for i in range(12)]
    case.events.append(
        ["EL2017", "古云村党总支换届", "换届选举", "2017-03-10", "2017-03-10", "", "C1", "41001@chatroom"]
    )
    b = WeChatDbBuilder(owner=cand, owner_nickname="老书记")
    b.add_group("41001@chatroom", "古云村党总支部", voters)
    bill = []
    for k in range(3):
        when = at(2017, 2, 11, 20, 5 * k)
        sid = case.sendid(when)
        b.add_red_packet("41001@chatroom", sid, "元宵节快乐", ts=when)
        bill.append(case.sent_group_packet(when, 800000, sid))
    b.add_text("41001@chatroom", "换届选举快到了，希望大家投我一票", ts=at(2017, 2, 11, 20, 20))
    case.write_db(b)
    case.write_bill(bill, "老书记")
    [f] = screen(book, registry, case.ingest(), "vote-buying.payments-fan-out")
    assert f.severity == "high" and f.subject.id == "C1"
    assert "在选举群发红包 3 个" in f.explanation and "合计 24,000.00 元" in f.explanation
    assert "同期发送拉票言论 1 条" in f.explanation and "节日不构成免责理由" in f.explanation
    assert any(e.table == "messages" and "投我一票" in (e.excerpt or "") for e in f.evidence)


def test_minesweeper_gambling_from_bill_and_group_chat(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    me, boss = "wxid_qian", "wxid_banker"
    case.people.append(person("O1", "钱某", "公职人员", me, "钱多多"))
    b = WeChatDbBuilder(owner=me, owner_nickname="钱多多")
    b.add_contact(boss, nickname="发财哥")
    b.add_group("888@chatroom", "发财群", [boss, "wxid_p1", "wxid_p2"])
    bill = []
    for k, (memo, share, settle) in enumerate(
        [
            ("10/3", 243, 1500),
            ("20雷7", 517, 3000),
            ("10/5", 325, 1500),
            ("10/1", 442, None),
            ("30/9", 1288, None),
        ]
    ):
        when = at(2020, 11, 2, 22, 6 * k)
        sid = case.sendid(when)
        b.add_red_packet("888@chatroom", sid, memo, sender=boss, ts=when)
        bill.append(case.received_packet(when + timedelta(seconds=20), "发财哥", share, sid))
        if settle:
            bill.append(case.sent_transfer(when + timedelta(minutes=3), "发财哥", settle))
    case.write_db(b)
    case.write_bill(bill, "钱多多")
    [f] = screen(book, registry, case.ingest(), "gambling.red-packet-games")
    assert f.subject.id == "O1" and f.severity == "high"
    assert "扫雷雷包 5 个、按面额倍数结算 3 笔（其中中雷后结算 3 笔）" in f.explanation
    assert {e.note for e in f.evidence} >= {"抢包", "结算"}


def test_family_lucky_packets_do_not_fire_gambling(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    me, mum = "wxid_qian", "wxid_mum"
    case.people.append(person("O1", "钱某", "公职人员", me, "钱多多"))
    b = WeChatDbBuilder(owner=me, owner_nickname="钱多多")
    b.add_contact(mum, nickname="妈妈")
    b.add_group("fam@chatroom", "相亲相爱一家人", [mum, "wxid_sis"])
    bill = []
    for k in range(8):
        when = at(2021, 2, 11, 20, 3 * k)
        sid = case.sendid(when)
        b.add_red_packet("fam@chatroom", sid, "8/8" if k % 2 else "新年快乐", sender=mum, ts=when)
        bill.append(case.received_packet(when + timedelta(seconds=15), "妈妈", 888 + k, sid))
    case.write_db(b)
    case.write_bill(bill, "钱多多")
    assert screen(book, registry, case.ingest(), "gambling.red-packet-games") == []


def test_festival_gift_from_subordinate_bill(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    case.people += [
        person("O1", "张主任", "公职人员", "wxid_zhang", "张主任"),
        person("U1", "小刘", "公职人员", "wxid_liu", "刘小刘"),
    ]
    case.relations.append(["O1", "U1", "下级", "", "", ""])
    rows = [
        case.received_transfer(at(2017, 1, 26, 10), "刘小刘", 200000, "给领导拜年"),
        case.received_transfer(at(2018, 2, 14, 10), "刘小刘", 200000, "新年快乐"),
    ]
    case.write_bill(rows, "张主任")
    found = screen(book, registry, case.ingest(), "gift-money.festival")
    assert [f.window.start.year for f in sorted(found, key=lambda f: f.window.start)] == [2017, 2018]
    assert all("春节期间" in f.explanation and "1 人在多个节日/年份重复送款" in f.explanation for f in found)


def test_splitting_from_bill(book, registry, tmp_path):
    case = CaseFolder(tmp_path / "case")
    case.people += [
        person("O1", "孙局长", "公职人员", "wxid_sun", "孙局"),
        person("X1", "包工头", "个体经营者", "wxid_boss", "老王工程"),
    ]
    case.relations.append(["O1", "X1", "管理服务对象", "", "", ""])
    rows = [case.received_packet(at(2019, 3, 2, 21, k), "老王工程", 20000) for k in range(6)]
    case.write_bill(rows, "孙局")
    [f] = screen(book, registry, case.ingest(), "gift-money.splitting")
    assert f.severity == "high" and "封顶红包 6 个，合计 1,200.00 元" in f.explanation
    assert "1 名送款人为管理服务对象" in f.explanation


def test_minesweeper_from_chat_alone(book, registry, tmp_path):
    """No bill: packet amounts are unknown, but the 1:1 transfer messages carry the settlements."""
    case = CaseFolder(tmp_path / "case")
    me, boss = "wxid_qian", "wxid_banker"
    case.people.append(person("O1", "钱某", "公职人员", me, "钱多多"))
    b = WeChatDbBuilder(owner=me, owner_nickname="钱多多")
    b.add_contact(boss, nickname="发财哥")
    b.add_group("888@chatroom", "发财群", [boss, "wxid_p1", "wxid_p2"])
    for k, (memo, settle) in enumerate(
        [("10/3", 1500), ("20雷7", 3000), ("10/5", 1500), ("10/1", None), ("30/9", None)]
    ):
        when = at(2020, 11, 2, 22, 6 * k)
        sid = case.sendid(when)
        b.add_red_packet("888@chatroom", sid, memo, sender=boss, ts=when)
        b.add_claim(
            "888@chatroom", sid, claimer="钱多多", packet_sender="发财哥", ts=when + timedelta(seconds=20)
        )
        if settle:
            b.add_transfer(
                boss,
                case.transfer_id(when),
                case.txn(),
                settle,
                payer=me,
                receiver=boss,
                ts=when + timedelta(minutes=3),
            )
    case.write_db(b)
    ds = case.ingest()
    packets = [p for p in ds["payments"].to_pylist() if p["kind"] == "red_packet"]
    assert len(packets) == 5 and all(p["amount_fen"] is None for p in packets)
    [f] = screen(book, registry, ds, "gambling.red-packet-games")
    assert "按面额倍数结算 3 笔" in f.explanation and "依据聊天记录" in f.explanation
    assert sum(e.note == "结算" for e in f.evidence) == 3
