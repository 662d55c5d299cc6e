"""The learned scorer inside the text suite: learned hits, vetoes of rule hits, de-duplication."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hongxian.detect import default_registry
from hongxian.detect.text import TextChecker
from hongxian.rulebook.loader import load_rulebook
from tests.learned.tinymodel import tiny_model

WHEN = datetime(2025, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
GAMBLING = "integrity.gambling"


@pytest.fixture(scope="module")
def book():
    return load_rulebook(default_registry().params_models())


def _bound(book, *ids: str):
    return [b for b in book.bound_checks() if b.check.id in ids]


def _fire_case(book, check_id: str) -> str:
    return next(c.text for c in book.check(check_id).cases if c.expect == "fire" and c.text)


def test_learned_check_fires_without_rule_words_and_shows_its_spans(book) -> None:
    model = tiny_model(ngrams={"押一千": {GAMBLING: 60.0}})  # n-gram sums are divided by sqrt(#n-grams)
    checker = TextChecker(_bound(book, "gambling.learned"), model=model)
    text = "今晚老地方见，押 一 千，别迟到"
    hits = checker.check(text, WHEN)
    assert [h.bound.check.id for h in hits] == ["gambling.learned"]
    hit = hits[0]
    assert hit.verdict.score >= 0.8
    assert any(text[s:e].replace(" ", "") == "押一千" for s, e in hit.spans)
    assert "文本模型" in (hit.verdict.note or "") and "阈值 0.80" in (hit.verdict.note or "")


def test_below_threshold_nothing(book) -> None:
    checker = TextChecker(_bound(book, "gambling.learned"), model=tiny_model())
    assert checker.check("今晚老地方见，押一千，别迟到", WHEN) == []


def test_rule_hit_is_kept_and_learned_hit_dropped_when_the_model_agrees(book) -> None:
    text = _fire_case(book, "gambling.red-packet-text")
    model = tiny_model(bias=6.0)  # everything looks like gambling to this model
    checker = TextChecker(_bound(book, "gambling.red-packet-text", "gambling.learned"), model=model)
    ids = [h.bound.check.id for h in checker.check(text, WHEN)]
    assert ids == ["gambling.red-packet-text"]


def test_rule_hit_is_vetoed_when_the_model_scores_it_below_the_veto(book) -> None:
    text = _fire_case(book, "gambling.red-packet-text")
    rules_only = TextChecker(_bound(book, "gambling.red-packet-text"), model=tiny_model())
    assert [h.bound.check.id for h in rules_only.check(text, WHEN)] == ["gambling.red-packet-text"]
    vetoing = TextChecker(_bound(book, "gambling.red-packet-text", "gambling.learned"), model=tiny_model())
    assert vetoing.check(text, WHEN) == []


def test_veto_can_be_switched_off_per_check(book) -> None:
    text = _fire_case(book, "gambling.red-packet-text")
    bound = _bound(book, "gambling.red-packet-text", "gambling.learned")
    bound = [
        b
        if b.check.id != "gambling.learned"
        else type(b)(b.check, b.params.model_copy(update={"veto": False}))
        for b in bound
    ]
    checker = TextChecker(bound, model=tiny_model())
    assert [h.bound.check.id for h in checker.check(text, WHEN)] == ["gambling.red-packet-text"]


def test_other_categories_are_not_vetoed(book) -> None:
    text = _fire_case(book, "secrecy.classified-mark")
    checker = TextChecker(_bound(book, "secrecy.classified-mark", "gambling.learned"), model=tiny_model())
    assert [h.bound.check.id for h in checker.check(text, WHEN)] == ["secrecy.classified-mark"]


def test_a_rule_hit_resting_on_case_context_is_not_vetoed(book) -> None:
    """Canvassing inside an election window from events.csv rests on a fact the model never sees: the
    model's low score does not drop it; the same rule hit without the window is vetoed."""
    import numpy as np

    from hongxian.detect.text.learned_layer import LearnedLayer
    from hongxian.detect.text.spec import Verdict
    from hongxian.detect.text.specs import SPECS

    bound = _bound(book, "vote-buying.canvassing-text", "vote-buying.learned")
    rules = [(b, SPECS[b.check.detector]) for b in bound]
    layer = LearnedLayer.build(rules, tiny_model())
    assert layer is not None
    rule = next(i for i, (b, _) in enumerate(rules) if b.check.id == "vote-buying.canvassing-text")
    probs = np.zeros(5)
    plain = Verdict(0.9, "high", ["多多支持"], [(0, 4)])
    in_window = Verdict(0.9, "critical", ["多多支持"], [(0, 4)], in_context=True)
    assert layer.resolve([(rule, plain)], probs, "text") == []
    assert layer.resolve([(rule, in_window)], probs, "text") == [0]
