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


FIRST = (
    "false_alarms_first: {secrecy: 0.0, privacy: 0.0, commerce: 0.0, gambling: 0.0, vote: 0.0, all: 0.0}\n"
)


def test_a_scored_background_set_joins_the_training_backgrounds(tmp_path: Path) -> None:
    from hongxian.detect.text.learned.train import EVAL_DIR, TRAIN_DIR, training_files

    (tmp_path / TRAIN_DIR).mkdir(parents=True)
    (tmp_path / EVAL_DIR).mkdir(parents=True)
    own = _file(tmp_path / TRAIN_DIR, "chatter.yaml", "role: background\n")
    scored = _file(tmp_path / EVAL_DIR, "background_a.yaml", "role: background\ntuned: false\n" + FIRST)
    _file(tmp_path / EVAL_DIR, "background_b.yaml", "role: background\ntuned: false\n")  # not scored yet
    _file(tmp_path / EVAL_DIR, "background_c.yaml", "role: background\ntuned: false\nlearn: false\n" + FIRST)
    batch = _file(tmp_path / EVAL_DIR, "messages_a.yaml", "tuned: false\n" + MEASURED)
    train, evals = training_files(tmp_path)
    assert train == [own, scored]  # cross-fitted as one more background file, inside the budget
    assert evals == [batch]
