"""Evidence rows say who paid whom (people.csv names), in which chat, with which memo and from which
file/row; message evidence carries the surrounding conversation; a reveal shows clear text read from
the case data (never stored) and audits what was shown."""

from __future__ import annotations

from hongxian.review import INVESTIGATOR, REVIEWER
from hongxian.review.casedata import CaseFacts
from tests.web.evidencecase import ID_NO, PHONE
from tests.web.webcase import csrf_from_page, login


def test_payment_rows_show_payer_payee_chat_memo_and_source(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    html = c.get("/findings/f-000001").text
    assert html.count('李四</span> → <span class="payee">张三') == 5
    assert "微信支付账单(20240101-20240301).csv" in html and "交易单号 10000398010000" in html
    assert "新春快乐 有事打138****5678" in html and PHONE not in html
    vote = c.get("/findings/f-000003").text
    assert "群聊“古云村党总支部”（群红包，领取人不详）" in vote
    assert "元宵快乐，换届请支持我" in vote and "消息 m-g0" in vote


def test_message_rows_carry_the_conversation_masked(ev) -> None:
    c = ev.client()
    login(c, REVIEWER)
    html = c.get("/findings/f-000004").text
    assert "前后对话（6 条）" in html
    for text in ("明天开会", "收到", "好的"):
        assert text in html
    assert ID_NO not in html and "110101********1234" in html


def test_reveal_shows_clear_text_from_case_data_and_audits_it(ev) -> None:
    c = ev.client()
    csrf = login(c, INVESTIGATOR)
    r = c.post("/findings/f-000004/reveal", data={"reason": "核实身份", "csrf_token": csrf})
    assert r.status_code == 200
    assert ID_NO in r.text and "未脱敏" in r.text
    # nothing clear was stored: a later view is masked again
    assert ID_NO not in c.get("/findings/f-000004").text
    entry = next(e for e in ev.service.audit_entries(ev.users[INVESTIGATOR]).items if e.action == "reveal")
    assert entry.detail["shown"] == ["messages:m-2"] and entry.detail["clear_rows"] == 1
    assert len(entry.detail["digest"]) == 64 and entry.detail["reason"] == "核实身份"


def test_reviewer_cannot_reveal(ev) -> None:
    c = ev.client()
    csrf = login(c, REVIEWER)
    page = c.get("/findings/f-000004").text
    assert "显示未脱敏内容" not in page
    r = c.post("/findings/f-000004/reveal", data={"reason": "x", "csrf_token": csrf_from_page(page) or csrf})
    assert r.status_code == 403 and ID_NO not in r.text


def test_case_facts_resolve_names_and_context(ev) -> None:
    facts = CaseFacts.open(ev.case_dir)
    got = facts.evidence([("payments", "pay-s0"), ("messages", "m-2"), ("groups", "x")])
    pay, msg = got[("payments", "pay-s0")], got[("messages", "m-2")]
    assert (pay.payer, pay.payee, pay.payer_account) == ("李四", "张三", "wxid_li")
    assert [c.text for c in msg.context][0] == "大家好" and sum(c.hit for c in msg.context) == 1
    assert ("groups", "x") not in got
