"""The detector contract and the helper that turns a detector's result into a `Finding`.

A detector is a pure function over a `Dataset`. It receives *all* enabled checks that name it
(so a text detector can compile every keyword of every check into one automaton) and returns
findings. Its params are validated by its own pydantic model when the rulebook loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from hongxian.dataset.dataset import Dataset
from hongxian.ids import finding_fingerprint
from hongxian.schema import Evidence, Finding, Subject, Window

if TYPE_CHECKING:
    from hongxian.rulebook.loader import Rulebook
    from hongxian.rulebook.models import Check


class Params(BaseModel):
    """Base of every detector's params model: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class BoundCheck:
    """A check with its params already validated into the detector's model."""

    check: Check
    params: Any


@dataclass
class DetectContext:
    dataset: Dataset
    rulebook: Rulebook
    settings: Any = None

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
            finding_id=finding_fingerprint(check.id, subject.kind, subject.id, keys),
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

    def missing_data(self, dataset: Dataset) -> list[str]:
        """Tables this detector needs that the dataset lacks (empty list → can run)."""
        missing = [t for t in self.needs if not dataset.has(t)]
        if self.any_of and not any(dataset.has(t) for t in self.any_of):
            missing.append("/".join(self.any_of))
        return missing


class DetectorRegistry:
    """Detectors by name. Built by `default_registry()`; passed around, never global."""

    def __init__(self, detectors: Iterable[Detector] = ()):
        self._by_name: dict[str, Detector] = {}
        for d in detectors:
            self.register(d)

    def register(self, detector: Detector) -> None:
        if detector.name in self._by_name:
            raise ValueError(f"duplicate detector {detector.name}")
        self._by_name[detector.name] = detector

    def get(self, name: str) -> Detector | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __iter__(self):
        return iter(self._by_name.values())
