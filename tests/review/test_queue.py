"""The triage queue: filters, sorting, pagination, suppressions with expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hongxian.review import REVIEWER, FindingFilter, ReviewInputError, ReviewService
from tests.review.factory import make_finding


def _seed(service: ReviewService) -> None:
    findings = []
    for i in range(30):
        findings.append(
            make_finding(
                i,
                severity=("low", "medium", "high", "critical")[i % 4],
                score=round(0.3 + i / 100, 2),
                person=f"P{i % 3:03d}",
                related=["P900"] if i % 10 == 0 else None,
                check="gift.red-packet" if i < 20 else "gambling.mine-sweeper",
                category="integrity.gift_money" if i < 20 else "integrity.gambling",
                excerpt="扫雷 100 元 5 包" if i >= 20 else "节日快乐，一点心意[红包]",
            )
        )
    service.record_run(findings, "rb", {}, {})


def ids(page) -> list[str]:
    return [r.finding_id for r in page.items]


def test_filters(service: ReviewService, users) -> None:
    _seed(service)
    rev = users[REVIEWER]
    q = service.list_findings
    assert q(rev).total == 30
    assert q(rev, FindingFilter(category="integrity.gambling")).total == 10
    assert q(rev, FindingFilter(severity=["high", "critical"])).total == 14
    assert q(rev, FindingFilter(person="P001")).total == 10
    assert set(ids(q(rev, FindingFilter(person="P900")))) == {"f-000000", "f-000010", "f-000020"}
    assert q(rev, FindingFilter(check_id="gambling.mine-sweeper", severity="low")).total == 3
    assert q(rev, FindingFilter(q="扫雷")).total == 10
    assert q(rev, FindingFilter(q="GAMBLING.mine")).total == 10  # case-insensitive
    assert q(rev, FindingFilter(q="100%")).total == 0  # LIKE wildcards are literal
    service.decide(rev, "f-000004", "确认", "属实", 1)
    service.decide(rev, "f-000008", "排除", "误报", 1)
    assert ids(q(rev, FindingFilter(status="确认"))) == ["f-000004"]
    assert q(rev, FindingFilter(status=["pending"])).total == 28
    assert q(rev, FindingFilter(status="排除", severity="critical")).total == 0
    assert q(rev, FindingFilter(status="排除", severity="low")).total == 1


def test_sort_and_pagination(service: ReviewService, users) -> None:
    _seed(service)
    rev = users[REVIEWER]
    pages = [service.list_findings(rev, sort="severity", page=p, per_page=7) for p in (1, 2, 3, 4, 5)]
    assert [len(p.items) for p in pages] == [7, 7, 7, 7, 2] and pages[0].pages == 5 and not pages[4].has_next
    rows = [r for p in pages for r in p.items]
    assert len({r.finding_id for r in rows}) == 30
    keys = [(r.severity_label, r.score) for r in rows]
    assert keys[0] == ("严重", 0.57) and rows[-1].severity == "low"
    ranks = [("low", "medium", "high", "critical").index(r.severity) for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    by_score = service.list_findings(rev, sort="score", per_page=3)
    assert [r.score for r in by_score.items] == [0.59, 0.58, 0.57]
    with pytest.raises(ReviewInputError):
        service.list_findings(rev, sort="random")
    with pytest.raises(ReviewInputError):
        service.list_findings(rev, FindingFilter(category="politics"))


def test_suppression_hides_until_expiry(service: ReviewService, users, clock) -> None:
    _seed(service)
    rev = users[REVIEWER]
    rule = service.suppress(
        rev,
        "gambling.mine-sweeper",
        "群内小额娱乐，已另案核实",
        days=7,
        subject_kind="person",
        subject_id="P001",
    )
    visible = service.list_findings(rev, FindingFilter(check_id="gambling.mine-sweeper"))
    assert visible.total == 7 and all(r.subject_id != "P001" for r in visible.items)
    hidden = service.list_findings(
        rev, FindingFilter(check_id="gambling.mine-sweeper", include_suppressed=True)
    )
    assert hidden.total == 10  # still stored
    assert service.stats(rev).suppressed == 3
    # a later run's new finding matching the rule is hidden too
    service.record_run(
        [make_finding(99, check="gambling.mine-sweeper", category="integrity.gambling", person="P001")],
        "rb",
        {},
        {},
    )
    assert (
        service.list_findings(rev, FindingFilter(person="P001", check_id="gambling.mine-sweeper")).total == 0
    )
    clock.advance(days=7, seconds=1)
    assert service.list_findings(rev, FindingFilter(check_id="gambling.mine-sweeper")).total == 11
    assert not [s for s in service.suppressions(rev) if s.active(clock())]
    assert rule.expires_at == clock() - timedelta(seconds=1)


def test_suppression_revoke_and_rules(service: ReviewService, users) -> None:
    _seed(service)
    rev = users[REVIEWER]
    with pytest.raises(ReviewInputError, match="理由"):
        service.suppress(rev, "gift.red-packet", "  ", days=3)
    with pytest.raises(ReviewInputError, match="有效期"):
        service.suppress(rev, "gift.red-packet", "x")
    rule = service.suppress(rev, "gift.red-packet", "规则调整期间暂不审查", days=30)
    assert service.list_findings(rev).total == 10
    service.revoke_suppression(rev, rule.id)
    assert service.list_findings(rev).total == 30
    actions = [e.action for e in service.audit_entries(users["admin"]).items]
    assert "suppress" in actions and "unsuppress" in actions
