"""A small, real `TextModel` whose weights the tests set by hand (no training): an n-gram or a lexical
class of the shipped lexicon pushes one category up or down."""

from __future__ import annotations

import numpy as np

from hongxian.detect.text.learned.charmap import char_maps
from hongxian.detect.text.learned.features import Featurizer, encode
from hongxian.detect.text.learned.model import CATEGORIES, Calibration, TextModel


def fz_encode(texts: list[str]):
    return encode(texts, char_maps())


BITS = 12


def tiny_model(
    ngrams: dict[str, dict[str, float]] | None = None,
    classes: dict[str, dict[str, float]] | None = None,
    bias: float = -4.0,
    threshold: float = 0.8,
    veto: float = 0.2,
) -> TextModel:
    """`ngrams`: {"赌钱": {"integrity.gambling": 9.0}} (the weight goes to every n-gram of that text's
    mapped form of the longest order); `classes`: {"game": {...}} by lexicon class name."""
    fz = Featurizer(BITS)
    weights = np.zeros((fz.n_buckets, len(CATEGORIES)), dtype=np.float32)
    for text, by_cat in (ngrams or {}).items():
        grams = fz.grams(fz_encode([text]))
        longest = max(grams, key=lambda g: g.order)
        for cat, w in by_cat.items():
            weights[longest.bucket, CATEGORIES.index(cat)] += w
    lexical = np.zeros((fz.n_lexical, len(CATEGORIES)), dtype=np.float32)
    names = fz.lexicon.names
    for name, by_cat in (classes or {}).items():
        for cat, w in by_cat.items():
            lexical[names.index(name), CATEGORIES.index(cat)] = w
    cal = Calibration(dict.fromkeys(CATEGORIES, threshold), dict.fromkeys(CATEGORIES, veto))
    return TextModel(fz, 1.0, weights, lexical, np.full(len(CATEGORIES), bias), cal, {"version": "test"})
