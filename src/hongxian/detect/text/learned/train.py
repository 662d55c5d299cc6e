"""Training of the learned scorer, reproducible from files in the repository (`hongxian train`).

1. **Data**: every labelled file under ``data/text/train/`` (messages written for training by
   several writers and personas, plus ordinary background chatter) and every evaluation file of
   ``tests/eval/`` that may be learned from: tuned ones, and frozen out-of-sample files once their first
   score is kept (``measured:`` / ``false_alarms_first:``; a file not yet scored is never read, nor one
   marked ``learn: false``). A frozen background set joins the background files of the training data.
   Items of frozen batches listed in ``data/text/label_corrections.yaml`` are learned with the labels
   given there (one labelling convention for training; the batch's own labels still score it).
2. **Scores on unseen writers** (`cross_writer`): a model fitted on the training-data files alone
   scores the evaluation files (other writers, other sessions, batches of held-out composition); for
   each background file, a model fitted on everything else scores it. One logistic regression per
   category (liblinear, fixed seed) on the features of `features.Featurizer`. A row of ordinary
   chatter weighs ``BACKGROUND_WEIGHT`` times a labelled row: the false-alarm budget on such chatter is
   what sets the thresholds, so the fit spends its capacity on telling chatter from violations.
3. **Calibration** (`calibrate`): per category, the smallest threshold whose precision on the
   evaluation files reaches the target while the background false alarms stay within budget, and
   the largest veto (below which a keyword-rule hit is dropped) that keeps 98 % of the rule hits on
   true violations.
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

from hongxian.detect.text.learned.corpus import (
    Corpus,
    apply_corrections,
    concat,
    fingerprint,
    is_trainable,
    read_corrections,
    read_file,
)
from hongxian.detect.text.learned.features import Featurizer
from hongxian.detect.text.learned.lexicon import lexicon_digest
from hongxian.detect.text.learned.model import CATEGORIES, Calibration, TextModel

TRAIN_DIR = "data/text/train"
EVAL_DIR = "tests/eval"
CORRECTIONS = "data/text/label_corrections.yaml"
"""Training-time labels for listed items of frozen batches (`corpus.read_corrections`)."""
SEED = 20261207
C_REG = 32.0
CLASS_WEIGHT: str | None = "balanced"
LEX_SCALE = 0.5
BACKGROUND_WEIGHT = 3.0
BITS = 18
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.30, 0.995, 0.01))
VETOES = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)


@dataclass
class Targets:
    precision: float = 0.95
    background_per_1000: float = 0.4
    """Per category; five categories make the whole budget."""


@dataclass
class TrainReport:
    files: list[str]
    counts: dict[str, int]
    calibration: Calibration
    out_of_fold: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per category: what calibration measured on writers the model had not seen."""

    def to_dict(self) -> dict:
        return json.loads(self.to_json())

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
    """(training-data files, evaluation files that may be learned from) under the repository `root`; a
    frozen background set that may be learned from counts as a training-data file (its rows are
    cross-fitted and inside the background budget, like the training data's own chatter)."""
    train = sorted((root / TRAIN_DIR).rglob("*.yaml"))
    train += [p for p in sorted((root / EVAL_DIR).glob("background_*.yaml")) if is_trainable(p)]
    evals = [p for p in sorted((root / EVAL_DIR).glob("messages_*.yaml")) if is_trainable(p)]
    return train, evals


def load_training(root: Path) -> tuple[Corpus, np.ndarray, list[Path]]:
    """The corpus, a mask of the rows from the training-data files, and the files read."""
    train, evals = training_files(root)
    if not train:
        raise FileNotFoundError(f"{root / TRAIN_DIR}: 没有训练数据文件")
    parts = [read_file(p, CATEGORIES, p.relative_to(root).as_posix()) for p in train + evals]
    corpus = concat(parts)
    files = train + evals
    corrections = root / CORRECTIONS
    if corrections.is_file():
        corpus = apply_corrections(corpus, read_corrections(corrections), CATEGORIES, corrections)
        files.append(corrections)
    n_train = sum(len(p) for p in parts[: len(train)])
    mask = np.zeros(len(corpus), dtype=bool)
    mask[:n_train] = True
    return corpus, mask, files


def fit(x, labels: np.ndarray, background: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per category → (weights (features, C), bias (C,)); the rows of ordinary
    chatter (`background`) weigh ``BACKGROUND_WEIGHT``."""
    from sklearn.linear_model import LogisticRegression

    sample_weight = np.where(background, BACKGROUND_WEIGHT, 1.0)
    weights, bias = [], []
    for c in range(labels.shape[1]):
        model = LogisticRegression(
            C=C_REG, class_weight=CLASS_WEIGHT, solver="liblinear", max_iter=5000, random_state=SEED
        )
        model.fit(x, labels[:, c], sample_weight=sample_weight)
        weights.append(model.coef_[0])
        bias.append(model.intercept_[0])
    return np.stack(weights, axis=1), np.asarray(bias)


def _model(fz: Featurizer, weights: np.ndarray, bias: np.ndarray, cal: Calibration, meta: dict) -> TextModel:
    """A model with weights rounded to float16, as stored (so calibration sees the shipped scores)."""
    w = weights.astype(np.float16).astype(np.float32)
    return TextModel(fz, LEX_SCALE, w[: fz.n_buckets], w[fz.n_buckets :], bias, cal, meta)


@dataclass
class Scored:
    """Probabilities of rows from models that had not seen their writer."""

    probs: np.ndarray
    rows: np.ndarray
    """Indices into the corpus of the scored rows."""


def _fit_and_score(fz: Featurizer, corpus: Corpus, x, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    weights, bias = fit(x[train], corpus.labels[train], corpus.background[train])
    model = _model(fz, weights, bias, Calibration({}, {}), {})
    return model.score([corpus.texts[i] for i in test])


def cross_writer(
    fz: Featurizer, corpus: Corpus, own: np.ndarray, x, progress: Callable | None = None
) -> Scored:
    """Evaluation files scored by a model of the training-data files; each background file scored by a
    model of everything else."""
    evals = np.flatnonzero(~own)
    backgrounds = sorted({corpus.sources[i] for i in np.flatnonzero(corpus.background & own)})
    steps = 1 + len(backgrounds)
    probs = [_fit_and_score(fz, corpus, x, np.flatnonzero(own), evals)]
    rows = [evals]
    if progress:
        progress(1, steps)
    for k, name in enumerate(backgrounds, 2):
        held = np.asarray([src == name for src in corpus.sources])
        test = np.flatnonzero(held)
        probs.append(_fit_and_score(fz, corpus, x, np.flatnonzero(~held), test))
        rows.append(test)
        if progress:
            progress(k, steps)
    return Scored(np.concatenate(probs), np.concatenate(rows))


def _precision_recall(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = int((pred & y).sum())
    return (tp / int(pred.sum()) if pred.sum() else 1.0), (tp / int(y.sum()) if y.sum() else 1.0)


def calibrate(
    scored: Scored, rules: np.ndarray, corpus: Corpus, targets: Targets
) -> tuple[Calibration, dict]:
    """Per category (threshold, veto) from scores on unseen writers (see the module docstring).

    `rules` are the keyword rules' verdicts on the scored rows, in `scored.rows` order."""
    labels = corpus.labels[scored.rows]
    bg = corpus.background[scored.rows]
    ev = ~bg
    threshold, veto, report = {}, {}, {}
    for c, cat in enumerate(CATEGORIES):
        p, y = scored.probs[:, c], labels[:, c]
        chosen = _threshold(p, y, ev, bg, targets)
        v = _veto(p, rules[:, c], y)
        pred = (rules[:, c] & (p >= v)) | (p >= chosen)
        m_prec, m_rec = _precision_recall(p[ev] >= chosen, y[ev])
        threshold[cat], veto[cat] = chosen, v
        report[cat] = {
            "threshold_for_precision": _threshold(p, y, ev, bg, Targets(targets.precision, 1000.0)),
            "threshold_for_background": _threshold(p, y, ev, bg, Targets(0.0, targets.background_per_1000)),
            "threshold": chosen,
            "veto": v,
            "model_precision": round(m_prec, 4),
            "model_recall": round(m_rec, 4),
            "background_per_1000": round(1000 * float(pred[bg].mean()), 3) if bg.any() else 0.0,
            "rules_background_per_1000": round(1000 * float(rules[bg, c].mean()), 3) if bg.any() else 0.0,
        }
    return Calibration(threshold, veto), report


def _threshold(p: np.ndarray, y: np.ndarray, ev: np.ndarray, bg: np.ndarray, targets: Targets) -> float:
    """The smallest threshold meeting the precision target on the evaluation rows and the background
    budget; the largest candidate when none does."""
    for t in THRESHOLDS:
        prec, _ = _precision_recall(p[ev] >= t, y[ev])
        bg_rate = 1000 * float((p[bg] >= t).mean()) if bg.any() else 0.0
        if prec >= targets.precision and bg_rate <= targets.background_per_1000:
            return t
    return THRESHOLDS[-1]


def _veto(p: np.ndarray, fired: np.ndarray, y: np.ndarray) -> float:
    """The largest veto that keeps 98 % of the rule hits on true violations."""
    hits = fired & y
    best = 0.0
    for v in VETOES:
        if hits.sum() and (hits & (p >= v)).sum() < 0.98 * hits.sum():
            break
        best = v
    return best


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
    scored = cross_writer(fz, corpus, own, x, progress=progress)
    rules = rule_hits([corpus.texts[i] for i in scored.rows])
    calibration, oof = calibrate(scored, rules, corpus, targets)
    weights, bias = fit(x, corpus.labels, corpus.background)
    meta = _meta(root, files, fz)
    model = _model(fz, weights, bias, calibration, meta)
    counts = {"messages": len(corpus), "background": int(corpus.background.sum())}
    counts.update({cat: int(corpus.labels[:, i].sum()) for i, cat in enumerate(CATEGORIES)})
    report = TrainReport([p.relative_to(root).as_posix() for p in files], counts, calibration, oof)
    return model, report


def _meta(root: Path, files: list[Path], fz: Featurizer) -> dict:
    data = fingerprint(files, root)
    config = f"{fz.bits}|{fz.orders}|{LEX_SCALE}|{C_REG}|{BACKGROUND_WEIGHT}|{SEED}|" + lexicon_digest()
    version = hashlib.sha256((data + config).encode()).hexdigest()[:12]
    return {
        "version": version,
        "data_sha256": data,
        "files": len(files),
        "seed": SEED,
        "C": C_REG,
        "background_weight": BACKGROUND_WEIGHT,
    }
