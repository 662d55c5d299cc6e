from hongxian.dataset.dataset import Dataset
from hongxian.report.inputs import ReportInput, read_findings_file, status_zh
from hongxian.report.money import money_flows
from hongxian.report.view import build_view, fmt_yuan

from .conftest import ID_NO, PHONE, make_case, make_input, ts


def test_fmt_yuan():
    assert fmt_yuan(123456) == "1,234.56"
    assert fmt_yuan(5) == "0.05"
    assert fmt_yuan(-100) == "-1.00"
    assert fmt_yuan(None) == ""


def test_status_labels_accept_codes_and_chinese():
    assert status_zh("dismissed") == "排除"
    assert status_zh("上报") == "上报"
    assert status_zh(None) == "待审"


def test_view_counts_sections_and_masking():
    v = build_view(make_input())
    assert v.total == 2
    assert dict(v.by_status) == {"待审": 1, "确认": 1, "排除": 0, "上报": 0}
    assert [s.name for s in v.sections] == ["收受礼金红包", "泄露他人隐私"]
    gift = v.sections[0].findings[0]
    assert gift.rules[1].article == "第六条（条号待核）"
    assert gift.decisions[0].user == "审查员甲" and PHONE not in gift.decisions[0].reason
    priv = v.sections[1].findings[0]
    assert ID_NO not in priv.explanation and ID_NO not in priv.evidence[0].excerpt


def test_person_filter_uses_person_id_and_accounts():
    assert [f.id for f in build_view(make_input("P001")).findings] == ["f-gift-1"]
    # the privacy finding's subject is the account wxid_li, which belongs to P002
    assert [f.id for f in build_view(make_input("P002")).findings] == ["f-priv-1"]
    assert build_view(make_input("P999")).findings == []


def test_money_flows_of_a_person():
    m = money_flows(make_input("P001"))
    assert m.subjects == ["wxid_zhang"]
    assert m.total_in == sum(20000 + i * 100 for i in range(6))
    assert m.total_out == 123456
    assert [(c.label, c.count) for c in m.counterparties()] == [("赵五", 1), ("王老板", 6)]
    assert m.daily()[0][1:] == (20000, 0)


def test_money_flows_net_of_refunds_without_failed_internal_and_refund_rows():
    payments = [
        {
            "payment_id": "a",
            "ts": ts(1),
            "payer_account": "x",
            "payee_account": "me",
            "amount_fen": 1000,
            "refunded_fen": 400,
        },
        {
            "payment_id": "b",
            "ts": ts(1),
            "payer_account": "x",
            "payee_account": "me",
            "amount_fen": 999,
            "status": "失败",
        },
        {"payment_id": "c", "ts": ts(2), "payer_account": "me", "payee_account": "me2", "amount_fen": 5000},
        {
            "payment_id": "d",
            "ts": ts(2),
            "kind": "refund",
            "payer_account": "me",
            "payee_account": "x",
            "amount_fen": 400,
        },
    ]
    people = [{"person_id": "P1", "name": "甲", "wechat_ids": ["me", "me2"]}]
    inp = ReportInput(
        case=make_case(),
        findings=[],
        dataset=Dataset.from_rows(payments=payments, people=people),
        person="P1",
    )
    m = money_flows(inp)
    assert [(f.payment_id, f.amount_fen, f.direction) for f in m.flows] == [("a", 600, "in")]


def test_read_findings_file_names_the_bad_line(tmp_path):
    from hongxian.report.inputs import ReportError

    good = make_input().findings[0].finding.model_dump_json()
    p = tmp_path / "findings.jsonl"
    p.write_text(good + '\n\n{"finding_id": 1}\n', encoding="utf-8")
    try:
        read_findings_file(p)
    except ReportError as exc:
        assert "第 3 行" in str(exc)
    else:
        raise AssertionError("bad line accepted")
    p.write_text(good + "\n", encoding="utf-8")
    assert read_findings_file(p)[0].finding_id == "f-gift-1"


def test_unverified_mark_printed_once() -> None:
    from hongxian.report.view import article_text
    from hongxian.schema import RuleRef

    marked = RuleRef(code="某规范", article="第一百零三条（条号待核）", verified=False)
    assert article_text(marked) == "第一百零三条（条号待核）"
    assert article_text(RuleRef(code="某规范", article="（条号待核）", verified=False)) == "（条号待核）"
    assert article_text(RuleRef(code="某规范", article="第六条", verified=False)) == "第六条（条号待核）"
