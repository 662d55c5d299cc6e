"""Which evaluation files the trainer may read."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def _corrections(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "corrections.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _batch(tmp_path: Path) -> Path:
    path = tmp_path / "messages_a.yaml"
    path.write_text(
        "category: mixed\nitems:\n"
        '  - {labels: [privacy], text: "举报人是老孙"}\n'
        '  - {labels: [privacy], text: "他的身份证号是……"}\n',
        encoding="utf-8",
    )
    return path


def test_label_corrections_relabel_only_the_listed_items_of_the_listed_file(tmp_path: Path) -> None:
    from hongxian.detect.text.learned.corpus import apply_corrections, read_corrections, read_file
    from hongxian.detect.text.learned.model import CATEGORIES

    corpus = read_file(_batch(tmp_path), CATEGORIES, "eval/messages_a.yaml")
    other = read_file(_batch(tmp_path), CATEGORIES, "eval/messages_b.yaml")
    path = _corrections(
        tmp_path,
        "corrections:\n  - file: eval/messages_a.yaml\n"
        "    labels: [secrecy, privacy]\n    texts: [举报人是老孙]\n",
    )
    fixed = apply_corrections(corpus, read_corrections(path), CATEGORIES, path)
    secrecy, privacy = CATEGORIES.index("secrecy.leak"), CATEGORIES.index("privacy.disclosure")
    assert fixed.labels[0, secrecy] and fixed.labels[0, privacy]
    assert not fixed.labels[1, secrecy] and fixed.labels[1, privacy]
    assert not corpus.labels[0, secrecy]  # the frozen batch's own labels are untouched
    same = apply_corrections(other, read_corrections(path), CATEGORIES, path)
    assert (same.labels == other.labels).all()  # another file's identical text keeps its labels


def test_a_correction_that_finds_no_item_stops_training_naming_the_file(tmp_path: Path) -> None:
    from hongxian.detect.text.learned.corpus import apply_corrections, read_corrections, read_file
    from hongxian.detect.text.learned.model import CATEGORIES

    corpus = read_file(_batch(tmp_path), CATEGORIES, "eval/messages_a.yaml")
    path = _corrections(
        tmp_path,
        "corrections:\n  - file: eval/messages_a.yaml\n    labels: [secrecy]\n    texts: [举报人是老李]\n",
    )
    with pytest.raises(ValueError, match="messages_a.yaml 中找不到要更正的消息"):
        apply_corrections(corpus, read_corrections(path), CATEGORIES, path)
    bad = _corrections(tmp_path, "corrections:\n  - file: eval/messages_a.yaml\n    texts: [x]\n")
    with pytest.raises(ValueError, match="第 1 条更正须有"):
        read_corrections(bad)
