"""Finding lifecycle: import, decisions, re-screening keeps decisions and re-opens on new evidence."""

from __future__ import annotations

import pytest

from hongxian.review import (
    CONFIRMED,
    DISMISSED,
    ESCALATED,
    INVESTIGATOR,
    PENDING,
    REVIEWER,
    FindingFilter,
    NotFound,
    ReviewInputError,
    ReviewService,
)
from tests.review.factory import make_finding

RB = "rb-2026.1"


def run(service: ReviewService, findings, **kw):
    return service.record_run(findings, RB, {"min_amount_fen": 20000}, {"exports/bill.csv": "ab" * 32}, **kw)


def test_first_run_stores_pending_findings(service: ReviewService, users) -> None:
    s = run(service, [make_finding(i) for i in range(5)])
    assert (s.new, s.updated, s.reopened, s.unchanged) == (5, 0, 0, 0)
    d = service.get_finding(users[REVIEWER], "f-000003")
    assert d.status == PENDING and d.status_label == "待审" and d.version == 1
    assert d.finding == make_finding(3)
    assert [e.id for e in d.evidence] == ["pay-3-0"] and d.evidence[0].excerpt.endswith("138****5678")
    assert d.first_seen_run == d.last_seen_run == s.run_id


def test_decisions_are_appended_with_chinese_labels(service: ReviewService, users) -> None:
    run(service, [make_finding(1)])
    rev = users[REVIEWER]
    d1 = service.decide(rev, "f-000001", "确认", "证据充分", 1)
    d2 = service.decide(rev, "f-000001", ESCALATED, "金额较大，上报", d1.version)
    assert (d1.status, d1.status_label, d1.version) == (CONFIRMED, "确认", 2)
    assert (d2.status_label, d2.version, d2.from_status) == ("上报", 3, CONFIRMED)
    detail = service.get_finding(rev, "f-000001")
    assert [(x.status, x.reason, x.actor) for x in detail.decisions] == [
        (CONFIRMED, "证据充分", rev.name),
        (ESCALATED, "金额较大，上报", rev.name),
    ]
    assert detail.status == ESCALATED and detail.version == 3


def test_dismissal_requires_a_reason(service: ReviewService, users) -> None:
    run(service, [make_finding(1)])
    for reason in (None, "", "   "):
        with pytest.raises(ReviewInputError, match="排除线索必须填写理由"):
            service.decide(users[REVIEWER], "f-000001", "排除", reason, 1)
    with pytest.raises(ReviewInputError, match="未知状态"):
        service.decide(users[REVIEWER], "f-000001", "通过", "x", 1)
    d = service.decide(users[REVIEWER], "f-000001", "排除", "系亲属间正常往来", 1)
    assert d.status == DISMISSED


def test_unknown_finding(service: ReviewService, users) -> None:
    with pytest.raises(NotFound):
        service.get_finding(users[REVIEWER], "f-nope")


def test_rescreen_keeps_status_and_notes(service: ReviewService, users) -> None:
    run(service, [make_finding(i) for i in range(3)])
    service.decide(users[REVIEWER], "f-000001", "排除", "系亲属间正常往来", 1)
    s2 = run(service, [make_finding(i) for i in range(3)])
    assert (s2.new, s2.updated, s2.reopened, s2.unchanged) == (0, 0, 0, 3)
    d = service.get_finding(users[REVIEWER], "f-000001")
    assert d.status == DISMISSED and d.version == 2
    assert [x.reason for x in d.decisions] == ["系亲属间正常往来"]
    assert d.first_seen_run == 1 and d.last_seen_run == s2.run_id


def test_new_evidence_reopens_a_decided_finding(service: ReviewService, users) -> None:
    run(service, [make_finding(1, evidence=["pay-a"]), make_finding(2, evidence=["pay-b"])])
    service.decide(users[REVIEWER], "f-000001", "确认", "属实", 1)
    more = make_finding(1, evidence=["pay-a", "pay-c", "pay-d", "pay-e"])
    pending_changed = make_finding(2, evidence=["pay-b", "pay-f"])
    s = run(service, [more, pending_changed])
    assert (s.new, s.updated, s.reopened, s.unchanged) == (0, 1, 1, 0)
    d = service.get_finding(users[INVESTIGATOR], "f-000001")
    assert d.status == PENDING and d.version == 3
    last = d.decisions[-1]
    assert last.by_system and last.actor == "system" and last.run_id == s.run_id
    assert last.reason == "重新筛查：新增证据 3 条（原结论：确认）"
    assert d.decisions[0].reason == "属实"  # the earlier note is kept
    assert [e.id for e in d.evidence] == ["pay-a", "pay-c", "pay-d", "pay-e"]
    assert service.get_finding(users[REVIEWER], "f-000002").status == PENDING


def test_changed_content_without_new_evidence_keeps_the_decision(service: ReviewService, users) -> None:
    run(service, [make_finding(1, evidence=["pay-a", "pay-b"])])
    service.decide(users[REVIEWER], "f-000001", "确认", "属实", 1)
    fewer = make_finding(1, evidence=["pay-a"], score=0.9, explanation="90 天内收到红包 1 个")
    s = run(service, [fewer])
    assert (s.updated, s.reopened) == (1, 0)
    d = service.get_finding(users[REVIEWER], "f-000001")
    assert d.status == CONFIRMED and d.finding.score == 0.9 and d.version == 3
    assert len(d.decisions) == 1


def test_findings_missing_from_a_later_run_are_kept(service: ReviewService, users) -> None:
    first = run(service, [make_finding(i) for i in range(3)])
    run(service, [make_finding(0)])
    page = service.list_findings(users[REVIEWER], FindingFilter())
    assert page.total == 3
    assert {r.finding_id: r.last_seen_run for r in page.items}["f-000002"] == first.run_id


def test_run_records_rulebook_sources_and_audit(service: ReviewService, users) -> None:
    from hongxian.store.models import RunRow, SourceRow

    s = run(service, [make_finding(1)])
    run(service, [make_finding(1)])
    with service.store.read() as db:
        r = db.get(RunRow, s.run_id)
        assert (r.rulebook_version, r.params, r.n_new) == (RB, {"min_amount_fen": 20000}, 1)
        sources = db.query(SourceRow).all()
        assert [(x.path, x.first_run_id, x.last_run_id) for x in sources] == [("exports/bill.csv", 1, 2)]
    entries = service.audit_entries(users["admin"]).items
    imports = [e for e in entries if e.action == "run_import"]
    assert len(imports) == 2 and imports[-1].detail["new"] == 1


def test_duplicate_fingerprints_in_one_run(service: ReviewService) -> None:
    s = run(service, [make_finding(1, score=0.5), make_finding(1, score=0.7)])
    assert s.new == 1


def test_clear_excerpt_only_on_reveal(service: ReviewService, users) -> None:
    f = make_finding(1, evidence=["pay-a", "pay-b"])
    run(
        service,
        [f],
        clear_excerpts={("f-000001", "payments", "pay-a"): "节日快乐，一点心意[红包] 手机 13812345678"},
    )
    masked = service.get_finding(users[INVESTIGATOR], "f-000001")
    assert all("13812345678" not in (e.excerpt or "") for e in masked.evidence)
    assert [e.has_clear for e in masked.evidence] == [True, False]
    shown = service.reveal(users[INVESTIGATOR], "f-000001", "核实当事人联系方式")
    assert shown.revealed and shown.evidence[0].excerpt.endswith("13812345678") and shown.evidence[0].revealed
    assert shown.evidence[1].excerpt.endswith("138****5678") and not shown.evidence[1].revealed
    with pytest.raises(ReviewInputError):
        service.reveal(users[INVESTIGATOR], "f-000001", " ")
    reveal = [e for e in service.audit_entries(users[INVESTIGATOR]).items if e.action == "reveal"]
    detail = reveal[0].detail
    assert (detail["reason"], detail["clear_excerpts"], detail["clear_rows"]) == ("核实当事人联系方式", 1, 0)
    assert detail["shown"] == ["payments:pay-a"]  # the stored clear excerpt that was shown
