"""Fixtures for the text screening tests: the real rulebook, compiled once per session."""

from __future__ import annotations

import pytest

from hongxian.detect import default_registry
from hongxian.rulebook.loader import load_rulebook


@pytest.fixture(scope="session")
def registry():
    return default_registry()


@pytest.fixture(scope="session")
def rulebook(registry):
    return load_rulebook(registry.params_models())


@pytest.fixture(scope="session")
def checker(rulebook, registry):
    from hongxian.selfcheck import SelfChecker

    return SelfChecker(rulebook, registry)


@pytest.fixture(scope="session")
def findings_schema() -> dict:
    from hongxian.schema import findings_json_schema

    return findings_json_schema()
