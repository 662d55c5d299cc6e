"""The Arrow pre-filter only removes work: with it and without it the suite finds exactly the same."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from hongxian.detect.text.batches import scan_messages
from hongxian.detect.text.engine import TextEngine
from hongxian.detect.text.env import TextEnv
from hongxian.detect.text.prefilter import Prefilter
from hongxian.detect.text.specs import SPECS
from hongxian.detect.text.suite import CompiledSuite
from hongxian.normalize import normalize, re2_flag_pattern, tables

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_text import messages_table  # noqa: E402
from corpus import generate  # noqa: E402

EVAL = Path(__file__).resolve().parents[1] / "eval"

TRICKY = [
    "紅 包",
    "红\u200b包",
    "红-包已发",
    "ｐｋ１０开奖",
    "PK10",
    "pk10",
    "１３９１２３４５６７８",
    "电话139 1234 5678",
    "+86 139-1234-0123",
    "身份证11010519491231002X",
    "卡号6222 0222 4538 3236 402",
    "秘密 ★ 1年",
    "𠀀𠀁 讨论稿",
    "多行\n讨论稿\n第三行",
    "",
    "😂😂",
    "❤️",
    "㊙密文件",
    "⼈民",
    "接龙报名",
    "我们小区停水了",
    "会议室电话0301-75075291",
    "扫雷",
    "扫\t雷",
    "扫\u3000雷",
    "扫 雷\x01",
    "ａｂｃ",
    "讨论一下",
]


def _eval_texts() -> list[str]:
    out: list[str] = []
    for f in sorted(EVAL.glob("messages_*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for key in ("positive", "negative"):
            out.extend(x if isinstance(x, str) else x["text"] for x in doc.get(key) or [])
    return out


def _signature(hits):
    return sorted(
        (
            h.rule,
            h.meta.message_id,
            h.field,
            round(h.verdict.score, 9),
            h.verdict.severity,
            tuple(h.verdict.labels),
            tuple(h.verdict.spans),
        )
        for h in hits
    )


@pytest.fixture(scope="module")
def bound(rulebook):
    return [b for b in rulebook.bound_checks() if b.check.detector in SPECS]


@pytest.mark.parametrize("backend", ["hyperscan", "ahocorasick"])
def test_prefilter_changes_no_hit(bound, backend):
    texts = TRICKY + _eval_texts() + generate(20000, seed=11, risky_share=0.25)
    table = messages_table(texts)
    exact = CompiledSuite.build(bound, SPECS, prefilter_backend=None)
    fast = CompiledSuite.build(bound, SPECS, prefilter_backend=backend)
    assert (
        exact.prefilter is None
        and fast.prefilter.matcher.name
        == {"hyperscan": "hyperscan", "ahocorasick": "ahocorasick-rs"}[backend]
    )
    want = scan_messages(exact, table, TextEnv(), batch_size=4096)
    got = scan_messages(fast, table, TextEnv(), batch_size=4096)
    assert len(want) > 1000
    assert _signature(got) == _signature(want)


def test_flag_pattern_covers_every_text_normalisation_changes():
    tab = tables()
    texts = TRICKY + _eval_texts() + generate(5000, seed=2)
    flagged = pa.compute.match_substring_regex(pa.array(texts), re2_flag_pattern(tab)).to_pylist()
    for text, flag in zip(texts, flagged, strict=True):
        norm = normalize(text, tab)
        if norm.text != text or norm.src is not None:
            assert flag, text
    assert not all(flagged)


@pytest.mark.parametrize("large", [False, True])
def test_rows_on_sliced_and_large_arrays(large):
    eng = TextEngine({"讨论稿": [("g", 0, 0)], "订单号": [("c", 0, 0)]}, digits=True)
    pre = Prefilter(["讨论稿"], eng.tables, digits=True, backend="hyperscan")
    values = [
        "前缀",
        "讨论",
        "稿子",
        "附件讨论稿",
        None,
        "订单号",
        "电话13912345678",
        "紅包",
        "討論稿",
        "好的",
    ]
    arr = pa.array(values, type=pa.large_string() if large else pa.string())
    # 讨论|稿 across two values is no match; context words alone are not; a traditional form counts
    # only when normalising it can reach a trigger (討論稿 → 讨论稿), not whenever a character changes.
    assert pre.rows(arr).tolist() == [3, 6, 8]
    assert pre.rows(arr.slice(2)).tolist() == [1, 4, 6]
    assert pre.rows(arr.slice(0, 0)).tolist() == []


def test_no_digit_flag_without_digit_rules():
    eng = TextEngine({"讨论稿": [("g", 0, 0)]}, digits=False)
    pre = Prefilter(["讨论稿"], eng.tables, digits=False, backend="ahocorasick")
    assert pre.rows(pa.array(["电话13912345678", "讨论稿"])).tolist() == [1]


def test_equal_texts_in_different_contexts_are_judged_per_message(bound):
    """De-duplication scans an equal text once, but each message keeps its own field, sender, chat
    and time: a batch of one message each (nothing to share) must give the same hits."""
    from datetime import date

    from hongxian.detect.text.env import Election, Person

    env = TextEnv(
        work_groups={"1@chatroom"},
        people={
            "p1": Person("p1", "王强", True, "某局", "科长", "13912345678"),
            "p2": Person("p2", "李四", False, None, None, None),
        },
        account_person={"wxid_1": "p1", "wxid_2": "p2"},
        elections=[
            Election(
                "e1",
                "村委会换届",
                "换届选举",
                date(2024, 5, 20),
                date(2024, 6, 10),
                None,
                frozenset(),
                frozenset(),
            )
        ],
    )
    texts = [t for t in TRICKY + _eval_texts() for _ in range(3)] + ["他电话13912345678"] * 6
    table = messages_table(texts)  # chats i % 500, senders wxid_{i % 3000}: the copies differ in both
    senders = table.column("sender_account").to_pylist()
    senders[-6:] = ["wxid_1", "wxid_2"] * 3  # the number is wxid_1's own registered phone
    table = table.set_column(
        table.schema.get_field_index("sender_account"),
        "sender_account",
        pa.array(senders, type=table.schema.field("sender_account").type),
    )
    suite = CompiledSuite.build(bound, SPECS)
    one_by_one = scan_messages(suite, table, env, batch_size=1)
    batched = scan_messages(suite, table, env, batch_size=4096)
    assert len(batched) > 500
    assert _signature(batched) == _signature(one_by_one)
    phone = {
        h.meta.sender for h in batched if h.meta.message_id in {f"m{len(texts) - k}" for k in range(1, 7)}
    }
    assert phone == {
        "wxid_2"
    }  # the official's own number is not "other people's" data; the same text from another is
