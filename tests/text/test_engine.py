"""The one-automaton engine: both backends agree, offsets are right, context-only words stay quiet."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hongxian.detect.text.engine import TextEngine, case_variants

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from corpus import generate  # noqa: E402

KEYWORDS = {
    "红包": [("g", 0, 0)],
    "讨论稿": [("g", 0, 1)],
    "PK10": [("g", 0, 2)],
    "订单号": [("c", 0, 0)],
    "秘密★": [("g", 1, 0)],
    "小区": [("g", 1, 1)],
    "会议室": [("c", 1, 0)],
}


def _flat(scans):
    return sorted((s.index, key, a, b) for s in scans for key, a, b in s.hits)


def test_case_variants():
    assert case_variants("PK10") == ["PK10", "Pk10", "pK10", "pk10"]
    assert case_variants("红包") == ["红包"]


@pytest.mark.parametrize("backend", ["hyperscan", "ahocorasick"])
def test_offsets_in_original_text(backend):
    eng = TextEngine(KEYWORDS, backend=backend)
    texts = ["多行\n消息里有紅 包", "ｐｋ１０开奖", "附件：讨论稿.docx", "没有关键词", "订单号123"]
    scans = {s.index: s for s in eng.scan(texts)}
    assert set(scans) == {0, 1, 2}  # 订单号 alone is a context word: no evaluation
    s = scans[0]
    ((key, a, b),) = s.hits
    assert key == ("g", 0, 0)
    oa, ob = s.norm.span(a, b)
    assert texts[0][oa:ob] == "紅 包"
    assert scans[1].hits[0][0] == ("g", 0, 2)


def test_backends_agree_on_a_realistic_corpus():
    texts = generate(3000, seed=3, risky_share=0.2)
    hs = TextEngine(KEYWORDS, backend="hyperscan")
    ac = TextEngine(KEYWORDS, backend="ahocorasick")
    assert hs.backend == "hyperscan" and ac.backend == "ahocorasick-rs"
    a, b = hs.scan(texts), ac.scan(texts)
    assert _flat(a) == _flat(b) and _flat(a)
    assert [s.candidates for s in a] == [s.candidates for s in b]


def test_digit_candidates_are_located():
    eng = TextEngine(KEYWORDS)
    (scan,) = eng.scan(["会议室", "电话：139 1234 0123 谢谢"])
    assert scan.index == 1
    ((a, b),) = scan.candidates
    assert scan.norm.text[a:b] == "139 1234 0123"


@pytest.mark.parametrize("backend", ["hyperscan", "ahocorasick"])
def test_engine_is_usable_from_several_threads(backend):
    from concurrent.futures import ThreadPoolExecutor

    eng = TextEngine(KEYWORDS, backend=backend)
    texts = generate(400, seed=5, risky_share=0.3)
    expected = _flat(eng.scan(texts))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: _flat(eng.scan(texts)), range(8)))
    assert all(r == expected for r in results)
