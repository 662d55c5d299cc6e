"""Users (argon2id password hashes) and login sessions with expiry.

Session tokens are random (``secrets.token_urlsafe(32)``); only their sha256 is stored. The CSRF
token of a session is derived from the session token (HMAC), so it needs no storage and dies with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hongxian.review.errors import ReviewInputError
from hongxian.review.roles import User
from hongxian.store.models import SessionRow, UserRow

MIN_PASSWORD = 8


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, role=row.role)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_for(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"hongxian-csrf", hashlib.sha256).hexdigest()


def check_password_rules(name: str, password: str) -> None:
    if not name.strip():
        raise ReviewInputError("用户名不能为空")
    if len(password) < MIN_PASSWORD:
        raise ReviewInputError(f"密码至少 {MIN_PASSWORD} 位")


def create_user(
    session: Session, hasher: PasswordHasher, name: str, role: str, password: str, now: datetime
) -> User:
    check_password_rules(name, password)
    if session.scalar(select(UserRow).where(UserRow.name == name)) is not None:
        raise ReviewInputError(f"用户“{name}”已存在")
    row = UserRow(name=name, role=role, password_hash=hasher.hash(password), disabled=False, created_at=now)
    session.add(row)
    session.flush()
    return _user(row)


def check_login(session: Session, hasher: PasswordHasher, name: str, password: str) -> User | None:
    """The user if name and password match an enabled account (rehashes outdated hashes)."""
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        hasher.hash(password)  # same work whether or not the name exists
        return None
    try:
        hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if row.disabled:
        return None
    if hasher.check_needs_rehash(row.password_hash):
        row.password_hash = hasher.hash(password)
    return _user(row)


def new_session(session: Session, user: User, now: datetime, minutes: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        SessionRow(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    return token


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    if not token:
        return None
    row = session.get(SessionRow, token_hash(token))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    user = session.get(UserRow, row.user_id)
    if user is None or user.disabled:
        return None
    return _user(user)


def end(session: Session, token: str, now: datetime) -> bool:
    row = session.get(SessionRow, token_hash(token))
    if row is None or row.ended_at is not None:
        return False
    row.ended_at = now
    return True
