"""The store opens, migrates to head (idempotently) and its models match the shipped migrations."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from hongxian.review import open_store
from hongxian.settings import Settings
from hongxian.store import default_url, resolve_url
from hongxian.store.engine import GENESIS_HASH, MIGRATIONS, SCHEMA_HEAD
from hongxian.store.models import AuditHeadRow, Base, CaseRow

TABLES = {
    "cases",
    "sources",
    "runs",
    "findings",
    "finding_content",
    "finding_search",
    "finding_parties",
    "evidence",
    "decisions",
    "suppressions",
    "users",
    "sessions",
    "audit_log",
    "audit_head",
    "alembic_version",
}


def test_default_url_is_sqlite_under_the_case(case_dir: Path) -> None:
    url = resolve_url(case_dir, None)
    assert url == default_url(case_dir)
    assert url.endswith("/.hongxian/store.db") and url.startswith("sqlite:///")
    assert resolve_url(case_dir, "postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"


def test_open_creates_schema_at_head(case_dir: Path, settings: Settings) -> None:
    store = open_store(case_dir, settings)
    try:
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        assert head == SCHEMA_HEAD
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with store.read() as s:
            assert s.get(CaseRow, "T-001").title == "测试案件"
            head_row = s.get(AuditHeadRow, 1)
            assert (head_row.last_id, head_row.last_hash) == (0, GENESIS_HASH)
        if settings.database_url is None:
            assert (case_dir / ".hongxian" / "store.db").is_file()
    finally:
        store.dispose()


def test_reopen_is_idempotent(case_dir: Path, settings: Settings) -> None:
    for _ in range(3):
        store = open_store(case_dir, settings)
        with store.read() as s:
            assert s.scalar(select(text("count(*)")).select_from(text("cases"))) == 1
            assert s.scalar(select(text("count(*)")).select_from(text("audit_head"))) == 1
        store.dispose()
