"""check ids follow one scheme: ``<family>.<name>``

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

Four checks were renamed so that every check id starts with its family (``gambling.``, not
``integrity.gambling.``). Their finding ids do not change (they are fingerprinted on a check's first
id, `Check.fingerprint_id`), so decisions stay attached; this revision renames the stored check ids
of findings and suppression rules. The full finding content (``finding_content``) keeps the old id
until the next import of a run, which rewrites content whose hash changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RENAMED = {
    "integrity.commerce.promotion": "commerce.promotion",
    "integrity.gambling.red-packet-text": "gambling.red-packet-text",
    "integrity.gambling.lottery-promo": "gambling.lottery-promo",
    "integrity.vote-buying.canvassing-text": "vote-buying.canvassing-text",
}
TABLES = ("findings", "suppressions")


def _rename(mapping: dict[str, str]) -> None:
    for table in TABLES:
        for old, new in mapping.items():
            op.execute(
                sa.text(f"UPDATE {table} SET check_id = :new WHERE check_id = :old").bindparams(
                    new=new, old=old
                )
            )


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})
