"""Fixtures of the payment-typology tests: the shipped codes with the payment checks only."""

from __future__ import annotations

import pytest

from hongxian.detect import default_registry
from hongxian.rulebook.loader import Rulebook
from hongxian.testing.rulebook import subset_rulebook

CHECK_FILES = ("gift_money.yaml", "vote_buying_payments.yaml", "gambling_payments.yaml")


@pytest.fixture(scope="session")
def registry():
    return default_registry()


@pytest.fixture(scope="session")
def book(registry, tmp_path_factory) -> Rulebook:
    """The shipped codes + the payment checks (other developers' check files do not matter here)."""
    return subset_rulebook(registry, CHECK_FILES, tmp_path_factory.mktemp("rulebook"))
