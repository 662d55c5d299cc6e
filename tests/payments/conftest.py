"""Fixtures of the payment-typology tests: the shipped codes with the payment checks only."""

from __future__ import annotations

import shutil

import pytest

from hongxian.detect import default_registry
from hongxian.rulebook.loader import Rulebook, default_root, load_rulebook

CHECK_FILES = ("gift_money.yaml", "vote_buying_payments.yaml", "gambling_payments.yaml")


@pytest.fixture(scope="session")
def registry():
    return default_registry()


@pytest.fixture(scope="session")
def book(registry, tmp_path_factory) -> Rulebook:
    """The shipped codes + the payment checks (other developers' check files do not matter here)."""
    root = tmp_path_factory.mktemp("rulebook")
    shutil.copytree(default_root() / "codes", root / "codes")
    (root / "checks").mkdir()
    for name in CHECK_FILES:
        shutil.copy(default_root() / "checks" / name, root / "checks" / name)
    return load_rulebook(registry, root)
