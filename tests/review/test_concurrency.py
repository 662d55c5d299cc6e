"""Two reviewers decide the same finding at the same moment: one wins, the other is told, nothing is lost."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from hongxian.review import REVIEWER, ConflictError, ReviewService, open_store
from hongxian.settings import Settings
from hongxian.store.models import DecisionRow
from tests.review.factory import make_finding
from tests.store.backends import FAST_HASHER


def _decide_concurrently(
    case_dir: Path, settings: Settings, users: list, choices: list[tuple[str, str]]
) -> list:
    services = [ReviewService(open_store(case_dir, settings), settings, hasher=FAST_HASHER) for _ in users]
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)

    def work(i: int) -> None:
        version = services[i].get_finding(users[i], "f-000001").version
        barrier.wait()
        try:
            results[i] = services[i].decide(users[i], "f-000001", choices[i][0], choices[i][1], version)
        except ConflictError as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for s in services:
        s.store.dispose()
    return results


def test_one_wins_the_other_gets_a_conflict(
    case_dir: Path, settings: Settings, service: ReviewService, users
) -> None:
    service.record_run([make_finding(1)], "rb", {}, {})
    second = service.add_user("王审查", "审查员", "review-pass-2")
    results = _decide_concurrently(
        case_dir, settings, [users[REVIEWER], second], [("确认", "证据充分"), ("排除", "系正常往来")]
    )
    wins = [r for r in results if not isinstance(r, ConflictError)]
    losses = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "已被他人处理" in str(losses[0]) and losses[0].current_version == 2
    detail = service.get_finding(users[REVIEWER], "f-000001")
    assert detail.version == 2 and detail.status == wins[0].status
    with service.store.read() as s:
        assert s.scalar(select(func.count()).select_from(DecisionRow)) == 1
    audit = [
        e for e in service.audit_entries(users["admin"], per_page=200).items if e.target == "finding:f-000001"
    ]
    kinds = sorted(e.action for e in audit if e.action.startswith("decide"))
    assert kinds == ["decide", "decide_conflict"]
    lost = next(e for e in audit if e.action == "decide_conflict")
    assert lost.detail["reason"] in ("证据充分", "系正常往来") and lost.detail["expected_version"] == 1
    assert service.verify_audit().ok
