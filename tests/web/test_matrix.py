"""Route × role matrix: every route, every role (and anonymous), expected allow / deny / login.

allow: the route answers (200, a redirect that is not to the login page, or 409 for a stale form);
deny: 403; login: pages redirect to /login, /api/* answers 401.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from hongxian.review import ADMIN, INVESTIGATOR, READONLY, REVIEWER
from hongxian.web.app import ROUTE_MODULES
from tests.web.webcase import WebCase, login

ANON = "anonymous"
ROLES = (ADMIN, REVIEWER, INVESTIGATOR, READONLY, ANON)
EVERYONE = frozenset({ADMIN, REVIEWER, INVESTIGATOR, READONLY})
TRIAGE = frozenset({REVIEWER, INVESTIGATOR})
FID = "f-000001"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    allowed: frozenset[str]
    form: Callable[[WebCase, str], dict] = field(default=lambda web, role: {})
    success_location: str | None = None
    """A redirect that means success even though it goes to the login page (logout)."""


def _decide(web: WebCase, role: str) -> dict:
    return {"status": "上报", "reason": f"{role} 矩阵测试", "version": str(web.version(FID))}


ROUTES: list[Route] = [
    Route("GET", "/", EVERYONE),
    Route("GET", "/findings", TRIAGE),
    Route("GET", "/findings?category=integrity.gift_money&severity=high&sort=score", TRIAGE),
    Route("GET", f"/findings/{FID}", TRIAGE),
    Route("POST", f"/findings/{FID}/decide", TRIAGE, _decide),
    Route(
        "POST", f"/findings/{FID}/reveal", frozenset({INVESTIGATOR}), lambda web, role: {"reason": "核实身份"}
    ),
    Route(
        "POST",
        f"/findings/{FID}/suppress",
        TRIAGE,
        lambda web, role: {"reason": f"{role} 矩阵测试", "days": "1"},
    ),
    Route("POST", "/suppressions/1/revoke", TRIAGE, lambda web, role: {"finding": FID}),
    Route("POST", "/findings/bulk", TRIAGE, lambda web, role: {"pick": "f-000005:999", "status": "pending"}),
    Route("GET", "/dossiers", TRIAGE),
    Route("GET", "/dossiers/P002", TRIAGE),
    Route("GET", "/audit", frozenset({ADMIN, INVESTIGATOR})),
    Route("GET", "/users", frozenset({ADMIN})),
    Route(
        "POST",
        "/users",
        frozenset({ADMIN}),
        lambda web, role: {"name": f"新用户-{role}", "role": "只读", "password": "new-user-pass"},
    ),
    Route("POST", "/users/status", frozenset({ADMIN}), lambda web, role: {"name": "只读丁", "disabled": "0"}),
    Route("GET", "/check", EVERYONE),
    Route("POST", "/check", EVERYONE, lambda web, role: {"text": "这份讨论稿请勿外传"}),
    Route("POST", "/api/check", EVERYONE, lambda web, role: {"json": {"text": "这份讨论稿请勿外传"}}),
    Route("GET", "/report.html", frozenset({READONLY, REVIEWER, INVESTIGATOR})),
    Route("GET", "/report.xlsx", frozenset({READONLY, REVIEWER, INVESTIGATOR})),
    Route("GET", "/report.pdf?person=P404", frozenset({READONLY, REVIEWER, INVESTIGATOR})),
    Route("GET", "/api/findings", TRIAGE),
    Route("GET", "/api/findings?status=待审&person=P001", TRIAGE),
    Route("GET", f"/api/findings/{FID}", TRIAGE),
    Route(
        "POST",
        f"/api/findings/{FID}/decision",
        TRIAGE,
        lambda web, role: {"json": {"status": "待审", "reason": role, "version": web.version(FID)}},
    ),
    Route("GET", "/api/me", EVERYONE),
    Route("POST", "/api/check", EVERYONE, lambda web, role: {"json": {"text": "这份讨论稿请勿外传"}}),
    Route("POST", "/logout", EVERYONE, success_location="/login?bye=1"),
]
CASES = [
    pytest.param(route, role, id=f"{route.method} {route.path} [{role}]")
    for route, role in itertools.product(ROUTES, ROLES)
]


def expected(route: Route, role: str) -> str:
    if role == ANON:
        return "login"
    return "allow" if role in route.allowed else "deny"


def outcome(route: Route, status: int, location: str) -> str:
    if route.success_location and status == 303 and location == route.success_location:
        return "allow"
    if status == 401 or (status in (302, 303, 307) and location.startswith("/login")):
        return "login"
    if status == 403:
        return "deny"
    if status in (200, 409) or status in (302, 303):
        return "allow"
    return f"unexpected {status}"


@pytest.fixture(scope="module")
def matrix_client(shared_web: WebCase, self_checker):
    with shared_web.client(self_checker=self_checker) as client:
        yield client


@pytest.mark.parametrize(("route", "role"), CASES)
def test_route_role_matrix(route: Route, role: str, shared_web: WebCase, matrix_client) -> None:
    client = matrix_client
    client.cookies.clear()
    data = {}
    if role != ANON:
        csrf = login(client, role)
        data = {**route.form(shared_web, role), "csrf_token": csrf}
    if "json" in data:
        r = client.post(route.path, json=data["json"], headers={"X-CSRF-Token": data["csrf_token"]})
    else:
        r = client.get(route.path) if route.method == "GET" else client.post(route.path, data=data)
    got = outcome(route, r.status_code, r.headers.get("location", ""))
    assert got == expected(route, role), (
        f"{route.method} {route.path} as {role}: {r.status_code} {r.text[:300]}"
    )
    if got == "login" and route.path.startswith("/api/"):
        assert r.status_code == 401 and "未登录" in r.json()["detail"]
    if got == "deny" and not route.path.startswith("/api/"):
        assert "无权" in r.text


def test_matrix_covers_every_route() -> None:
    """Every route of every route module (bar the public login page) is in the matrix."""
    registered = {
        (m, r.path)
        for module in ROUTE_MODULES
        for r in module.router.routes
        for m in r.methods
        if m != "HEAD"
    }
    registered -= {("GET", "/login"), ("POST", "/login")}
    covered = {(r.method, r.path.split("?")[0]) for r in ROUTES}
    templated = {
        (m, p.replace("{finding_id}", FID).replace("{key}", "P002").replace("{suppression_id}", "1"))
        for m, p in registered
    }
    assert templated == covered
