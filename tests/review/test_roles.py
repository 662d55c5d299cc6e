"""Role × action matrix at the service level: every role tries every action."""

from __future__ import annotations

import pytest

from hongxian.review import (
    ADMIN,
    INVESTIGATOR,
    READONLY,
    REVIEWER,
    ROLE_ZH,
    FindingFilter,
    PermissionDenied,
    ReviewInputError,
    ReviewService,
    can,
    parse_role,
)
from tests.review.factory import make_finding

ALL = {ADMIN, REVIEWER, INVESTIGATOR, READONLY}
EXPECTED: dict[str, set[str]] = {
    "list_findings": {REVIEWER, INVESTIGATOR},
    "get_finding": {REVIEWER, INVESTIGATOR},
    "decide": {REVIEWER, INVESTIGATOR},
    "reveal": {INVESTIGATOR},
    "suppress": {REVIEWER, INVESTIGATOR},
    "audit_entries": {ADMIN, INVESTIGATOR},
    "report_findings": {READONLY, REVIEWER, INVESTIGATOR},
    "log_export": {READONLY, REVIEWER, INVESTIGATOR},
    "stats": {READONLY, REVIEWER, INVESTIGATOR},
    "add_user": {ADMIN},
    "list_users": {ADMIN},
    "set_user_disabled": {ADMIN},
}


def _calls(service: ReviewService, n: int):
    fid = f"f-{n:06d}"
    return {
        "list_findings": lambda u: service.list_findings(u, FindingFilter()),
        "get_finding": lambda u: service.get_finding(u, fid),
        "decide": lambda u: service.decide(u, fid, "确认", "属实", 1),
        "reveal": lambda u: service.reveal(u, fid, "核实身份"),
        "suppress": lambda u: service.suppress(
            u, "gift.red-packet", "测试", days=1, subject_id=f"nobody-{n}"
        ),
        "audit_entries": lambda u: service.audit_entries(u),
        "report_findings": lambda u: service.report_findings(u, person="P001"),
        "log_export": lambda u: service.log_export(u, "xlsx", "report.xlsx"),
        "stats": lambda u: service.stats(u),
        "add_user": lambda u: service.add_user(f"new-{n}", "只读", "new-pass-123", actor=u),
        "list_users": lambda u: service.list_users(u),
        "set_user_disabled": lambda u: service.set_user_disabled(u, "readonly-user", False),
    }


def test_permission_matrix(service: ReviewService, users) -> None:
    service.record_run([make_finding(i) for i in range(20)], "rb", {}, {})
    results = {}
    for n, role in enumerate(sorted(ALL)):
        for action, call in _calls(service, n).items():
            try:
                call(users[role])
                results[(action, role)] = True
            except PermissionDenied as exc:
                assert ROLE_ZH[role] in str(exc) and "无权" in str(exc)
                results[(action, role)] = False
    expected = {(a, r): r in allowed for a, allowed in EXPECTED.items() for r in ALL}
    assert results == expected


def test_denied_attempts_change_nothing(service: ReviewService, users) -> None:
    service.record_run([make_finding(1)], "rb", {}, {})
    before = service.verify_audit().rows
    for role in (ADMIN, READONLY):
        for call in (
            lambda u: service.get_finding(u, "f-000001"),
            lambda u: service.decide(u, "f-000001", "确认", "x", 1),
        ):
            with pytest.raises(PermissionDenied):
                call(users[role])
    assert service.verify_audit().rows == before
    assert service.get_finding(users[REVIEWER], "f-000001").status == "pending"


def test_role_names_and_can() -> None:
    assert [parse_role(x) for x in ("管理员", "审查员", "调查员", "只读", "reviewer")] == [
        ADMIN,
        REVIEWER,
        INVESTIGATOR,
        READONLY,
        REVIEWER,
    ]
    try:
        parse_role("组长")
    except ReviewInputError as exc:
        assert "管理员、审查员、调查员、只读" in str(exc)
    else:
        raise AssertionError("unknown role accepted")
    assert not can(None, "decide")
