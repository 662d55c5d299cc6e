"""Login gate, session cookie and CSRF protection.

- Every route except ``/login`` and ``/static`` needs a live session (`auth_gate`, an app-wide
  dependency): pages redirect to the login page, ``/api/*`` answers 401.
- The session token lives in an HttpOnly, SameSite=Lax cookie whose lifetime is
  ``Settings.session_minutes``; the store checks the expiry on every request.
- Every POST carries the session's CSRF token (``csrf_token`` form field or ``X-CSRF-Token``
  header; the token is an HMAC of the session token) and, when the browser sends an ``Origin``
  header, it must be this server. The login POST has no session yet: it gets the Origin check only.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from hongxian.review.roles import User
from hongxian.review.service import ReviewService

COOKIE = "hx_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/login"})


class LoginRequired(Exception):
    """No live session: pages go to the login page, the API answers 401."""

    def __init__(self, api: bool, next_url: str = "/"):
        super().__init__("未登录或会话已过期，请重新登录")
        self.api = api
        self.next_url = next_url


class CsrfRejected(Exception):
    """A POST without the session's CSRF token, or from another origin."""


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def service_of(request: Request) -> ReviewService:
    return request.app.state.web.service


def session_token(request: Request) -> str | None:
    return request.cookies.get(COOKIE) or None


def _next_url(request: Request) -> str:
    if request.method != "GET":
        return "/"
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def _origin_ok(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def auth_gate(request: Request) -> None:
    """App-wide dependency: resolve the session user; enforce login and CSRF."""
    if request.method not in SAFE_METHODS and not _origin_ok(request):
        raise CsrfRejected("请求来源与本站不符，已拒绝")
    if request.url.path in PUBLIC_PATHS:
        request.state.user = None
        return
    token = session_token(request)
    user = service_of(request).session_user(token)
    if user is None:
        raise LoginRequired(api=is_api(request), next_url=_next_url(request))
    request.state.user = user
    request.state.session_token = token
    if request.method not in SAFE_METHODS:
        value = request.headers.get(CSRF_HEADER)
        if value is None:
            form = await request.form()
            raw = form.get(CSRF_FIELD)
            value = raw if isinstance(raw, str) else None
        if not ReviewService.check_csrf(token, value):
            raise CsrfRejected("表单校验码无效或已过期（CSRF），请刷新页面后重试")


def current_user(request: Request) -> User:
    """The logged-in user (set by `auth_gate`)."""
    user = getattr(request.state, "user", None)
    if user is None:
        raise LoginRequired(api=is_api(request), next_url=_next_url(request))
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def csrf_value(request: Request) -> str:
    token = getattr(request.state, "session_token", None)
    return ReviewService.csrf_token(token) if token else ""


def login_redirect_url(next_url: str) -> str:
    return "/login" if next_url in ("", "/") else f"/login?next={quote(next_url, safe='')}"


def served_over_https(request: Request) -> bool:
    """Whether the browser reached us over TLS: directly, or through a proxy when the server was
    started with ``--behind-https`` (then always) or the proxy says ``X-Forwarded-Proto: https``.
    Cookies get ``Secure`` then (issue 13 item 15)."""
    if request.url.scheme == "https" or request.app.state.settings.behind_https:
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


def safe_next(value: str | None) -> str:
    """Only local paths (no scheme, no //host) are followed after login."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
