"""A small review case for the web tests: one user per role and findings written through
`ReviewService.record_run` (real `Finding` objects, no ingest needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from hongxian.review import ADMIN, INVESTIGATOR, READONLY, REVIEWER, ReviewService, User, open_store
from hongxian.schema import Finding
from hongxian.settings import Settings
from hongxian.web import create_app
from hongxian.web.security import COOKIE
from tests.conftest import CASE_TOML
from tests.review.factory import make_finding
from tests.store.backends import FAST_HASHER, PASSWORDS, Clock

ROLE_USERS = {ADMIN: "管理员甲", REVIEWER: "审查员乙", INVESTIGATOR: "调查员丙", READONLY: "只读丁"}
HOSTILE_TITLE = '<script>alert("title")</script>标题'
HOSTILE_EXCERPT = (
    '<?xml version="1.0"?><msg><appmsg appid=""><title>转账</title></appmsg></msg>'
    "</td><script>alert(1)</script><img src=x onerror=alert(2)>"
)
LONG_TEXT = "很长的说明" * 40000 + "<b>末尾</b>"


def base_findings() -> list[Finding]:
    """Seven findings across categories, severities and people (plus one hostile one)."""
    specs = [
        dict(category="integrity.gift_money", severity="high", person="P001", name="张某某"),
        dict(category="integrity.gift_money", severity="medium", person="P001", name="张某某", score=0.5),
        dict(
            category="integrity.gambling",
            severity="critical",
            person="P002",
            name="李某某",
            check="gamble.rp",
            title="微信群红包赌博",
            score=0.95,
        ),
        dict(
            category="secrecy.leak",
            severity="low",
            person="P003",
            name="王某某",
            check="secrecy.draft",
            title="转发未定稿文件",
            score=0.3,
        ),
        dict(
            category="privacy.disclosure",
            severity="medium",
            person="P002",
            name="李某某",
            check="privacy.ids",
            title="透露他人手机号",
        ),
        dict(
            category="integrity.vote_buying",
            severity="high",
            person="P004",
            name="赵某某",
            check="vote.rp",
            title="换届期间发红包拉票",
        ),
    ]
    out = [make_finding(i + 1, **spec) for i, spec in enumerate(specs)]
    hostile = make_finding(
        99,
        title=HOSTILE_TITLE,
        excerpt=HOSTILE_EXCERPT,
        explanation=LONG_TEXT,
        person="P009",
        name="<i>恶意</i>",
        severity="low",
        score=0.1,
    )
    hostile.evidence[0].spans = [(0, 21), (80, 88), (500, 900)]
    return [*out, hostile]


@dataclass
class WebCase:
    case_dir: Path
    settings: Settings
    service: ReviewService
    clock: Clock
    users: dict[str, User]

    def client(self, **app_kw) -> TestClient:
        return TestClient(
            create_app(self.case_dir, self.settings, service=self.service, **app_kw), follow_redirects=False
        )

    def version(self, finding_id: str) -> int:
        return self.service.get_finding(self.users[REVIEWER], finding_id).version


def build_case(root: Path, findings: list[Finding] | None = None, session_minutes: int = 30) -> WebCase:
    case_dir = root / "case"
    (case_dir / "exports").mkdir(parents=True)
    (case_dir / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    settings = Settings(session_minutes=session_minutes)
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    service = ReviewService(open_store(case_dir, settings), settings, clock=clock, hasher=FAST_HASHER)
    users = {role: service.add_user(name, role, PASSWORDS[role]) for role, name in ROLE_USERS.items()}
    service.record_run(
        base_findings() if findings is None else findings,
        rulebook_version="rb-test",
        params={},
        input_hashes={"exports/chat.csv": "0" * 64},
    )
    return WebCase(case_dir, settings, service, clock, users)


def login(client: TestClient, role: str) -> str:
    """Log in as the user of ``role`` and return the session's CSRF token."""
    client.cookies.clear()
    r = client.post("/login", data={"username": ROLE_USERS[role], "password": PASSWORDS[role]})
    assert r.status_code == 303, r.text[:500]
    return ReviewService.csrf_token(client.cookies[COOKIE])


def csrf_from_page(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)
