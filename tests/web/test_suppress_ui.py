"""Suppression in the web UI: set from the detail page (reason, scope, expiry), visible in the queue and on
the detail page (reason, who, expiry), lifted from there; reports count what is suppressed."""

from __future__ import annotations

from hongxian.review import READONLY, REVIEWER
from tests.web.webcase import csrf_from_page, login


def test_suppress_show_and_lift(web) -> None:
    c = web.client()
    login(c, REVIEWER)
    page = c.get("/findings/f-000001").text
    assert 'action="/findings/f-000001/suppress"' in page
    csrf = csrf_from_page(page)
    r = c.post(
        "/findings/f-000001/suppress",
        data={"csrf_token": csrf, "scope": "subject", "days": "30", "reason": ""},
    )
    assert r.status_code == 400 and "理由" in r.text
    r = c.post(
        "/findings/f-000001/suppress",
        data={"csrf_token": csrf, "scope": "subject", "days": "30", "reason": "已另案处理"},
    )
    assert r.status_code == 303
    queue = c.get("/findings").text
    assert "f-000001" not in queue
    shown = c.get("/findings?suppressed=1").text
    assert shown.count("已屏蔽</span>") == 2  # both findings of this check and subject
    detail = c.get("/findings/f-000001").text
    assert 'id="suppressed-tag"' in detail and "已另案处理" in detail and "审查员乙" in detail
    report = c.get("/report.html").text
    assert "另有 2 项已屏蔽" in report and "已另案处理" in report
    rule_form = detail.split('action="/suppressions/')[1].split('/revoke"')[0]
    r = c.post(f"/suppressions/{rule_form}/revoke", data={"csrf_token": csrf, "finding": "f-000001"})
    assert r.status_code == 303 and "lifted" in r.headers["location"]
    assert "f-000001" in c.get("/findings").text


def test_readonly_cannot_suppress(web) -> None:
    c = web.client()
    csrf = login(c, READONLY)
    r = c.post("/findings/f-000001/suppress", data={"csrf_token": csrf, "reason": "x"})
    assert r.status_code == 403
