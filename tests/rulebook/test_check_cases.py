"""Every case of every check in the real rulebook: fire ⇔ ≥1 finding with that check_id (semgrep-style)."""

from __future__ import annotations

import pytest

from hongxian.detect import default_registry
from hongxian.detect.cases import case_dataset, run_case
from hongxian.rulebook.loader import RulebookError, load_rulebook
from hongxian.schema import CATEGORIES, SEVERITIES


def _load():
    registry = default_registry()
    try:
        return registry, load_rulebook(registry.params_models()), None
    except RulebookError as exc:
        return registry, None, exc


REGISTRY, BOOK, LOAD_ERROR = _load()
CASES = [(check, case) for check in (BOOK.checks if BOOK else []) for case in check.cases]


def test_rulebook_loads():
    assert LOAD_ERROR is None, str(LOAD_ERROR)


@pytest.mark.parametrize(("check", "case"), CASES, ids=[f"{c.id}::{k.name}" for c, k in CASES])
def test_check_case(check, case):
    findings = run_case(check, case, REGISTRY, BOOK)
    if case.expect == "fire":
        detector = REGISTRY.get(check.detector)
        missing = detector.missing_data(case_dataset(case))
        assert findings, (
            f"应触发但未触发（检测器 {check.detector}"
            f"{'，缺少数据表 ' + '、'.join(missing) if missing else ''}）"
        )
        if case.expect_severity:
            worst = max((f.severity for f in findings), key=SEVERITIES.index)
            assert worst == case.expect_severity, f"最高严重程度 {worst}，样例期望 {case.expect_severity}"
        for f in findings:
            assert f.rule_refs and all(r.article for r in f.rule_refs)
    else:
        assert not findings, f"不应触发但触发了：{[f.explanation for f in findings]}"


def test_every_check_has_enough_cases():
    for check in BOOK.checks if BOOK else []:
        fire = sum(c.expect == "fire" for c in check.cases)
        assert fire >= 2 and len(check.cases) - fire >= 2, check.id


def test_every_category_has_a_check():
    """Fails until every category has at least one enabled check (the detector developers add them)."""
    assert BOOK is not None, str(LOAD_ERROR)
    covered = {c.category for c in BOOK.checks if c.enabled}
    missing = [c for c in CATEGORIES if c not in covered]
    assert not missing, f"以下类别还没有检查项：{missing}"
