"""Run settings: an object passed in (never a module global)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    database_url: str | None = None
    """SQLAlchemy URL of the case store; default: SQLite under CASE_DIR/.hongxian/store.db."""
    mask_personal_data: bool = True
    """Mask other people's personal data in excerpts, UI and reports (revealing needs a role)."""
    behind_https: bool = False
    """Served behind a TLS-terminating proxy: session cookies are always ``Secure``."""
    session_minutes: int = 480
