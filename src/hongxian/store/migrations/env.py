"""Alembic environment: always run programmatically with a live connection (see store/engine.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from hongxian.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline/CLI use is not supported
    raise RuntimeError("hongxian migrations run programmatically: hongxian.store.migrate(engine)")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(72010)"))
    context.run_migrations()
