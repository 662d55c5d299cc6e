"""Pages with real content: hostile text escaped, spans highlighted, triage filters, decisions,
conflicts, reveals, the audit log, self-check, users and reports."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import text

from hongxian.review import ADMIN, INVESTIGATOR, READONLY, REVIEWER
from hongxian.web.templating import highlight, merge_spans
from tests.web.webcase import HOSTILE_EXCERPT, HOSTILE_TITLE, LONG_TEXT, WebCase, login

HOSTILE_ID = "f-000099"


def test_highlight_escapes_then_marks() -> None:
    out = str(highlight("<b>红包</b>&赌", [(3, 5), (4, 6), (10, 11), (50, 60), (7, 7)]))
    assert out == '&lt;b&gt;<mark class="hit">红包&lt;</mark>/b&gt;&amp;<mark class="hit">赌</mark>'
    assert merge_spans([(5, 2), (-3, 1), (0, 2)], 10) == [(0, 2)]
    assert str(highlight(None, [(0, 1)])) == ""


def test_hostile_content_is_escaped_everywhere(web: WebCase) -> None:
    client = web.client()
    login(client, INVESTIGATOR)
    pages = [
        client.get("/findings?sort=score&per_page=200"),
        client.get(f"/findings/{HOSTILE_ID}"),
        client.post(
            f"/findings/{HOSTILE_ID}/reveal", data={"reason": "核对原文", "csrf_token": _csrf(client)}
        ),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.text
        assert "<script>alert" not in html and "<img src=x" not in html and "<i>恶意</i>" not in html
        assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;标题" in html
        assert len(re.findall(r"<script(?! src=\"/static/triage\.js\" defer></script>)", html)) == 0
    detail = pages[1].text
    assert "&lt;?xml version=&#34;1.0&#34;?&gt;" in detail
    assert '<mark class="hit">&lt;?xml version=&#34;1.0&#34;?&gt;</mark>' in detail  # span (0, 21)
    assert '<mark class="hit">&lt;script&gt;</mark>' in detail  # span (80, 88) inside the hostile markup
    assert LONG_TEXT[:2000] in detail and "&lt;b&gt;末尾&lt;/b&gt;" in detail
    assert HOSTILE_EXCERPT[80:88] == "<script>"
    api = client.get(f"/api/findings/{HOSTILE_ID}").json()
    assert api["finding"]["title"] == HOSTILE_TITLE and api["evidence"][0]["excerpt"] == HOSTILE_EXCERPT


def test_hostile_self_check_input_is_escaped(web: WebCase, self_checker) -> None:
    client = web.client(self_checker=self_checker)
    csrf = login(client, READONLY)
    r = client.post("/check", data={"text": "</textarea><script>alert(1)</script>", "csrf_token": csrf})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text and "&lt;/textarea&gt;&lt;script&gt;" in r.text


def _csrf(client) -> str:
    from hongxian.review import ReviewService
    from hongxian.web.security import COOKIE

    return ReviewService.csrf_token(client.cookies[COOKIE])


def _titles(html: str) -> list[str]:
    return re.findall(r'<td class="title"><a class="open" href="/findings/([^"?]+)', html)


def test_triage_filters_sort_and_pages(web: WebCase) -> None:
    client = web.client()
    login(client, REVIEWER)
    assert len(_titles(client.get("/findings").text)) == 7
    r = client.get("/findings?category=integrity.gift_money")
    assert _titles(r.text) == ["f-000001", "f-000002", "f-000099"]
    assert _titles(client.get("/findings?category=integrity.gift_money&severity=high").text) == ["f-000001"]
    assert sorted(_titles(client.get("/findings?person=P002").text)) == ["f-000003", "f-000005"]
    by_score = _titles(client.get("/findings?sort=score").text)
    assert by_score[0] == "f-000003" and by_score[-1] == "f-000099"
    first = client.get("/findings?per_page=3&sort=score")
    second = client.get("/findings?per_page=3&sort=score&page=2")
    assert len(_titles(first.text)) == 3 and len(_titles(second.text)) == 3
    assert not set(_titles(first.text)) & set(_titles(second.text))
    assert 'href="/findings?sort=score&amp;per_page=3&amp;page=2" rel="next"' in first.text
    assert "第 2/3 页" in second.text
    api = client.get("/api/findings?category=integrity.gift_money&per_page=2").json()
    assert (
        api["total"] == 3
        and api["pages"] == 2
        and [i["finding_id"] for i in api["items"]] == ["f-000001", "f-000002"]
    )
    assert client.get("/api/findings?status=确认").json()["total"] == 0
    bad = client.get("/findings?sort=nonsense")
    assert bad.status_code == 400 and "未知排序" in bad.text
    assert client.get("/api/findings?category=nope").status_code == 400
    assert client.get("/api/findings?per_page=abc").status_code == 400


def test_decision_saved_and_conflict_reported_in_chinese(web: WebCase) -> None:
    alice, bob = web.client(), web.client()
    csrf_a = login(alice, REVIEWER)
    csrf_b = login(bob, INVESTIGATOR)
    page = alice.get("/findings/f-000002")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    r = bob.post(
        "/findings/f-000002/decide",
        data={"status": "上报", "reason": "移送", "version": version, "csrf_token": csrf_b},
    )
    assert r.status_code == 303 and r.headers["location"] == "/findings/f-000002?saved=1"
    assert "审查结论已保存" in bob.get(r.headers["location"]).text
    r = alice.post(
        "/findings/f-000002/decide",
        data={"status": "确认", "reason": "我的意见", "version": version, "csrf_token": csrf_a},
    )
    assert r.status_code == 409
    assert "已被他人处理" in r.text and "上报" in r.text and "请刷新后重新审查" in r.text
    assert "我的意见" in r.text  # the reviewer's text is kept in the form
    detail = web.service.get_finding(web.users[REVIEWER], "f-000002")
    assert detail.status == "escalated" and [d.reason for d in detail.decisions] == ["移送"]


def test_dismiss_requires_a_reason(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, REVIEWER)
    r = client.post(
        "/findings/f-000004/decide",
        data={"status": "排除", "reason": " ", "version": "1", "csrf_token": csrf},
    )
    assert r.status_code == 400 and "排除线索必须填写理由" in r.text
    r = client.post(
        "/findings/f-000004/decide",
        data={"status": "排除", "reason": "系正常人情往来", "version": "1", "csrf_token": csrf},
    )
    assert r.status_code == 303
    page = client.get("/findings/f-000004")
    assert "系正常人情往来" in page.text and 'id="current-status">排除<' in page.text


def test_detail_shows_rule_and_penalty_ladder(web: WebCase) -> None:
    client = web.client()
    login(client, REVIEWER)
    html = client.get("/findings/f-000001").text
    assert "《中国共产党纪律处分条例(2023)》第九十七条 收受礼品礼金" in html
    assert "<li>情节较轻的，给予警告或者严重警告处分</li>" in html
    assert '<mark class="hit">' in html and "（已脱敏）" in html
    assert "显示未脱敏内容" not in html  # 审查员 may not reveal


def test_reveal_needs_a_reason_and_is_audited(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, INVESTIGATOR)
    r = client.post("/findings/f-000001/reveal", data={"reason": "", "csrf_token": csrf})
    assert r.status_code == 400 and "必须填写理由" in r.text
    r = client.post("/findings/f-000001/reveal", data={"reason": "核实收款人身份", "csrf_token": csrf})
    assert r.status_code == 200 and "已记入审计日志" in r.text
    audit = client.get("/audit").text
    assert "查看未脱敏信息" in audit and "核实收款人身份" in audit


def test_audit_page_shows_entries_and_detects_tampering(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, INVESTIGATOR)
    client.post(
        "/findings/f-000003/decide", data={"status": "确认", "reason": "", "version": "1", "csrf_token": csrf}
    )
    html = client.get("/audit").text
    assert "哈希链校验通过" in html and "作出结论" in html and "finding:f-000003" in html
    with web.service.store.engine.connect() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE action = 'decide'"))
        conn.commit()
    html = client.get("/audit").text
    assert "哈希链校验失败" in html and "审计日志被篡改" in html


def test_admin_manages_users_but_sees_no_content(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, ADMIN)
    home = client.get("/").text
    assert "收受管理服务对象红包" not in home and "不能查看线索内容" in home
    r = client.post(
        "/users", data={"name": "新审查员", "role": "审查员", "password": "short", "csrf_token": csrf}
    )
    assert r.status_code == 400 and "密码至少" in r.text
    r = client.post(
        "/users",
        data={"name": "新审查员", "role": "reviewer", "password": "long-enough-1", "csrf_token": csrf},
    )
    assert r.status_code == 200 and "已新增用户“新审查员”（审查员）" in r.text
    r = client.post("/users/status", data={"name": "新审查员", "disabled": "1", "csrf_token": csrf})
    assert "已停用用户“新审查员”" in r.text
    r = client.post("/users/status", data={"name": "管理员甲", "disabled": "1", "csrf_token": csrf})
    assert r.status_code == 400
    newbie = web.client()
    assert (
        newbie.post("/login", data={"username": "新审查员", "password": "long-enough-1"}).status_code == 401
    )


def test_overview_counts_for_reviewer(web: WebCase) -> None:
    client = web.client()
    login(client, REVIEWER)
    html = client.get("/").text
    assert '<strong class="total">7</strong>' in html
    assert re.search(r'收受礼金红包</a></th><td class="num">3<', html)
    assert re.search(r'待审</a></th><td class="num">7<', html)


def test_readonly_downloads_reports_and_export_is_audited(web: WebCase) -> None:
    client = web.client()
    login(client, READONLY)
    r = client.get("/report.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    book = load_workbook(BytesIO(r.content))
    assert book.sheetnames
    home = client.get("/").text
    assert "报告下载" in home and "线索审查" not in home
    actions = [e.action for e in web.service.audit_entries(web.users[ADMIN], per_page=500).items]
    assert "report" in actions and "export" in actions
    assert client.get("/findings/f-000001").status_code == 403


def test_self_check_shows_rule_article_and_suggestion(web: WebCase, self_checker) -> None:
    client = web.client(self_checker=self_checker)
    csrf = login(client, REVIEWER)
    page = client.get("/check")
    assert page.status_code == 200 and 'name="text"' in page.text
    r = client.post("/check", data={"text": "这份讨论稿请勿外传，张三手机13812345678", "csrf_token": csrf})
    assert r.status_code == 200
    assert "发现 2 处可能违规" in r.text
    # The titles name the checks; internal check ids are not shown to the person drafting.
    assert "未定稿" in r.text and "身份证号、手机号" in r.text
    assert "secrecy.unpublished-draft" not in r.text and "privacy.identifiers" not in r.text
    assert "《中国共产党纪律处分条例(2023)》第一百四十四条" in r.text and "处分幅度：" in r.text
    assert "建议：" in r.text and '<mark class="hit">138****5678</mark>' in r.text
    assert "13812345678" not in r.text.split("</textarea>")[1]  # masked in the results
    clean = client.post("/check", data={"text": "今天下午三点开会，请准时参加。", "csrf_token": csrf})
    assert "未发现明显问题" in clean.text
    too_long = client.post("/check", data={"text": "字" * 20001, "csrf_token": csrf})
    assert too_long.status_code == 400 and "内容过长" in too_long.text


def test_unknown_finding_is_404(web: WebCase) -> None:
    client = web.client()
    login(client, REVIEWER)
    r = client.get("/findings/f-404404")
    assert r.status_code == 404 and "不存在" in r.text
    r = client.get("/api/findings/f-404404")
    assert r.status_code == 404 and "不存在" in r.json()["detail"]


def test_json_decision_with_csrf_header_and_conflict(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, REVIEWER)
    body = {"status": "确认", "reason": "属实", "version": 1}
    assert client.post("/api/findings/f-000006/decision", json=body).status_code == 403  # no CSRF header
    r = client.post("/api/findings/f-000006/decision", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["version"] == 2
    r = client.post(
        "/api/findings/f-000006/decision", json={**body, "status": "排除"}, headers={"X-CSRF-Token": csrf}
    )
    assert r.status_code == 409 and r.json()["current_version"] == 2 and "已被他人处理" in r.json()["detail"]
    r = client.post(
        "/api/findings/f-000006/decision",
        json={"status": "排除", "version": 2},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 400 and "排除线索必须填写理由" in r.json()["detail"]
