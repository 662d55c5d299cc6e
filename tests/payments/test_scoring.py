"""Tazama-style bands: one band per feature, per-unit weights, gates and thresholds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hongxian.detect.payments.scoring import ScoredParams, score

PARAMS = ScoredParams.model_validate(
    {
        "watch": 60,
        "alert": 100,
        "bands": [
            {"feature": "n", "ge": 5, "lt": 20, "weight": 40, "reason": "{value} 人"},
            {"feature": "n", "ge": 20, "weight": 80, "reason": "{value} 人（≥20）"},
            {"feature": "sum", "ge": 3000, "weight": 30, "reason": "合计 {value} 元，{n} 人"},
            {"feature": "returned", "ge": 1, "per_unit": True, "weight": -30, "reason": "{value} 笔退还"},
        ],
    }
)


def test_highest_matching_band_per_feature_and_reasons():
    card = score({"n": 25, "sum": 6800.0, "returned": 0}, PARAMS)
    assert card.total == 110 and card.level == "alert"
    assert [h.weight for h in card.hits] == [80, 30]
    assert card.reasons() == "25 人（≥20）（+80）；合计 6,800 元，25 人（+30）"
    assert card.score01(PARAMS) == 0.55


def test_per_unit_mitigation_and_watch_level():
    card = score({"n": 25, "sum": 6800.0, "returned": 2}, PARAMS)
    assert card.total == 50 and card.level == "none"
    assert score({"n": 5, "sum": 3000, "returned": 0}, PARAMS).level == "watch"


def test_unknown_feature_matches_no_band():
    card = score({"n": 6, "sum": None}, PARAMS)
    assert card.total == 40 and [h.feature for h in card.hits] == ["n"]


def test_gate_requires_one_feature():
    gated = PARAMS.model_copy(update={"gate": ["settle"]})
    assert score({"n": 30, "settle": 0}, gated).level == "none"
    assert score({"n": 30, "settle": 1}, gated).level == "watch"


def test_thresholds_are_validated():
    with pytest.raises(ValidationError, match="watch"):
        ScoredParams.model_validate({"watch": 200, "alert": 100, "bands": PARAMS.model_dump()["bands"]})
    with pytest.raises(ValidationError):
        ScoredParams.model_validate({"watch": 1, "alert": 2, "bands": [], "extra": 1})
