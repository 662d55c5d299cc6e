"""search index, finding counters and queue-order indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

* ``search_grams``: the character-bigram index of the free-text filter (store/search_index.py),
  filled here from ``finding_search`` for stores created before this revision.
* ``finding_counts``: findings per (case, status, category, severity), kept by triggers
  (store/counters.py) and filled here from the findings already stored.
* The ``findings`` indexes become one per queue order, each ending in ``id, suppressed_until`` so
  that counts and the ids of deep pages are index-only scans (``ix_findings_score`` is new).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_INDEXES = {
    "ix_findings_queue": ["case_id", "severity_rank", "score", "suppressed_until"],
    "ix_findings_category": ["case_id", "category", "severity_rank", "score", "suppressed_until"],
    "ix_findings_status": ["case_id", "status", "severity_rank", "score", "suppressed_until"],
    "ix_findings_check": ["case_id", "check_id"],
    "ix_findings_subject": ["case_id", "subject_kind", "subject_id"],
    "ix_findings_window": ["case_id", "window_start"],
}
NEW_INDEXES = {
    "ix_findings_queue": ["case_id", "severity_rank", "score", "id", "suppressed_until"],
    "ix_findings_category": ["case_id", "category", "severity_rank", "score", "id", "suppressed_until"],
    "ix_findings_status": ["case_id", "status", "severity_rank", "score", "id", "suppressed_until"],
    "ix_findings_score": ["case_id", "score", "id", "suppressed_until"],
    "ix_findings_check": ["case_id", "check_id", "severity_rank", "id", "suppressed_until"],
    "ix_findings_subject": ["case_id", "subject_id", "severity_rank", "id", "suppressed_until"],
    "ix_findings_window": ["case_id", "window_start", "id", "suppressed_until"],
}


def _swap_indexes(drop: dict[str, list[str]], create: dict[str, list[str]]) -> None:
    for name in drop:
        op.drop_index(name, table_name="findings")
    for name, columns in create.items():
        op.create_index(name, "findings", columns, unique=False)


def upgrade() -> None:
    op.create_table(
        "finding_counts",
        sa.Column("case_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("severity_rank", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "status", "category", "severity_rank"),
    )
    op.create_table(
        "search_grams",
        sa.Column("case_id", sa.String(length=200), nullable=False),
        sa.Column("gram", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("pks", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "gram", "block"),
        sqlite_with_rowid=False,
    )
    _swap_indexes(OLD_INDEXES, NEW_INDEXES)
    from hongxian.store import counters, search_index

    conn = op.get_bind()
    counters.install(conn)
    for (case_id,) in conn.execute(sa.text("SELECT id FROM cases ORDER BY id")).all():
        search_index.rebuild(conn, case_id)


def downgrade() -> None:
    from hongxian.store import counters

    counters.uninstall(op.get_bind())
    _swap_indexes(NEW_INDEXES, OLD_INDEXES)
    op.drop_table("search_grams")
    op.drop_table("finding_counts")
