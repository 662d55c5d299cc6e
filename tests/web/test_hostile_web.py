"""Issue 13 items 13–15 on the web side: login throttling, bidi controls in pages, Secure cookies
behind HTTPS."""

from __future__ import annotations

from hongxian.review import ADMIN, REVIEWER
from hongxian.review.auth import LoginThrottled
from hongxian.web.security import COOKIE
from tests.review.factory import make_finding
from tests.store.backends import PASSWORDS
from tests.web.webcase import ROLE_USERS, WebCase, build_case, login

RLO = "\u202e"


def _actions(web: WebCase) -> list[str]:
    return [e.action for e in web.service.audit_entries(web.users[ADMIN], per_page=500).items]


def _try(client, password: str, user: str = ROLE_USERS[REVIEWER]):
    return client.post("/login", data={"username": user, "password": password})


# ---------------------------------------------------------------- 13. login throttling


def test_repeated_wrong_passwords_lock_the_account_with_back_off(web: WebCase) -> None:
    client = web.client()
    codes = [_try(client, f"wrong-{i}").status_code for i in range(8)]
    assert codes[:5] == [401] * 5  # the free failures
    assert 429 in codes[5:]
    r = _try(client, PASSWORDS[REVIEWER])  # even the right password waits out the lock
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "登录失败次数过多" in r.text and COOKIE not in client.cookies
    assert "login_throttled" in _actions(web)
    web.clock.advance(minutes=16)
    assert _try(client, PASSWORDS[REVIEWER]).status_code == 303


def test_back_off_doubles(web: WebCase) -> None:
    service, name = web.service, ROLE_USERS[REVIEWER]
    waits = []
    for _ in range(9):
        try:
            service.authenticate(name, "wrong-password", "10.0.0.9")
        except LoginThrottled as exc:
            waits.append(exc.retry_after)
            web.clock.advance(seconds=exc.retry_after)
            service.authenticate(name, "wrong-password", "10.0.0.9")
    assert waits == sorted(waits) and waits[-1] >= 4 * waits[0], waits


def test_one_address_spraying_many_accounts_is_throttled(web: WebCase) -> None:
    service = web.service
    refused = 0
    for i in range(40):
        try:
            service.authenticate(f"user-{i}", "wrong-password", "10.0.0.7")
        except LoginThrottled as exc:
            refused += 1
            assert exc.scope == "address"
    assert refused > 0
    # another address is not affected, and the right password works there
    assert service.authenticate(ROLE_USERS[REVIEWER], PASSWORDS[REVIEWER], "10.0.0.8") is not None


def test_success_clears_the_failures(web: WebCase) -> None:
    client = web.client()
    for _ in range(4):
        assert _try(client, "wrong-password").status_code == 401
    assert _try(client, PASSWORDS[REVIEWER]).status_code == 303
    client.cookies.clear()
    for _ in range(4):
        assert _try(client, "wrong-password").status_code == 401


# ---------------------------------------------------------------- 14. bidi controls in pages


def test_bidi_override_in_evidence_is_shown_visibly(tmp_path) -> None:
    finding = make_finding(1, title=f"文件 invoice{RLO}fdp.exe", excerpt=f"发送了 invoice{RLO}fdp.exe")
    web = build_case(tmp_path, findings=[finding])
    try:
        client = web.client()
        login(client, REVIEWER)
        for url in ("/findings", "/findings/f-000001"):
            page = client.get(url)
            assert page.status_code == 200
            assert RLO not in page.text and "⟨U+202E⟩" in page.text
    finally:
        web.service.store.dispose()


# ---------------------------------------------------------------- 15. Secure cookies behind HTTPS


def test_cookie_is_secure_behind_https(web: WebCase) -> None:
    plain = _try(web.client(), PASSWORDS[REVIEWER])
    assert "secure" not in plain.headers["set-cookie"].lower()
    web.settings = web.settings.model_copy(update={"behind_https": True})
    r = _try(web.client(), PASSWORDS[REVIEWER])
    assert "secure" in r.headers["set-cookie"].lower()


def test_forwarded_proto_https_sets_secure(web: WebCase) -> None:
    client = web.client()
    r = client.post(
        "/login",
        data={"username": ROLE_USERS[REVIEWER], "password": PASSWORDS[REVIEWER]},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


def test_serve_has_a_behind_https_option() -> None:
    from typer.testing import CliRunner

    from hongxian.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--behind-https" in result.output
