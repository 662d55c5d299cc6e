"""Features of the learned scorer: the character map, n-grams within one text, lexical classes, frames."""

from __future__ import annotations

import numpy as np
import pytest

from hongxian.detect.text.learned.charmap import char_maps, mapped_string
from hongxian.detect.text.learned.features import Featurizer, encode
from hongxian.detect.text.learned.lexicon import load_lexicon


def fz_encode(texts: list[str]):
    return encode(texts, char_maps())


def test_map_ignores_spacing_width_script_case_and_digit_values() -> None:
    assert mapped_string("投 我 一 票") == mapped_string("投我一票") == "投我一票"
    assert mapped_string("紅包") == "红包"
    assert mapped_string("ＰＫ１０") == mapped_string("pk10") == "pk00"
    assert mapped_string("扫-雷") == "扫雷"


def test_encoding_keeps_positions_in_the_original_text() -> None:
    enc = fz_encode(["红 包 来了", "", "好"])
    assert enc.count == 3
    assert enc.starts.tolist() == [0, 4, 4, 5]
    assert enc.pos[:4].tolist() == [0, 2, 4, 5]  # 红 包 来 了 without the spaces
    assert enc.msg.tolist() == [0, 0, 0, 0, 2]


def test_ngrams_never_span_two_texts() -> None:
    fz = Featurizer(16)
    enc = fz_encode(["ab", "cd"])
    two = next(g for g in fz.grams(enc) if g.order == 2)
    assert two.msg.tolist() == [0, 1]  # "ab" and "cd", not "bc"
    alone = next(g for g in fz.grams(fz_encode(["ab"])) if g.order == 2)
    assert two.bucket[0] == alone.bucket[0]


def test_lexicon_classes_and_frames() -> None:
    fz = Featurizer(16)
    lex = fz.lexicon
    names = lex.names
    enc = fz_encode(["老周拟任城关镇书记，还没公示", "今天天气不错", "一斤六十包邮，要的私我"])
    text, cls, start, end = fz.lexicon_hits(enc)
    found = {(int(t), names[int(c)]) for t, c in zip(text, cls, strict=True)}
    assert (0, "personnel_move") in found and (0, "not_public") in found
    assert not any(t == 1 for t, _ in found)
    assert (2, "price_unit") in found and (2, "sell_act") in found
    rows, cols = fz.lexical_features(enc)
    frame = fz.n_classes + lex.frames.index((names.index("personnel_move"), names.index("not_public")))
    assert frame in cols[rows == 0].tolist()
    # spans point at the words in the mapped text of their own text
    i = next(k for k in range(len(text)) if text[k] == 0 and names[cls[k]] == "personnel_move")
    assert (int(start[i]), int(end[i])) == (2, 4)  # 拟任


def test_a_word_inside_a_word_that_cancels_its_class_does_not_count() -> None:
    """公示 is a public marker, but not inside 未公示 (not yet public); 公示期 next to it still counts."""
    fz = Featurizer(12)
    names = fz.lexicon.names
    enc = fz_encode(["老周下月去水务局。未公示。", "还没公示，公示期下周开始", "任前公示已经挂网"])
    text, cls, _, _ = fz.lexicon_hits(enc)
    found = {(int(t), names[int(c)]) for t, c in zip(text, cls, strict=True)}
    assert (0, "not_public") in found and (0, "public_marker") not in found
    assert (1, "not_public") in found and (1, "public_marker") in found
    assert (2, "public_marker") in found


def test_a_class_cancelled_by_an_unknown_class_fails_to_load(tmp_path) -> None:
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(
        "classes:\n  a:\n    zh: 甲\n    words: [x]\n    not_inside: [nope]\nframes: []\n", "utf-8"
    )
    with pytest.raises(ValueError, match="nope"):
        load_lexicon(bad)


def test_feature_rows_are_length_normalised() -> None:
    fz = Featurizer(16)
    x = fz.sparse_rows(["你好你好", "今天开会"], lex_scale=0.5)
    ngram_block = x[:, : fz.n_buckets].toarray()
    # every text's n-gram counts are divided by sqrt(number of n-grams): 4 + 3 + 2 = 9 here
    assert np.isclose(ngram_block[1].sum(), 9 / 3)
    assert x.shape == (2, fz.n_features)


def test_frames_refer_to_known_classes() -> None:
    lex = load_lexicon()
    assert lex.frames and all(a < b < len(lex) for a, b in lex.frames)
    assert all(c.words for c in lex.classes)


ODD_TEXTS = [
    "",
    "好",
    "红包",
    "   ",
    "😀 扫雷 😀",
    "老周下个月去城关当书记，还没公示",
    "身份证 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 0 2",
    "ＰＫ１０ 十包五雷\n\n投我一票",
    "\ud800 lone surrogate",
]


def test_gram_matrix_sums_exactly_the_ngrams_training_sees() -> None:
    """The scoring path (one CSR row per text, spare column past a text's end) equals the training
    features row for row: the model is scored on what it was trained on."""
    fz = Featurizer(bits=12)
    enc = fz.encode(ODD_TEXTS * 3)
    grams = fz.grams(enc)
    expected = np.zeros((enc.count, fz.n_buckets + 1))
    for g in grams:
        np.add.at(expected, (g.msg, g.bucket), 1.0)
    got = fz.gram_matrix(enc).toarray()
    assert np.array_equal(got[:, : fz.n_buckets], expected[:, : fz.n_buckets])
    assert np.allclose(fz.inverse_norms(enc), fz.norms(enc, grams))


def test_compiled_kernel_is_built_and_sums_what_the_gram_matrix_sums() -> None:
    """The compiled inner loop gives the scores of the reference path (CSR product × inverse norms) on
    odd texts (empty, lone surrogate, spaced digits, line breaks) and on random mixed text."""
    from hongxian.detect.text.learned.kernel import KERNEL

    assert KERNEL is not None, "the C kernel was not built: reinstall with a C compiler"
    rng = np.random.default_rng(7)
    alphabet = list("的了是我你他在有一个不人这中大为上们来到时说要就出会可也年得着子以") + list(
        "0123 ，。\n"
    )
    randoms = ["".join(rng.choice(alphabet, size=int(k))) for k in rng.integers(0, 80, size=300)]
    for bits, orders in ((12, (1, 2, 3)), (10, (2, 4)), (18, (1, 2, 3))):
        fz = Featurizer(bits=bits, orders=orders)
        enc = fz.encode(ODD_TEXTS + randoms)
        weights = rng.normal(size=(fz.n_buckets, 5)).astype(np.float32)
        compiled = fz.gram_scores(enc, weights)
        reference = fz.gram_scores(enc, weights, compiled=False)
        assert compiled.shape == (enc.count, 5)
        assert np.allclose(compiled, reference, rtol=1e-5, atol=1e-5)


def test_compiled_kernel_refuses_buffers_that_do_not_fit() -> None:
    from hongxian.detect.text.learned.kernel import KERNEL as kernel

    assert kernel is not None
    codes = np.arange(10, dtype=np.uint64)
    weights = np.zeros((1 << 8, 5), dtype=np.float32)
    out = np.zeros((2, 5))
    with pytest.raises(ValueError, match="starts"):
        kernel.gram_logits(codes, np.array([0, 12, 10], dtype=np.int64), weights, 8, (1, 2), 5, out)
    with pytest.raises(ValueError, match="weights"):
        kernel.gram_logits(codes, np.array([0, 5, 10], dtype=np.int64), weights, 9, (1, 2), 5, out)
    with pytest.raises(ValueError, match="out"):
        kernel.gram_logits(codes, np.array([0, 10], dtype=np.int64), weights, 8, (1, 2), 5, out)
    with pytest.raises(ValueError, match="orders"):
        kernel.gram_logits(codes, np.array([0, 5, 10], dtype=np.int64), weights, 8, (0,), 5, out)
    kernel.gram_logits(codes, np.array([0, 5, 10], dtype=np.int64), weights, 8, (1, 2), 5, out)
    assert not out.any()


def test_lexicon_hits_are_the_same_with_either_matcher() -> None:
    from hongxian.detect.text.learned.features import _map_word
    from hongxian.detect.text.learned.lexmatch import LexiconMatcher

    fz = Featurizer(bits=12)
    words = [_map_word(w, fz.maps) for c in fz.lexicon.classes for w in c.words]
    words = [w for w in words if w]
    enc = fz.encode(ODD_TEXTS + ["老周下个月去城关当书记还没公示拉个票十包五雷"] * 2)
    blob = np.insert(enc.codes, enc.starts[1:-1], np.uint64(1))
    fast = LexiconMatcher(words, backend="hyperscan")
    plain = LexiconMatcher(words, backend="ahocorasick")
    a, b = fast.find(blob), plain.find(blob)
    assert len(a[0]) > 5
    assert sorted(zip(*[x.tolist() for x in a], strict=True)) == sorted(
        zip(*[x.tolist() for x in b], strict=True)
    )


def test_scores_and_explanations_of_a_batch_equal_those_of_each_text() -> None:
    """The scoring product (float32) gives the training features' log-odds, and the batch explanation
    the suite uses gives, text by text, what `explain` gives for that text alone."""
    from hongxian.detect.text.learned.model import CATEGORIES, default_model

    model = default_model()
    texts = ODD_TEXTS + ["老周下个月去城关当书记，还没公示", "他身份证号110101199003074514", "三缺一，五块底"]
    x = model.featurizer.sparse_rows(texts, model.lex_scale)
    weights = np.vstack((model.weights.astype(np.float64), model.lexical.astype(np.float64)))
    expected = x @ weights + model.bias
    assert np.allclose(model.logits(texts), expected, atol=1e-5)
    cats = [CATEGORIES[i % len(CATEGORIES)] for i in range(len(texts))]
    batch = model.explain_many(texts, cats)
    alone = [model.explain(t, c) for t, c in zip(texts, cats, strict=True)]
    assert batch == alone
    assert any(e.contributions for e in batch)


def test_lexicon_hits_are_the_same_through_the_kernel_and_the_blob() -> None:
    """Words found over the kernel's UTF-8 blob are those found over the code-point blob with separators
    (empty texts, texts ending in a word's first half, lone surrogates included)."""
    from hongxian.detect.text.learned.lexmatch import LexiconMatcher

    words = ["红包", "包五", "五雷", "投我", "我一票", "票", "\ufffd"]
    texts = ["", "红", "包五雷", "投我一票", "", "票投", "我一票\ud800", "红包", "红"] * 5
    fz = Featurizer(bits=10)
    enc = fz.encode(texts)
    matcher = LexiconMatcher(words, "hyperscan")
    fast = matcher.find_in_texts(enc.codes, enc.starts)
    slow = matcher.find_in_texts(enc.codes, enc.starts, compiled=False)
    order_fast, order_slow = np.lexsort(fast[::-1]), np.lexsort(slow[::-1])
    assert len(fast[0]) > 20
    for a, b in zip(fast, slow, strict=True):
        assert np.array_equal(a[order_fast], b[order_slow])


def test_compiled_character_map_gives_the_numpy_arrays() -> None:
    """The kernel's one-pass character map returns the arrays of the numpy gathers (dropped separators,
    full-width digits, traditional characters, lone surrogates, empty texts)."""
    maps = char_maps()
    texts = ODD_TEXTS + ["", "１３９ ０ 臺灣\u200b\t投 我", "\ud800", "ＡＢｃ 12 X"] * 3
    fast, slow = encode(texts, maps), encode(texts, maps, compiled=False)
    for name in ("codes", "msg", "pos", "starts", "digits"):
        a, b = getattr(fast, name), getattr(slow, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name


def test_number_frames_tell_whose_number_it_is() -> None:
    """A valid number beside a number-frame class gives the class × kind column: one's own card beside
    本人信息, someone else's ID beside 具名他人; no column without the number."""
    fz = Featurizer(bits=10)
    lex, kinds = fz.lexicon, ("id18", "id15", "mobile", "card", "invalid")
    col = {
        (lex[c].name, kind): fz.number_frame_col + j * len(kinds) + kinds.index(kind)
        for j, c in enumerate(lex.number_frames)
        for kind in kinds
    }
    texts = ["报销用我的工行卡号6222021572430122652", "老张身份证230203196804037774", "我的卡号还没办"]
    rows, cols = fz.lexical_features(fz.encode(texts))
    found = {(int(r), int(c)) for r, c in zip(rows, cols, strict=True)}
    assert (0, col[("own_marker", "card")]) in found
    assert (1, col[("person_ref", "id18")]) in found and (1, col[("id_word", "id18")]) in found
    assert (1, col[("own_marker", "id18")]) not in found
    assert not {c for r, c in found if r == 2 and c >= fz.number_frame_col}
    assert fz.n_lexical == fz.number_frame_col + len(lex.number_frames) * len(kinds)
