"""Web fixtures: a small case with one user per role; a self-checker compiled once per session."""

from __future__ import annotations

import pytest

from tests.web.webcase import WebCase, base_findings, build_case


@pytest.fixture(scope="session")
def self_checker():
    from hongxian.detect import default_registry
    from hongxian.rulebook.loader import load_rulebook
    from hongxian.selfcheck import SelfChecker

    registry = default_registry()
    return SelfChecker(load_rulebook(registry.params_models()), registry)


@pytest.fixture
def web(tmp_path) -> WebCase:
    case = build_case(tmp_path)
    yield case
    case.service.store.dispose()


@pytest.fixture(scope="module")
def shared_web(tmp_path_factory) -> WebCase:
    """One case for a whole module (the route × role matrix); without the very long hostile finding,
    which makes every PDF report slow."""
    case = build_case(tmp_path_factory.mktemp("webmatrix"), findings=base_findings()[:-1])
    yield case
    case.service.store.dispose()


@pytest.fixture
def ev(tmp_path):
    """The evidence case (payments, messages, people.csv) behind the investigator pages."""
    from tests.web.evidencecase import build_evidence_case

    web = build_evidence_case(tmp_path)
    yield web
    web.service.store.dispose()
