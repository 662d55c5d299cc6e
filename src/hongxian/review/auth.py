"""Users (argon2id password hashes) and login sessions with expiry.

Session tokens are random (``secrets.token_urlsafe(32)``); only their sha256 is stored. The CSRF
token of a session is derived from the session token (HMAC), so it needs no storage and dies with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
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


# ---------------------------------------------------------------- login throttling (issue 13 item 13)


class LoginThrottled(Exception):
    """Too many failed logins for this account or address; ``retry_after`` seconds to wait."""

    def __init__(self, retry_after: int, scope: str):
        self.retry_after, self.scope = retry_after, scope
        super().__init__(f"登录失败次数过多，请 {retry_after} 秒后再试")


@dataclass
class _Failures:
    count: int = 0
    locked_until: datetime | None = None
    last: datetime | None = None


@dataclass
class LoginThrottle:
    """Failed logins per account and per client address, with exponential back-off.

    The first `free_per_account` failures of an account (`free_per_address` of an address) cost
    nothing; each further one locks that account / address for ``base_seconds × 2^k`` (k = failures
    past the free ones − 1), at most `max_seconds`. While locked, attempts are refused without
    checking the password. A successful login clears the account and the address. Entries idle for
    a day are forgotten. One object per review service (an in-process server), never a global."""

    free_per_account: int = 5
    free_per_address: int = 20
    base_seconds: int = 1
    max_seconds: int = 15 * 60
    _entries: dict[str, _Failures] = field(default_factory=dict)

    def check(self, name: str, address: str | None, now: datetime) -> None:
        """Raise `LoginThrottled` while the account or the address is locked."""
        for key in _keys(name, address):
            entry = self._entries.get(key)
            if entry and entry.locked_until and entry.locked_until > now:
                wait = max(1, int((entry.locked_until - now).total_seconds() + 0.999))
                raise LoginThrottled(wait, key.split(":", 1)[0])

    def failed(self, name: str, address: str | None, now: datetime) -> int:
        """Record a failure; returns the lock in seconds it caused (0: none yet)."""
        self._forget_idle(now)
        longest = 0
        for key in _keys(name, address):
            entry = self._entries.setdefault(key, _Failures())
            entry.count += 1
            entry.last = now
            free = self.free_per_account if key.startswith("account:") else self.free_per_address
            if entry.count > free:
                seconds = min(self.max_seconds, self.base_seconds << min(entry.count - free - 1, 30))
                entry.locked_until = now + timedelta(seconds=seconds)
                longest = max(longest, seconds)
        return longest

    def succeeded(self, name: str, address: str | None) -> None:
        for key in _keys(name, address):
            self._entries.pop(key, None)

    def _forget_idle(self, now: datetime) -> None:
        if len(self._entries) < 10_000:
            return
        cutoff = now - timedelta(days=1)
        for key in [k for k, e in self._entries.items() if e.last and e.last < cutoff]:
            del self._entries[key]


def _keys(name: str, address: str | None) -> list[str]:
    return [f"account:{name}"] + ([f"address:{address}"] if address else [])
