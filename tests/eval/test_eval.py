"""Quality targets on the labelled evaluation set (tests/eval/messages_*.yaml, ≥500 messages)."""

from __future__ import annotations

import pytest

from tests.eval.evaluate import CATS, build_checker, evaluate, load_items


@pytest.fixture(scope="module")
def scores():
    items = load_items()
    assert len(items) >= 500
    assert {c for i in items for c in i.expected} == set(CATS)
    return evaluate(build_checker(), items)


@pytest.mark.parametrize("category", ["secrecy", "privacy"])
def test_precision_targets(scores, category):
    s = scores[category]
    assert s.precision >= 0.95, s.errors


@pytest.mark.parametrize("category", CATS)
def test_recall_on_labelled_positives(scores, category):
    s = scores[category]
    assert s.recall >= 0.95, s.errors


def test_hard_negatives_mostly_quiet(scores):
    fp = sum(s.fp for s in scores.values())
    assert fp <= 5, [e for s in scores.values() for e in s.errors if e.startswith("误报")]
