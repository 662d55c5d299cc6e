"""The browser fixture never skips under CI: a missing chromium is a failure there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web import liveserver


def test_missing_chromium_fails_under_ci(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(liveserver, "CHROMIUM", Path(tmp_path / "no-chromium"))
    monkeypatch.setattr(liveserver.shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        liveserver.chromium_path()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        liveserver.chromium_path()
