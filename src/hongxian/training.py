"""Training the learned text scorer from the repository's labelled files (`hongxian train`).

The keyword rules' verdicts on the training texts are part of calibration (the veto below which a rule
hit is dropped), so training needs the rulebook: this module wires the rulebook's keyword checks to
`hongxian.detect.text.learned.train`, writes the model file and a JSON report of what was measured.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from hongxian.detect import default_registry
from hongxian.detect.text import (
    LEARNED,
    MODEL_CATEGORIES,
    MODEL_FILE,
    TextChecker,
    TrainReport,
    load_training,
    model_card,
    train_model,
)
from hongxian.rulebook.loader import load_rulebook

RULES_DAY = datetime(2025, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
"""The date the rules are applied at during training (any day in force of the current codes)."""


def keyword_rule_hits(texts: list[str]) -> np.ndarray:
    """(n, 5): which categories the rulebook's keyword text checks flag on each text (no model)."""
    registry = default_registry()
    book = load_rulebook(registry.params_models())
    checker = TextChecker([b for b in book.bound_checks() if b.check.detector != LEARNED])
    out = np.zeros((len(texts), len(MODEL_CATEGORIES)), dtype=bool)
    for i, text in enumerate(texts):
        for hit in checker.check(text, RULES_DAY):
            out[i, MODEL_CATEGORIES.index(hit.bound.check.category)] = True
    return out


def train_text_model(
    repo_root: Path,
    out: Path = MODEL_FILE,
    progress: Callable[[int, int], None] | None = None,
    card: Path | None = None,
) -> TrainReport:
    """Train on the files under `repo_root`, write the model to `out` (and its model card to `card`)
    and return the report."""
    model, report = train_model(repo_root, keyword_rule_hits, progress=progress)
    model.save(out)
    if card is not None:
        corpus, _, _ = load_training(repo_root)
        card.write_text(model_card(model, report.to_dict(), corpus.texts), encoding="utf-8")
    return report
