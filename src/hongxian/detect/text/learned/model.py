"""The learned text scorer: a linear model over character n-grams and lexical-class frames.

`TextModel.score` gives, for a batch of texts, the probability of each category (secrecy, privacy,
commerce, gambling, vote) in a handful of numpy passes, so every message of a case is scored (not
only those with a trigger word). `TextModel.explain` says why for one text: the n-gram spans and the
lexical classes (and class pairs) that contributed most, in the text's own offsets.

The model is data: ``text_model.npz`` next to this module, trained reproducibly by
`hongxian.detect.text.learned.train` from labelled files in the repository (``hongxian train``). The
file holds the weights (n-gram buckets that training touched, lexical weights, biases), the decision
thresholds calibrated out of fold, the feature settings and the training data's fingerprint.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from hongxian.detect.text.learned.features import (
    LENGTH_BUCKETS,
    NUMBER_KINDS,
    NUMBER_ZH,
    Encoded,
    Featurizer,
    number_runs,
)
from hongxian.detect.text.learned.lexicon import lexicon_digest, load_lexicon

MODEL_FILE = Path(__file__).with_name("text_model.npz")
CATEGORIES = (
    "secrecy.leak",
    "privacy.disclosure",
    "integrity.commerce",
    "integrity.gambling",
    "integrity.vote_buying",
)


@dataclass(frozen=True)
class Calibration:
    """Per-category decision points, chosen out of fold on the training data (see train.py)."""

    threshold: dict[str, float]
    """A message the rules did not flag is a finding when the model's probability reaches this."""
    veto: dict[str, float]
    """A rule hit on a message the model scores below this is dropped (a warning that quotes the words,
    one's own number …)."""


@dataclass(frozen=True)
class Contribution:
    kind: str
    """``ngram``, ``class``, ``frame`` (a pair of classes) or ``number`` (a validated digit run)."""
    label: str
    """What contributed: the text as written (要去城关当书记), 词类：干部人事变动 or
    词类组合：干部人事变动+尚未公开."""
    weight: float
    spans: tuple[tuple[int, int], ...]
    """Offsets in the original text."""


@dataclass(frozen=True)
class Explanation:
    category: str
    probability: float
    contributions: list[Contribution] = field(default_factory=list)

    def spans(self, limit: int = 6) -> list[tuple[int, int]]:
        """The merged spans of the strongest positive contributions."""
        out: list[tuple[int, int]] = []
        for c in self.contributions[:limit]:
            out.extend(c.spans)
        return _merge(out)


class TextModel:
    def __init__(
        self,
        featurizer: Featurizer,
        lex_scale: float,
        weights: np.ndarray,
        lexical: np.ndarray,
        bias: np.ndarray,
        calibration: Calibration,
        meta: dict,
    ):
        self.featurizer, self.lex_scale = featurizer, lex_scale
        self.weights = weights.astype(np.float32)
        """(n_buckets, n_categories)"""
        self.lexical = lexical.astype(np.float32)
        """(n_classes + n_frames, n_categories)"""
        self.bias = bias.astype(np.float64)
        self.calibration, self.meta = calibration, meta

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))

    # ------------------------------------------------------------------ scoring

    def logits(self, texts: list[str]) -> np.ndarray:
        """(n, categories) log-odds of a batch."""
        enc = self.featurizer.encode(texts)
        return self.logits_encoded(enc)

    def logits_encoded(self, enc: Encoded) -> np.ndarray:
        fz = self.featurizer
        out = np.tile(self.bias, (enc.count, 1))
        out += fz.gram_scores(enc, self.weights)
        rows, cols = fz.lexical_features(enc)
        if len(rows):
            contrib = self.lexical[cols] * self.lex_scale
            for c in range(out.shape[1]):
                out[:, c] += np.bincount(rows, weights=contrib[:, c], minlength=enc.count)
        return out

    def score(self, texts: list[str]) -> np.ndarray:
        """(n, categories) probabilities of a batch."""
        return _sigmoid(self.logits(texts))

    # ------------------------------------------------------------------ explanation

    def explain(
        self, text: str, category: str, top: int = 8, probability: float | None = None
    ) -> Explanation:
        """The contributions behind one text's score for one category, strongest first (`probability`:
        the text's score when the caller has it already, else computed here)."""
        return self.explain_many([text], [category], top, None if probability is None else [probability])[0]

    def explain_many(
        self,
        texts: list[str],
        categories: list[str],
        top: int = 8,
        probabilities: list[float] | None = None,
    ) -> list[Explanation]:
        """`explain` for many (text, category) pairs in one vectorised pass: the n-gram saliency of all
        texts at once, the lexicon and the digit runs found once for the batch."""
        if not texts:
            return []
        cats = np.asarray([CATEGORIES.index(c) for c in categories], dtype=np.int64)
        enc = self.featurizer.encode(texts)
        if probabilities is None:
            probs = _sigmoid(self.logits_encoded(enc))[np.arange(len(texts)), cats]
            probabilities = probs.tolist()
        saliency = self._saliency(enc, cats)
        lexical = self._lexical_contributions(enc, cats)
        out = []
        for i, text in enumerate(texts):
            lo, hi = int(enc.starts[i]), int(enc.starts[i + 1])
            found = _ngram_contributions(text, enc.pos[lo:hi], saliency[lo:hi]) + lexical[i]
            found = sorted((x for x in found if x.weight > 0), key=lambda x: -x.weight)
            out.append(Explanation(categories[i], round(float(probabilities[i]), 4), found[:top]))
        return out

    def _saliency(self, enc: Encoded, cats: np.ndarray) -> np.ndarray:
        """Per kept character: the n-gram weights for its text's category (`cats`, one per text) spread
        evenly over the characters each n-gram covers (scaled like the score)."""
        fz = self.featurizer
        grams = fz.grams(enc)
        inv = fz.norms(enc, grams)
        saliency = np.zeros(len(enc.codes), dtype=np.float64)
        for g in grams:
            w = self.weights[g.bucket, cats[g.msg]].astype(np.float64) * (inv[g.msg] / g.order)
            for j in range(g.order):
                saliency += np.bincount(g.at + j, weights=w, minlength=len(saliency))
        return saliency

    def _lexical_contributions(self, enc: Encoded, cats: np.ndarray) -> list[list[Contribution]]:
        """Per text: its lexical classes, the frames they make and its validated digit runs, each with
        the weight for the text's category and its spans in the original text."""
        classes = _spans_per_text(enc, self.featurizer.lexicon_hits(enc))
        numbers = _spans_per_text(enc, number_runs(enc))
        return [self._contributions_of(classes[t], numbers[t], int(cats[t])) for t in range(enc.count)]

    def _contributions_of(
        self, where: dict[int, list[tuple[int, int]]], spans_of: dict[int, list[tuple[int, int]]], c: int
    ) -> list[Contribution]:
        fz = self.featurizer
        lex, n, scale = fz.lexicon, fz.n_classes, self.lex_scale
        out = [
            Contribution(
                "class", f"词类：{lex[a].zh}", float(self.lexical[a, c]) * scale, tuple(_merge(where[a]))
            )
            for a in sorted(where)
        ]
        for j, (a, b) in enumerate(lex.frames):
            if a in where and b in where:
                w = float(self.lexical[n + j, c]) * scale
                label = f"词类组合：{lex[a].zh}+{lex[b].zh}"
                out.append(Contribution("frame", label, w, tuple(_merge(where[a] + where[b]))))
        for k, spans in sorted(spans_of.items()):
            w = float(self.lexical[fz.number_col + k, c]) * scale
            out.append(Contribution("number", f"号码：{NUMBER_ZH[NUMBER_KINDS[k]]}", w, tuple(_merge(spans))))
            for j, a in enumerate(lex.number_frames):
                if a in where:
                    w = float(self.lexical[fz.number_frame_col + j * len(NUMBER_KINDS) + k, c]) * scale
                    label = f"词类组合：{lex[a].zh}+{NUMBER_ZH[NUMBER_KINDS[k]]}"
                    out.append(Contribution("frame", label, w, tuple(_merge(where[a] + spans))))
        return out

    # ------------------------------------------------------------------ persistence

    def save(self, path: Path = MODEL_FILE) -> None:
        used = np.flatnonzero(np.any(self.weights != 0, axis=1)).astype(np.int32)
        header = {
            "meta": self.meta,
            "bits": self.featurizer.bits,
            "orders": list(self.featurizer.orders),
            "lex_scale": self.lex_scale,
            "lexicon": self.featurizer.lexicon.names,
            "frames": [list(f) for f in self.featurizer.lexicon.frames],
            "number_frames": list(self.featurizer.lexicon.number_frames),
            "numbers": list(NUMBER_KINDS),
            "length_buckets": list(LENGTH_BUCKETS),
            "lexicon_sha256": lexicon_digest(),
            "categories": list(CATEGORIES),
            "threshold": self.calibration.threshold,
            "veto": self.calibration.veto,
        }
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            header=np.frombuffer(
                json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8"), dtype=np.uint8
            ),
            buckets=used,
            weights=self.weights[used].astype(np.float16),
            lexical=self.lexical.astype(np.float16),
            bias=self.bias.astype(np.float64),
        )
        path.write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> TextModel:
        with np.load(path) as z:
            header = json.loads(bytes(z["header"]).decode("utf-8"))
            lexicon = load_lexicon()
            frames = [list(f) for f in lexicon.frames]
            stale = (
                header.get("numbers") != list(NUMBER_KINDS)
                or header.get("length_buckets") != list(LENGTH_BUCKETS)
                or header.get("lexicon_sha256") != lexicon_digest()
            )
            if stale or lexicon.names != header["lexicon"] or frames != header.get("frames"):
                raise ValueError(f"{path}: 模型与词类表 lexicon.yaml 不一致，请重新训练（hongxian train）")
            fz = Featurizer(header["bits"], tuple(header["orders"]), lexicon)
            weights = np.zeros((fz.n_buckets, len(CATEGORIES)), dtype=np.float32)
            weights[z["buckets"]] = z["weights"].astype(np.float32)
            calibration = Calibration(header["threshold"], header["veto"])
            return cls(fz, header["lex_scale"], weights, z["lexical"], z["bias"], calibration, header["meta"])


@lru_cache(maxsize=4)
def default_model(path: Path = MODEL_FILE) -> TextModel:
    """The shipped model, loaded once per process (read-only)."""
    return TextModel.load(path)


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive with fixed entry times, so the same weights always give the same file (the
    reproducibility test compares the retrained file byte for byte)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            body = io.BytesIO()
            np.lib.format.write_array(body, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, body.getvalue())
    return buf.getvalue()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _spans_per_text(enc: Encoded, hits: tuple[np.ndarray, ...]) -> list[dict[int, list[tuple[int, int]]]]:
    """(text, kind, start, end) hits in `Encoded.codes` units → per text: kind → spans in the text."""
    out: list[dict[int, list[tuple[int, int]]]] = [{} for _ in range(enc.count)]
    for t, k, s, e in zip(*(a.tolist() for a in hits), strict=True):
        out[t].setdefault(k, []).append((int(enc.pos[s]), int(enc.pos[e - 1]) + 1))
    return out


def _ngram_contributions(text: str, pos: np.ndarray, saliency: np.ndarray) -> list[Contribution]:
    """Each run of characters that pulls the score up (saliency above a fifth of the strongest character;
    kept characters at most two apart join a run) becomes one contribution (`pos`: each kept
    character's offset in `text`). Plain Python over the text's few dozen characters: per text, numpy
    calls cost more than the work."""
    values = saliency.tolist()
    if not values or max(values) <= 0:
        return []
    cut = max(0.2 * max(values), 1e-6)
    runs: list[list[float]] = []  # [first offset, last offset, last index, weight]
    for k, (v, at) in enumerate(zip(values, pos.tolist(), strict=True)):
        if v <= cut:
            continue
        if runs and runs[-1][2] == k - 1 and at - runs[-1][1] <= 2:
            runs[-1][1:] = [at, k, runs[-1][3] + v]
        else:
            runs.append([at, at, k, v])
    return [
        Contribution("ngram", text[int(s) : int(e) + 1], weight, ((int(s), int(e) + 1),))
        for s, e, _, weight in runs
    ]
