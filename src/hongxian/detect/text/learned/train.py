"""Training of the learned scorer, reproducible from files in the repository (`hongxian train`).

1. **Data**: every labelled file under ``data/text/train/`` (messages written for training by
   several writers and personas, plus ordinary background chatter) and every *tuned* evaluation file
   of ``tests/eval/`` (files with ``tuned: false`` are frozen out-of-sample batches and never used).
2. **Out of fold**: five folds grouped by writer persona (a persona is never in its own training
   fold), one logistic regression per category (liblinear, fixed seed), on the features of
   `features.Featurizer`. These probabilities are what calibration sees: scores on text of writers
   the model had not seen.
3. **Calibration** (`calibrate`) on the training-data files only (the rules were tuned on the
   evaluation files, so those would flatter them): per category, the threshold for a message the
   rules did not flag and the veto below which a rule hit is dropped, chosen for the most recall
   subject to a background budget and a precision floor on a held-out-like mixture.
4. **Final fit** on everything, weights stored as float16 and calibrated thresholds with them.

scikit-learn is needed only here (the ``train`` extra); scoring needs numpy alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hongxian.detect.text.learned.corpus import Corpus, concat, fingerprint, is_tuned, read_file
from hongxian.detect.text.learned.features import LEXICON_FILE, Featurizer
from hongxian.detect.text.learned.model import CATEGORIES, Calibration, TextModel

TRAIN_DIR = "data/text/train"
EVAL_DIR = "tests/eval"
SEED = 20261207
C_REG = 8.0
LEX_SCALE = 0.5
BITS = 18
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.30, 0.995, 0.01))
VETOES = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
MIX = {"positive": 60, "hard": 150, "other": 240}
"""A held-out-like batch per category: 60 positives, 150 hard negatives, 240 positives of other categories."""


@dataclass
class Targets:
    precision: float = 0.96
    background_per_1000: float = 0.3
    """Per category; five categories make the whole budget."""


@dataclass
class TrainReport:
    files: list[str]
    counts: dict[str, int]
    calibration: Calibration
    out_of_fold: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "files": self.files,
            "counts": self.counts,
            "threshold": self.calibration.threshold,
            "veto": self.calibration.veto,
            "out_of_fold": self.out_of_fold,
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def training_files(root: Path) -> tuple[list[Path], list[Path]]:
    """(training-data files, tuned evaluation files) under the repository `root`."""
    train = sorted((root / TRAIN_DIR).rglob("*.yaml"))
    evals = [p for p in sorted((root / EVAL_DIR).glob("messages_*.yaml")) if is_tuned(p)]
    return train, evals


def load_training(root: Path) -> tuple[Corpus, np.ndarray, list[Path]]:
    """The corpus, a mask of the rows from the training-data files, and the files read."""
    train, evals = training_files(root)
    if not train:
        raise FileNotFoundError(f"{root / TRAIN_DIR}: 没有训练数据文件")
    parts = [read_file(p, CATEGORIES, p.relative_to(root).as_posix()) for p in train + evals]
    corpus = concat(parts)
    n_train = sum(len(p) for p in parts[: len(train)])
    mask = np.zeros(len(corpus), dtype=bool)
    mask[:n_train] = True
    return corpus, mask, train + evals


def fit(x, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per category → (weights (features, C), bias (C,))."""
    from sklearn.linear_model import LogisticRegression

    weights, bias = [], []
    for c in range(labels.shape[1]):
        model = LogisticRegression(
            C=C_REG, class_weight="balanced", solver="liblinear", max_iter=5000, random_state=SEED
        )
        model.fit(x, labels[:, c])
        weights.append(model.coef_[0])
        bias.append(model.intercept_[0])
    return np.stack(weights, axis=1), np.asarray(bias)


def _model(fz: Featurizer, weights: np.ndarray, bias: np.ndarray, cal: Calibration, meta: dict) -> TextModel:
    """A model with weights rounded to float16, as stored (so calibration sees the shipped scores)."""
    w = weights.astype(np.float16).astype(np.float32)
    return TextModel(fz, LEX_SCALE, w[: fz.n_buckets], w[fz.n_buckets :], bias, cal, meta)


def out_of_fold(
    fz: Featurizer, corpus: Corpus, x, folds: int = 5, progress: Callable | None = None
) -> np.ndarray:
    """Probabilities of every row from a model that did not see its writer group."""
    from sklearn.model_selection import GroupKFold

    probs = np.zeros(corpus.labels.shape)
    splitter = GroupKFold(n_splits=folds)
    empty = Calibration({}, {})
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(corpus)), groups=corpus.groups)):
        weights, bias = fit(x[tr], corpus.labels[tr])
        model = _model(fz, weights, bias, empty, {})
        probs[te] = model.score([corpus.texts[i] for i in te])
        if progress:
            progress(k + 1, folds)
    return probs


def _rates(pred: np.ndarray, y: np.ndarray, hard: np.ndarray, other: np.ndarray, bg: np.ndarray) -> dict:
    recall = (pred & y).sum() / max(y.sum(), 1)
    fpr_hard = (pred & hard).sum() / max(hard.sum(), 1)
    fpr_other = (pred & other).sum() / max(other.sum(), 1)
    tp = MIX["positive"] * recall
    fp = MIX["hard"] * fpr_hard + MIX["other"] * fpr_other
    return {
        "recall": float(recall),
        "precision_mix": float(tp / (tp + fp)) if tp + fp else 1.0,
        "background_per_1000": float(1000 * (pred & bg).sum() / max(bg.sum(), 1)),
    }


def calibrate(
    probs: np.ndarray, rules: np.ndarray, corpus: Corpus, targets: Targets
) -> tuple[Calibration, dict]:
    """Per category, the (threshold, veto) with the most recall that meets the targets out of fold."""
    bg = corpus.background
    hard = ~corpus.labels.any(axis=1) & ~bg
    threshold, veto, report = {}, {}, {}
    for c, cat in enumerate(CATEGORIES):
        y = corpus.labels[:, c]
        other = corpus.labels.any(axis=1) & ~y
        best = None
        for v in VETOES:
            kept_rules = rules[:, c] & (probs[:, c] >= v)
            for t in THRESHOLDS:
                pred = kept_rules | (probs[:, c] >= t)
                r = _rates(pred, y, hard, other, bg)
                ok = (
                    r["precision_mix"] >= targets.precision
                    and r["background_per_1000"] <= targets.background_per_1000
                )
                if ok and (best is None or r["recall"] > best[2]["recall"]):
                    best = (t, v, r)
                if ok:
                    break  # higher thresholds only lose recall
        if best is None:  # no point meets the targets: the strictest one
            t, v = THRESHOLDS[-1], VETOES[-1]
            pred = (rules[:, c] & (probs[:, c] >= v)) | (probs[:, c] >= t)
            best = (t, v, _rates(pred, y, hard, other, bg))
        threshold[cat], veto[cat], report[cat] = best[0], best[1], best[2]
        report[cat]["rules_alone"] = _rates(rules[:, c], y, hard, other, bg)
    return Calibration(threshold, veto), report


def train_model(
    root: Path,
    rule_hits: Callable[[list[str]], np.ndarray],
    targets: Targets | None = None,
    progress: Callable | None = None,
) -> tuple[TextModel, TrainReport]:
    """Train, calibrate and return the model (not yet saved) and what was measured.

    `rule_hits(texts)` → (n, 5) booleans: which categories the keyword rules flag on each text."""
    targets = targets or Targets()
    corpus, own, files = load_training(root)
    fz = Featurizer(BITS)
    x = fz.sparse_rows(corpus.texts, LEX_SCALE)
    probs = out_of_fold(fz, corpus, x, progress=progress)
    own_corpus = corpus.subset(own)
    rules = rule_hits(own_corpus.texts)
    calibration, oof = calibrate(probs[own], rules, own_corpus, targets)
    weights, bias = fit(x, corpus.labels)
    meta = _meta(root, files, fz)
    model = _model(fz, weights, bias, calibration, meta)
    counts = {"messages": len(corpus), "background": int(corpus.background.sum())}
    counts.update({cat: int(corpus.labels[:, i].sum()) for i, cat in enumerate(CATEGORIES)})
    report = TrainReport([p.relative_to(root).as_posix() for p in files], counts, calibration, oof)
    return model, report


def _meta(root: Path, files: list[Path], fz: Featurizer) -> dict:
    data = fingerprint(files, root)
    config = (
        f"{fz.bits}|{fz.orders}|{LEX_SCALE}|{C_REG}|{SEED}|"
        + hashlib.sha256(LEXICON_FILE.read_bytes()).hexdigest()
    )
    version = hashlib.sha256((data + config).encode()).hexdigest()[:12]
    return {"version": version, "data_sha256": data, "files": len(files), "seed": SEED, "C": C_REG}
