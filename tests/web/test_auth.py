"""Login, session cookie, expiry, logout and CSRF protection of the web UI."""

from __future__ import annotations

from hongxian.review import ADMIN, REVIEWER
from hongxian.web.security import COOKIE
from tests.store.backends import PASSWORDS
from tests.web.webcase import ROLE_USERS, WebCase, csrf_from_page, login


def _actions(web: WebCase) -> list[str]:
    return [e.action for e in web.service.audit_entries(web.users[ADMIN], per_page=500).items]


def test_login_failure_is_refused_and_audited(web: WebCase) -> None:
    client = web.client()
    r = client.post("/login", data={"username": ROLE_USERS[REVIEWER], "password": "wrong-password"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text and COOKIE not in client.cookies
    r = client.post("/login", data={"username": "不存在的人", "password": "whatever-123"})
    assert r.status_code == 401
    assert _actions(web).count("login_failed") == 2
    assert client.get("/findings").status_code == 303


def test_disabled_user_cannot_log_in(web: WebCase) -> None:
    web.service.set_user_disabled(web.users[ADMIN], ROLE_USERS[REVIEWER], True)
    r = web.client().post("/login", data={"username": ROLE_USERS[REVIEWER], "password": PASSWORDS[REVIEWER]})
    assert r.status_code == 401


def test_session_cookie_flags_and_redirect_to_next(web: WebCase) -> None:
    client = web.client()
    r = client.get("/findings?severity=high")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Ffindings%3Fseverity%3Dhigh"
    page = client.get(r.headers["location"])
    assert 'value="/findings?severity=high"' in page.text
    r = client.post(
        "/login",
        data={
            "username": ROLE_USERS[REVIEWER],
            "password": PASSWORDS[REVIEWER],
            "next": "/findings?severity=high",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/findings?severity=high"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert f"max-age={web.settings.session_minutes * 60}" in cookie


def test_login_never_redirects_off_site(web: WebCase) -> None:
    client = web.client()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = client.post(
            "/login", data={"username": ROLE_USERS[REVIEWER], "password": PASSWORDS[REVIEWER], "next": target}
        )
        assert r.headers["location"] == "/"


def test_expired_session_is_rejected(web: WebCase) -> None:
    client = web.client()
    login(client, REVIEWER)
    assert client.get("/findings").status_code == 200
    web.clock.advance(minutes=web.settings.session_minutes - 1)
    assert client.get("/api/findings").status_code == 200
    web.clock.advance(minutes=2)
    r = client.get("/findings")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = client.get("/api/findings")
    assert r.status_code == 401 and r.json()["detail"] == "未登录或会话已过期，请重新登录"


def test_logout_ends_the_session(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, REVIEWER)
    token = client.cookies[COOKIE]
    r = client.post("/logout", data={"csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/login?bye=1"
    assert "已退出登录" in client.get("/login?bye=1").text
    client.cookies.set(COOKIE, token)
    assert client.get("/api/me").status_code == 401
    assert "logout" in _actions(web)


def test_forged_cookie_is_not_a_session(web: WebCase) -> None:
    client = web.client()
    client.cookies.set(COOKIE, "forged-token-value")
    assert client.get("/api/me").status_code == 401
    assert client.get("/").status_code == 303


def _decide_form(web: WebCase, **extra) -> dict:
    return {"status": "确认", "reason": "", "version": str(web.version("f-000001")), **extra}


def test_post_without_or_with_wrong_csrf_is_rejected(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, REVIEWER)
    page = client.get("/findings/f-000001")
    assert csrf_from_page(page.text) == csrf
    for bad in ({}, {"csrf_token": ""}, {"csrf_token": "0" * 64}, {"csrf_token": csrf[:-1] + "x"}):
        r = client.post("/findings/f-000001/decide", data=_decide_form(web, **bad))
        assert r.status_code == 403 and "CSRF" in r.text
    assert web.version("f-000001") == 1
    r = client.post("/findings/f-000001/decide", data=_decide_form(web, csrf_token=csrf))
    assert r.status_code == 303 and web.version("f-000001") == 2


def test_csrf_token_of_another_session_is_rejected(web: WebCase) -> None:
    other = web.client()
    other_csrf = login(other, REVIEWER)
    client = web.client()
    login(client, REVIEWER)
    r = client.post("/findings/f-000001/decide", data=_decide_form(web, csrf_token=other_csrf))
    assert r.status_code == 403


def test_cross_origin_post_is_rejected(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, REVIEWER)
    r = client.post(
        "/findings/f-000001/decide",
        data=_decide_form(web, csrf_token=csrf),
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403 and web.version("f-000001") == 1
    r = client.post(
        "/login",
        data={"username": ROLE_USERS[REVIEWER], "password": PASSWORDS[REVIEWER]},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403 and "来源" in r.text
    r = client.post(
        "/findings/f-000001/decide",
        data=_decide_form(web, csrf_token=csrf),
        headers={"Origin": "http://testserver"},
    )
    assert r.status_code == 303


def test_csrf_header_works_for_scripts(web: WebCase) -> None:
    client = web.client()
    csrf = login(client, REVIEWER)
    r = client.post("/check", data={"text": ""}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 400 and "请输入" in r.text
    r = client.post("/check", data={"text": ""}, headers={"X-CSRF-Token": "nope"})
    assert r.status_code == 403


def test_security_headers_on_pages_and_errors(web: WebCase) -> None:
    client = web.client()
    for r in (client.get("/login"), client.get("/api/findings"), client.get("/static/style.css")):
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"


def test_logging_in_again_ends_the_previous_session(web: WebCase) -> None:
    client = web.client()
    login(client, REVIEWER)
    first = client.cookies[COOKIE]
    r = client.post("/login", data={"username": ROLE_USERS[ADMIN], "password": PASSWORDS[ADMIN]})
    assert r.status_code == 303 and client.cookies[COOKIE] != first
    assert client.get("/api/me").json()["role"] == ADMIN
    assert web.service.session_user(first) is None
