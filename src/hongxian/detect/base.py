"""The detector contract and the helper that turns a detector's result into a `Finding`.

A detector is a pure function over a `Dataset`. It receives *all* enabled checks that name it
(so a text detector can compile every keyword of every check into one automaton) and returns
findings. Its params are validated by its own pydantic model when the rulebook loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from hongxian.ids import finding_fingerprint
from hongxian.plugins import Registry
from hongxian.rulebook.book import BoundCheck
from hongxian.rulebook.models import Check
from hongxian.schema import Evidence, Finding, RuleRef, Subject, Window

if TYPE_CHECKING:
    from hongxian.dataset.dataset import Dataset

T = TypeVar("T")

__all__ = ["BoundCheck", "DetectContext", "Detector", "DetectorRegistry", "Params"]


class RefResolver(Protocol):
    """What a finding needs from the rulebook (a `Rulebook`, or a memoising wrapper of one)."""

    def resolve_refs(self, check: Check, on: date | datetime | None = None) -> list[RuleRef]: ...


class Params(BaseModel):
    """Base of every detector's params model: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class DetectContext:
    """What every detector gets: the dataset, the rulebook, settings and the per-screen derived data."""

    dataset: Dataset
    rulebook: RefResolver
    settings: Any = None
    derived: dict[Callable[[Dataset], Any], Any] = field(default_factory=dict)
    """Objects derived from the dataset once per screen and shared by detectors (see `derive`)."""

    def derive(self, build: Callable[[Dataset], T]) -> T:
        """The object `build(dataset)` returns, built once per screen: detectors that need the same
        derived data (e.g. the payment frame) pass the same builder and share one instance."""
        if build not in self.derived:
            self.derived[build] = build(self.dataset)
        return self.derived[build]

    def finding(
        self,
        bound: BoundCheck,
        subject: Subject,
        evidence: list[Evidence],
        explanation: str,
        score: float,
        *,
        severity: str | None = None,
        window: Window | None = None,
        conduct_date: date | datetime | None = None,
        keys: Iterable[str] = (),
        related: list[Subject] | None = None,
        title: str | None = None,
    ) -> Finding:
        """Build a finding: stable id from check + subject (+ keys), refs for the version in force."""
        check = bound.check
        when = conduct_date or (window.start if window and window.start else None) or _first_ts(evidence)
        if isinstance(when, datetime):
            when = when.date()
        return Finding(
            finding_id=finding_fingerprint(check.fingerprint_id, subject.kind, subject.id, keys),
            check_id=check.id,
            category=check.category,
            severity=severity or check.severity,
            score=round(min(max(score, 0.0), 1.0), 4),
            title=title or check.title,
            subject=subject,
            window=window,
            evidence=evidence,
            rule_refs=self.rulebook.resolve_refs(check, when),
            explanation=explanation,
            related=related or [],
            suggestion=check.suggestion,
        )


def _first_ts(evidence: list[Evidence]) -> datetime | None:
    times = [e.ts for e in evidence if e.ts is not None]
    return min(times) if times else None


RunFn = Callable[[DetectContext, list[BoundCheck]], list[Finding]]


@dataclass(frozen=True)
class Detector:
    name: str
    params_model: type[Params]
    needs: tuple[str, ...]
    run: RunFn
    description: str = ""
    any_of: tuple[str, ...] = field(default=())
    batch: str | None = None
    """Detectors that name the same batch share one `run`: screen calls it once with all their checks
    (the text detectors: every keyword of every text check goes into one automaton)."""

    def missing_data(self, dataset: Dataset) -> list[str]:
        """Tables this detector needs that the dataset lacks (empty list → can run)."""
        missing = [t for t in self.needs if not dataset.has(t)]
        if self.any_of and not any(dataset.has(t) for t in self.any_of):
            missing.append("/".join(self.any_of))
        return missing


class DetectorRegistry(Registry[Detector]):
    """Detectors by name. Built by `hongxian.detect.default_registry()`; passed around, never global."""

    kind = "detector"

    def params_models(self) -> dict[str, type[BaseModel]]:
        """Detector name → params model: what `load_rulebook` validates checks against."""
        return {d.name: d.params_model for d in self}
