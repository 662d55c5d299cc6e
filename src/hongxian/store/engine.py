"""Engine creation, write transactions and programmatic Alembic migrations.

SQLite (default, ``CASE_DIR/.hongxian/store.db``): WAL journal, foreign keys on, and every write
transaction starts with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way.
PostgreSQL: writers serialise on the single ``audit_head`` row (``SELECT … FOR UPDATE``), which
every audited action updates anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session

from hongxian.case import STATE_DIR
from hongxian.store.models import AuditHeadRow, CaseRow
from hongxian.store.types import utcnow

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
GENESIS_HASH = "0" * 64
SCHEMA_HEAD = "0003"
"""The newest migration in migrations/versions (tests/store checks they agree)."""


def default_url(case_dir: Path) -> str:
    return f"sqlite:///{(Path(case_dir).resolve() / STATE_DIR / 'store.db').as_posix()}"


def resolve_url(case_dir: Path, database_url: str | None) -> str:
    """The configured URL, or SQLite under the case; ``postgresql://`` means psycopg 3."""
    url = database_url or default_url(case_dir)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # pragma: no cover - trivial
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache (default 2 MiB)
        cur.execute("PRAGMA mmap_size=268435456")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get("hx_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _sqlite_hooks(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _is_current(engine: Engine) -> bool:
    """Cheap check (no Alembic import) that the schema is at SCHEMA_HEAD."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head (no-op when already current)."""
    if _is_current(engine):
        return
    from alembic import command

    with engine.connect() as conn:
        conn = conn.execution_options(hx_write=True)
        command.upgrade(_alembic_config(conn), "head")
        if conn.in_transaction():
            conn.commit()


@dataclass
class CaseStore:
    """An open case store: the engine plus the case it serves."""

    engine: Engine
    case_id: str
    url: str

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction, serialised against other writers; commits on success."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(hx_write=True)
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                if self.engine.dialect.name == "postgresql":
                    session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update())
                yield session

    def analyze(self) -> None:
        """Refresh the query planner's statistics (after a large import)."""
        tables = ("findings", "finding_search", "finding_parties", "search_grams")
        if self.engine.dialect.name == "postgresql":  # VACUUM also enables index-only scans
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in tables:
                    conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
            return
        with self.engine.connect() as conn:
            for table in tables:
                conn.exec_driver_sql(f"ANALYZE {table}")
            conn.commit()

    def dispose(self) -> None:
        self.engine.dispose()


def open_case_store(url: str, case_id: str, title: str = "") -> CaseStore:
    engine = make_engine(url)
    migrate(engine)
    store = CaseStore(engine=engine, case_id=case_id, url=url)
    with store.read() as s:
        exists = s.get(CaseRow, case_id) is not None
    if not exists:
        with store.write() as s:
            if s.get(CaseRow, case_id) is None:
                s.add(CaseRow(id=case_id, title=title, created_at=utcnow()))
    return store
