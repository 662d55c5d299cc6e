"""Deep pages give exactly what plain offset paging gives (every sort, with filters and ties), and the
overview statistics stay right after decisions, suppressions and re-screening."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import or_, select, text

from hongxian.review import REVIEWER, FindingFilter, ReviewService
from hongxian.review.queries import SORTS
from hongxian.store.models import StoredFinding
from tests.review.factory import make_finding

SEVERITIES = ("low", "medium", "high", "critical")


def _seed(service: ReviewService, n: int = 90) -> list:
    findings = []
    for i in range(n):
        f = make_finding(
            i,
            severity=SEVERITIES[i % 4 if i % 7 else 2],
            score=(0.5, 0.7, 0.9)[i % 3],  # many ties
            person=f"P{i % 4:03d}",
            check=("gift.red-packet", "gambling.mine-sweeper", "gift.festival")[i % 3],
            category="integrity.gambling" if i % 3 == 1 else "integrity.gift_money",
        )
        if i % 5 == 0:
            f = f.model_copy(update={"window": None})
        findings.append(f)
    service.record_run(findings, "rb", {}, {})
    return findings


def _offset_reference(
    service: ReviewService, flt_cond: list, sort: str, page: int, per_page: int
) -> list[str]:
    """The page as one plain ``ORDER BY … LIMIT … OFFSET`` query (the pre-index implementation)."""
    f = StoredFinding
    stmt = (
        select(f.finding_id)
        .where(
            f.case_id == service.case_id,
            *flt_cond,
            or_(f.suppressed_until.is_(None), f.suppressed_until <= service.now()),
        )
        .order_by(*SORTS[sort])
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    with service.store.read() as s:
        return list(s.scalars(stmt))


@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_equal_offset_paging(service: ReviewService, users, sort: str) -> None:
    _seed(service)
    rev = users[REVIEWER]
    service.decide(rev, "f-000003", "确认", "属实", 1)
    service.suppress(rev, "gift.festival", "另案处理", days=3, subject_kind="person", subject_id="P002")
    for flt, cond in (
        (FindingFilter(), []),
        (FindingFilter(category="integrity.gift_money"), [StoredFinding.category == "integrity.gift_money"]),
        (FindingFilter(status="待审"), [StoredFinding.status == "pending"]),
    ):
        first = service.list_findings(rev, flt, sort=sort, per_page=7)
        seen: list[str] = []
        for page in range(1, first.pages + 2):  # one page past the end
            got = service.list_findings(rev, flt, sort=sort, page=page, per_page=7)
            assert got.total == first.total
            ids = [r.finding_id for r in got.items]
            assert ids == _offset_reference(service, cond, sort, page, 7), (sort, flt, page)
            seen += ids
        assert len(seen) == len(set(seen)) == first.total


def test_page_order_is_the_sort_order(service: ReviewService, users) -> None:
    findings = _seed(service)
    rev = users[REVIEWER]
    rows = [
        r
        for p in range(1, 10)
        for r in service.list_findings(rev, sort="severity", page=p, per_page=10).items
    ]
    assert len(rows) == len(findings)
    keys = [(SEVERITIES.index(r.severity), r.score) for r in rows]
    assert keys == sorted(keys, reverse=True)
    ties = [r.finding_id for r in rows if (r.severity, r.score) == (rows[0].severity, rows[0].score)]
    assert ties == sorted(ties, reverse=True)  # id descending within equal keys (ids grow with f-…)


def _brute_stats(service: ReviewService, user) -> tuple[int, int, Counter, Counter, Counter]:
    rows = [
        r
        for p in range(1, 5)
        for r in service.list_findings(
            user, FindingFilter(include_suppressed=True), page=p, per_page=50
        ).items
    ]
    now = service.now()
    shown = [r for r in rows if r.suppressed_until is None or r.suppressed_until <= now]
    return (
        len(rows),
        len(rows) - len(shown),
        Counter(r.status for r in shown),
        Counter(r.category for r in shown),
        Counter(r.severity for r in shown),
    )


def test_stats_after_decisions(service: ReviewService, users, clock) -> None:
    findings = _seed(service)
    rev = users[REVIEWER]

    def check() -> None:
        st = service.stats(rev)
        total, suppressed, by_status, by_category, by_severity = _brute_stats(service, rev)
        assert (st.total, st.suppressed) == (total, suppressed)
        assert (st.by_status, st.by_category, st.by_severity) == (by_status, by_category, by_severity)

    check()
    assert service.stats(rev).by_status == {"pending": 90}
    service.decide(rev, "f-000001", "确认", "属实", 1)
    service.decide(rev, "f-000002", "排除", "误报", 1)
    service.decide(rev, "f-000004", "上报", "移送", 1)
    service.suppress(rev, "gift.festival", "另案处理", days=3)
    st = service.stats(rev)
    assert st.by_status["confirmed"] == 1 and st.by_status["escalated"] == 1 and st.suppressed == 30
    check()
    # re-screening: f-000001 gets new evidence → back to 待审; f-000005 changes severity
    changed = [
        make_finding(
            1,
            evidence=["pay-1-0", "pay-1-9"],
            person="P001",
            score=0.7,
            category="integrity.gambling",
            check="gambling.mine-sweeper",
            severity="medium",
        ),
        make_finding(
            5,
            severity="critical",
            person="P001",
            check="gambling.mine-sweeper",
            category="integrity.gambling",
            score=0.9,
        ),
    ]
    service.record_run(changed, "rb-2", {}, {})
    st = service.stats(rev)
    assert "confirmed" not in st.by_status and st.runs == 2 and st.last_rulebook_version == "rb-2"
    check()
    clock.advance(days=3, seconds=1)  # the suppression expires
    assert service.stats(rev).suppressed == 0
    check()
    assert service.stats(rev).total == len(findings)


def test_counters_follow_any_write(service: ReviewService, users) -> None:
    """The counters are kept by database triggers: plain SQL writes are counted too."""
    _seed(service)
    rev = users[REVIEWER]
    with service.store.engine.begin() as conn:
        conn.execute(text("UPDATE findings SET status = 'confirmed' WHERE id % 3 = 0"))
        conn.execute(
            text(
                "UPDATE findings SET category = 'network.association', severity_rank = 4, "
                "severity = 'critical' WHERE id % 7 = 1"
            )
        )
        conn.execute(text("UPDATE findings SET last_seen_run = last_seen_run WHERE id % 2 = 0"))  # no change
    total, suppressed, by_status, by_category, by_severity = _brute_stats(service, rev)
    st = service.stats(rev)
    assert (st.total, st.by_status, st.by_category, st.by_severity) == (
        total,
        by_status,
        by_category,
        by_severity,
    )
    for flt in (
        FindingFilter(status="确认"),
        FindingFilter(category="network.association", severity="critical"),
        FindingFilter(category=["integrity.gambling", "network.association"], status=["pending"]),
    ):
        assert service.list_findings(rev, flt).total == len(service.report_findings(rev, filters=flt))
    with service.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM findings WHERE id % 5 = 0"))
    assert service.stats(rev).total == _brute_stats(service, rev)[0]
