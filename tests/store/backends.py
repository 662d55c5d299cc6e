"""Fixtures shared by tests/store and tests/review: the same tests on SQLite and on PostgreSQL.

PostgreSQL comes from ``HONGXIAN_TEST_PG_URL`` (set by scripts/run-tests.sh via
scripts/start-postgres.sh). Each test gets a fresh database. Without the variable the postgres
cases are skipped locally and FAIL under CI (``CI=true``): CI never skips them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher

from hongxian.review import ADMIN, INVESTIGATOR, READONLY, REVIEWER, ReviewService, open_store
from hongxian.settings import Settings
from hongxian.store import make_engine, migrate, resolve_url

PG_ENV = "HONGXIAN_TEST_PG_URL"
# Cheap argon2id parameters for speed; tests/review/test_auth.py checks the production defaults.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
PASSWORDS = {
    ADMIN: "admin-pass-1",
    REVIEWER: "review-pass-1",
    INVESTIGATOR: "invest-pass-1",
    READONLY: "read-pass-1",
}


def pg_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{PG_ENV} is not set: under CI the PostgreSQL tests must run (scripts/start-postgres.sh)"
            )
        pytest.skip(f"{PG_ENV} not set (run scripts/run-tests.sh, which starts PostgreSQL)")
    return url


def _db_url(base_url: str, name: str) -> str:
    return base_url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def fresh_pg_database(base_url: str, template: str | None = None) -> Iterator[str]:
    """A new database (copied from ``template`` when given), dropped afterwards."""
    name = f"hx_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _db_url(base_url, name)
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A database migrated to head once per session; each test copies it (CREATE DATABASE … TEMPLATE)."""
    base = pg_base_url()
    with fresh_pg_database(base) as url:
        engine = make_engine(resolve_url(Path("."), url))
        migrate(engine)
        engine.dispose()
        yield url.rsplit("/", 1)[1]


@pytest.fixture(params=BACKENDS)
def db_url(request) -> Iterator[str | None]:
    """None = the default SQLite file under the case; otherwise a fresh PostgreSQL database URL."""
    if request.param == "sqlite":
        yield None
        return
    template = request.getfixturevalue("pg_template")
    with fresh_pg_database(pg_base_url(), template) as url:
        yield url


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now = self.now + timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str | None) -> Settings:
    return Settings(database_url=db_url)


@pytest.fixture
def service(case_dir: Path, settings: Settings, clock: Clock) -> Iterator[ReviewService]:
    store = open_store(case_dir, settings)
    yield ReviewService(store, settings, clock=clock, hasher=FAST_HASHER)
    store.dispose()


@pytest.fixture
def users(service: ReviewService) -> dict:
    """One user per role, keyed by role code."""
    return {role: service.add_user(f"{role}-user", role, pw) for role, pw in PASSWORDS.items()}
