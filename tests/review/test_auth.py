"""Users with argon2id password hashes; sessions with expiry; CSRF tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from hongxian.review import REVIEWER, AuthError, ReviewInputError, ReviewService, open_store
from hongxian.settings import Settings
from hongxian.store.models import SessionRow, UserRow


def test_argon2id_hash_with_default_parameters(case_dir: Path) -> None:
    """Production hasher (one backend is enough: hashing does not depend on the database)."""
    real = ReviewService(open_store(case_dir, Settings()), Settings())
    user = real.add_user("李审查", "审查员", "correct horse battery")
    with real.store.read() as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.id == user.id))
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "correct horse" not in stored
    assert PasswordHasher().verify(stored, "correct horse battery")
    assert real.authenticate("李审查", "correct horse battery") == user
    assert real.authenticate("李审查", "correct horse batterY") is None
    real.store.dispose()


def test_login_rules_and_disabled_accounts(service: ReviewService, users) -> None:
    with pytest.raises(ReviewInputError, match="密码至少"):
        service.add_user("short", "只读", "1234567")
    with pytest.raises(ReviewInputError, match="已存在"):
        service.add_user("reviewer-user", "只读", "another-pass-1")
    assert service.authenticate("nobody", "review-pass-1") is None
    service.set_user_disabled(users["admin"], "reviewer-user", True)
    assert service.authenticate("reviewer-user", "review-pass-1") is None
    with pytest.raises(AuthError, match="用户名或密码错误"):
        service.login("reviewer-user", "review-pass-1")
    service.set_user_disabled(users["admin"], "reviewer-user", False)
    assert service.login("reviewer-user", "review-pass-1") == users[REVIEWER]
    actions = [e.action for e in service.audit_entries(users["admin"], per_page=500).items]
    assert actions.count("login_failed") == 3 and "user_disable" in actions and "user_add" in actions


def test_session_expiry(service: ReviewService, users, clock) -> None:
    token = service.create_session(users[REVIEWER])
    assert len(token) >= 40
    with service.store.read() as s:
        assert s.scalar(select(SessionRow.token_hash)) != token  # only the hash is stored
    assert service.session_user(token) == users[REVIEWER]
    clock.advance(minutes=service.settings.session_minutes - 1)
    assert service.session_user(token) == users[REVIEWER]
    clock.advance(minutes=1)
    assert service.session_user(token) is None
    assert service.session_user("forged-token") is None and service.session_user(None) is None


def test_logout_and_disabled_user_end_sessions(service: ReviewService, users) -> None:
    t1 = service.create_session(users[REVIEWER])
    t2 = service.create_session(users[REVIEWER])
    service.end_session(t1)
    assert service.session_user(t1) is None and service.session_user(t2) == users[REVIEWER]
    service.set_user_disabled(users["admin"], "reviewer-user", True)
    assert service.session_user(t2) is None


def test_csrf_token_bound_to_session(service: ReviewService, users) -> None:
    t1 = service.create_session(users[REVIEWER])
    t2 = service.create_session(users[REVIEWER])
    c1 = service.csrf_token(t1)
    assert service.check_csrf(t1, c1)
    assert (
        not service.check_csrf(t2, c1) and not service.check_csrf(t1, "") and not service.check_csrf(None, c1)
    )
