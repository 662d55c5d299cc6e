"""Issue 13 item 12: signed checkpoints anchor the audit chain outside the database, so a truncated
tail with a rolled-back head, or a chain recomputed from scratch, no longer verifies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.review import ADMIN, INVESTIGATOR, REVIEWER, ReviewService
from hongxian.review.audit import row_hash
from hongxian.review.checkpoint import KEY_ENV, LOG_FILE, Checkpoint, recorded
from hongxian.store.engine import GENESIS_HASH
from hongxian.store.models import AuditHeadRow, AuditRow
from tests.review.factory import make_finding
from tests.store.backends import FAST_HASHER


@pytest.fixture
def anchored(service: ReviewService, case_dir: Path, monkeypatch) -> ReviewService:
    monkeypatch.delenv(KEY_ENV, raising=False)
    return ReviewService(
        service.store, service.settings, clock=service._clock, hasher=FAST_HASHER, case_dir=case_dir
    )


def _activity(service: ReviewService, users) -> Checkpoint:
    service.record_run([make_finding(i) for i in range(3)], "rb", {}, {})
    service.get_finding(users[REVIEWER], "f-000001")
    cp = service.log_export(users[INVESTIGATOR], "pdf", "报告.pdf", {"pages": 3})
    assert cp is not None
    service.get_finding(users[REVIEWER], "f-000002")  # activity after the last export
    return cp


def _truncate_and_roll_back_head(service: ReviewService, keep: int) -> None:
    with service.store.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id > :k"), {"k": keep})
        last = s.get(AuditRow, keep)
        head = s.get(AuditHeadRow, 1)
        head.last_id, head.last_hash = keep, last.hash


def test_truncation_with_rolled_back_head_fails_verify(anchored: ReviewService, users) -> None:
    cp = _activity(anchored, users)
    assert anchored.verify_audit().ok
    _truncate_and_roll_back_head(anchored, cp.last_id - 2)
    result = anchored.verify_audit()
    assert not result.ok and "截断" in result.message()


def test_recomputed_chain_fails_verify(anchored: ReviewService, users) -> None:
    _activity(anchored, users)
    with anchored.store.write() as s:  # wipe everything and forge a fresh, self-consistent chain
        rows = list(s.query(AuditRow).order_by(AuditRow.id))
        prev = GENESIS_HASH
        for row in rows:
            row.actor = "forger" if row.action == "export" else row.actor
            row.prev_hash = prev
            row.hash = prev = row_hash(row, prev)
        head = s.get(AuditHeadRow, 1)
        head.last_hash = prev
    result = anchored.verify_audit()
    assert not result.ok and "重写" in result.message()


def test_forged_checkpoint_log_fails_verify(anchored: ReviewService, users, case_dir: Path) -> None:
    _activity(anchored, users)
    log = case_dir / LOG_FILE
    log.write_text(log.read_text(encoding="utf-8").replace('"last_id": ', '"last_id": 1'), encoding="utf-8")
    result = anchored.verify_audit()
    assert not result.ok and "签名不符" in result.message()


def test_checkpoint_from_a_report_is_checked_even_when_the_log_is_deleted(
    anchored: ReviewService, users, case_dir: Path
) -> None:
    cp = _activity(anchored, users)
    (case_dir / LOG_FILE).unlink()
    _truncate_and_roll_back_head(anchored, cp.last_id - 1)
    assert anchored.verify_audit().ok  # nothing left in the folder to compare with
    result = anchored.verify_audit([cp.text()])
    assert not result.ok and "截断" in result.message()


def test_cli_verify_prints_a_checkpoint_and_fails_after_truncation(
    anchored: ReviewService, users, case_dir: Path
) -> None:
    cp = _activity(anchored, users)
    runner = CliRunner()
    db = anchored.store.url
    args = ["audit", "verify", str(case_dir)] + ([] if db.startswith("sqlite") else ["--db", db])
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "hxcp1:" in ok.output and "签名检查点一致" in ok.output
    assert len(recorded(case_dir)) == 2
    _truncate_and_roll_back_head(anchored, cp.last_id - 1)
    bad = runner.invoke(app, args)
    assert bad.exit_code == 1 and "截断" in bad.output


def test_checkpoint_text_round_trips(anchored: ReviewService, users) -> None:
    cp = _activity(anchored, users)
    assert Checkpoint.parse(cp.text()) == cp
    assert users[ADMIN] is not None
