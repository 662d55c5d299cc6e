"""Which evaluation files the trainer may read."""

from __future__ import annotations

from pathlib import Path

from hongxian.detect.text.learned.corpus import is_trainable

MEASURED = "measured:\n  vote: {tp: 1, fp: 0, fn: 0, precision: 1.0, recall: 1.0}\n"


def _file(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("category: mixed\n" + body + "items: []\n", encoding="utf-8")
    return path


def test_unscored_batches_stay_unseen_and_learn_false_defers_a_scored_one(tmp_path: Path) -> None:
    assert is_trainable(_file(tmp_path, "tuned.yaml", "tuned: true\n"))
    assert not is_trainable(_file(tmp_path, "fresh.yaml", "tuned: false\n"))
    assert is_trainable(_file(tmp_path, "frozen.yaml", "tuned: false\n" + MEASURED))
    assert not is_trainable(_file(tmp_path, "deferred.yaml", "tuned: false\nlearn: false\n" + MEASURED))
