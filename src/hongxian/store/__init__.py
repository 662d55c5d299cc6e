"""Case store: SQLAlchemy models, engine creation and migrations (SQLite default, PostgreSQL server)."""

from hongxian.store.engine import CaseStore, default_url, make_engine, migrate, open_case_store, resolve_url

__all__ = ["CaseStore", "default_url", "make_engine", "migrate", "open_case_store", "resolve_url"]
