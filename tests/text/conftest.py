"""Fixtures for the text screening tests: the real rulebook, compiled once per session."""

from __future__ import annotations

from pathlib import Path

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
    import json

    here = Path(__file__).resolve()
    for parent in here.parents:
        for cand in (
            parent / "shared" / "findings.schema.json",
            parent.parent / "shared" / "findings.schema.json",
        ):
            if cand.is_file():
                return json.loads(cand.read_text(encoding="utf-8"))
    pytest.fail("shared/findings.schema.json not found beside the project")
