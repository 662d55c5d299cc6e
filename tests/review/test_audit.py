"""The hash-chained audit log: every view/decision/reveal/export is logged; tampering is detected."""

from __future__ import annotations

from sqlalchemy import text

from hongxian.review import ADMIN, INVESTIGATOR, REVIEWER, ReviewService
from tests.review.factory import make_finding


def _activity(service: ReviewService, users) -> None:
    service.record_run([make_finding(i) for i in range(3)], "rb", {}, {})
    service.get_finding(users[REVIEWER], "f-000001")
    service.decide(users[REVIEWER], "f-000001", "确认", "属实", 1)
    service.reveal(users[INVESTIGATOR], "f-000002", "核实身份")
    service.report_findings(users[INVESTIGATOR])
    service.log_export(users[INVESTIGATOR], "pdf", "报告.pdf", {"pages": 3})


def test_every_view_decision_reveal_and_export_is_logged(service: ReviewService, users) -> None:
    _activity(service, users)
    entries = service.audit_entries(users[ADMIN], per_page=100).items
    got = [(e.actor, e.action, e.target) for e in reversed(entries) if e.action not in ("user_add",)]
    assert got == [
        ("system", "run_import", "run:1"),
        ("reviewer-user", "view", "finding:f-000001"),
        ("reviewer-user", "decide", "finding:f-000001"),
        ("investigator-user", "reveal", "finding:f-000002"),
        ("investigator-user", "report", "case"),
        ("investigator-user", "export", "报告.pdf"),
    ]
    assert entries[0].action_label == "导出" and entries[0].detail == {"kind": "pdf", "pages": 3}
    result = service.verify_audit()
    assert result.ok and result.rows == 10 and len(result.head_hash) == 64
    assert "哈希链校验通过" in result.message()


def _tamper(service: ReviewService, sql: str, **params) -> None:
    with service.store.engine.connect() as conn:
        conn.execute(text(sql), params)
        conn.commit()


def test_edited_row_is_reported(service: ReviewService, users) -> None:
    _activity(service, users)
    _tamper(
        service,
        "UPDATE audit_log SET detail = :d WHERE action = 'decide'",
        d='{"from":"pending","reason":"属实","to":"dismissed","version":2}',
    )
    result = service.verify_audit()
    decide_id = 7  # 4 user_add, run_import, view, decide
    assert not result.ok and result.first_bad_id == decide_id
    assert "本条记录被修改" in result.message() and f"第 {decide_id} 条" in result.message()


def test_edited_actor_rehashed_row_breaks_the_next_link(service: ReviewService, users) -> None:
    """Even recomputing the edited row's own hash is caught: the next row's prev_hash no longer matches."""
    from hongxian.review.audit import row_hash
    from hongxian.store.models import AuditRow

    _activity(service, users)
    with service.store.write() as s:
        row = s.get(AuditRow, 6)
        row.actor = "someone-else"
        row.hash = row_hash(row, row.prev_hash)
    result = service.verify_audit()
    assert not result.ok and result.first_bad_id == 7 and "前序哈希不符" in result.problem


def test_deleted_rows_are_reported(service: ReviewService, users) -> None:
    _activity(service, users)
    _tamper(service, "DELETE FROM audit_log WHERE id = 6")
    result = service.verify_audit()
    assert not result.ok and result.first_bad_id == 7 and "序号不连续" in result.problem


def test_deleted_tail_is_reported(service: ReviewService, users) -> None:
    _activity(service, users)
    _tamper(service, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    result = service.verify_audit()
    assert not result.ok and result.first_bad_id is None and "末尾记录被删除" in result.problem
