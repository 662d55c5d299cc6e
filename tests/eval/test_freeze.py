"""The freeze script scores a new file once and writes the figures the regression tests then hold."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.eval.freeze import freeze

BATCH = """# a tiny batch written for this test
category: mixed
tuned: false
items:
  - {labels: [secrecy], text: "这份绝密文件我拍给你了，别外传", persona: test}
  - {labels: [gambling], text: "今晚群里扫雷，一包五十，十包五雷", persona: test}
  - {labels: [], text: "明天上午九点开会，请准时参加", persona: test}
"""

BACKGROUND = """# a tiny background set written for this test
category: mixed
role: background
tuned: false
items:
  - {labels: [], text: "收到，马上到", persona: test}
  - {labels: [], text: "周六聚餐AA，每人八十", persona: test}
"""


def _frozen(tmp_path: Path, written: str, name: str) -> tuple[Path, Path, dict]:
    """Write a new file, freeze it as `name`; (source, frozen copy, its parsed content)."""
    source = tmp_path / "new.yaml"
    source.write_text(written, encoding="utf-8")
    dest = tmp_path / name
    freeze(source, dest)
    return source, dest, yaml.safe_load(dest.read_text(encoding="utf-8"))


def test_a_batch_is_frozen_with_its_first_figures_and_never_scored_twice(tmp_path: Path) -> None:
    source, dest, doc = _frozen(tmp_path, BATCH, "messages_heldout_test.yaml")
    assert doc["learn"] is False and doc["tuned"] is False and len(doc["items"]) == 3
    assert set(doc["measured"]) == {"secrecy", "privacy", "commerce", "gambling", "vote"}
    assert doc["measured"]["secrecy"]["tp"] + doc["measured"]["secrecy"]["fn"] == 1
    assert "首次且唯一一次" in dest.read_text(encoding="utf-8")
    with pytest.raises(SystemExit, match="只评分一次"):
        freeze(source, dest)
    with pytest.raises(SystemExit, match="尚未评分"):
        freeze(dest, tmp_path / "again.yaml")


def test_a_background_set_is_frozen_with_its_first_false_alarm_rates(tmp_path: Path) -> None:
    _, _, doc = _frozen(tmp_path, BACKGROUND, "background_heldout_test.yaml")
    first = doc["false_alarms_first"]
    assert set(first) == {"secrecy", "privacy", "commerce", "gambling", "vote", "all"}
    assert all(v >= 0 for v in first.values()) and doc["role"] == "background"
    assert doc["learn"] is False  # scored, not learned from until a retrain takes it on purpose
