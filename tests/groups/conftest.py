"""Fixtures of the group-detector tests: the real rulebook codes with our checks, the seed case."""

from __future__ import annotations

import pytest

from hongxian.case import CasePaths
from hongxian.dataset.dataset import Dataset
from hongxian.detect import default_registry
from hongxian.detect.base import DetectContext
from hongxian.ingest.pipeline import ingest_case
from hongxian.rulebook.loader import Rulebook
from hongxian.schema import Finding
from hongxian.testing.rulebook import subset_rulebook
from tests.groups.seedcase import write_case

CHECK_FILES = ("association.yaml", "workgroup.yaml", "account.yaml")


@pytest.fixture(scope="session")
def registry():
    return default_registry()


@pytest.fixture(scope="session")
def rulebook(registry, tmp_path_factory) -> Rulebook:
    """The shipped codes + the group checks only (other developers' check files do not matter here)."""
    return subset_rulebook(registry, CHECK_FILES, tmp_path_factory.mktemp("rulebook"))


@pytest.fixture(scope="session")
def seed_dataset(tmp_path_factory) -> Dataset:
    """tests/groups/seedcase.py written as CSV registers + MicroMsg.db + MSG0.db, then ingested."""
    case = write_case(tmp_path_factory.mktemp("seed") / "case")
    report = ingest_case(case)
    assert all(s.status == "ingested" for s in report.sources), [(s.path, s.error) for s in report.sources]
    ds = Dataset.open(CasePaths(case).state)
    yield ds
    ds.close()


def screen(dataset: Dataset, rulebook: Rulebook, registry, detector: str) -> list[Finding]:
    """Run one detector with every enabled check naming it, as a screen does."""
    bound = [b for b in rulebook.bound_checks() if b.check.detector == detector]
    assert bound, f"no check uses {detector}"
    return registry.get(detector).run(DetectContext(dataset, rulebook), bound)


def by_subject(findings: list[Finding]) -> dict[str, Finding]:
    return {f.subject.id: f for f in findings}
