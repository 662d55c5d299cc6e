"""Renamed checks keep their findings: same finding ids, stored check ids renamed by migration 0003."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from hongxian.detect import default_registry
from hongxian.ids import finding_fingerprint
from hongxian.review import ReviewService
from hongxian.rulebook.loader import load_rulebook
from hongxian.store.engine import _alembic_config
from tests.review.factory import make_finding

OLD, NEW = "integrity.commerce.promotion", "commerce.promotion"


def _check_ids(service: ReviewService, table: str) -> set[str]:
    with service.store.engine.connect() as conn:
        return set(conn.execute(text(f"SELECT check_id FROM {table}")).scalars())


def test_migration_renames_stored_check_ids(service: ReviewService, users: dict) -> None:
    finding = make_finding(1, check=OLD, category="integrity.commerce")
    service.record_run([finding], "rb-old", {}, {"exports/chat.db": "ab" * 32})
    service.suppress(users["reviewer"], OLD, "测试屏蔽", days=30)
    engine = service.store.engine
    with engine.connect() as conn:  # a store written before the rename: back to 0002, then up again
        conn = conn.execution_options(hx_write=True)
        command.downgrade(_alembic_config(conn), "0002")
        conn.execute(text("UPDATE findings SET check_id = :o"), {"o": OLD})
        conn.execute(text("UPDATE suppressions SET check_id = :o"), {"o": OLD})
        command.upgrade(_alembic_config(conn), "head")
        conn.commit()
    assert _check_ids(service, "findings") == {NEW}
    assert _check_ids(service, "suppressions") == {NEW}


def test_renamed_check_keeps_finding_ids_and_resolves_its_former_id() -> None:
    book = load_rulebook(default_registry().params_models())
    check = book.check(OLD)
    assert check.id == NEW and check.fingerprint_id == OLD
    assert finding_fingerprint(check.fingerprint_id, "person", "P1") == finding_fingerprint(
        OLD, "person", "P1"
    )
    assert finding_fingerprint(check.fingerprint_id, "person", "P1") != finding_fingerprint(
        NEW, "person", "P1"
    )
