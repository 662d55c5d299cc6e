"""The shipped model file is exactly what training on the repository's files produces (fixed seed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hongxian.detect.text import MODEL_FILE, TextModel
from hongxian.training import train_text_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_model_file_is_reproduced_from_the_training_data(tmp_path: Path) -> None:
    out = tmp_path / "text_model.npz"
    report = train_text_model(ROOT, out)
    shipped = TextModel.load(MODEL_FILE)
    retrained = TextModel.load(out)
    assert retrained.meta == shipped.meta, "training data or settings changed: run `hongxian train`"
    assert out.read_bytes() == MODEL_FILE.read_bytes()
    assert report.calibration == shipped.calibration
    assert report.counts["messages"] >= 10_000
