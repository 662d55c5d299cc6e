"""发前自检: check a draft message against every text check before sending it.

`SelfChecker` wraps `hongxian.detect.text.TextChecker` (the text checks compiled once) and adds what a
user reads: rule references in force on the day, Chinese labels and the suggestion. The web UI keeps
one per rulebook. `self_check` is the one-call convenience.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hongxian.detect.base import DetectorRegistry
from hongxian.detect.text import TextChecker
from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH
from hongxian.schema import RuleRef

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class SelfCheckHit:
    check_id: str
    title: str
    category: str
    category_zh: str
    severity: str
    severity_zh: str
    score: float
    labels: list[str]
    spans: list[tuple[int, int]]
    """Offsets in the text as typed (before normalisation)."""
    excerpt: str
    """The text with other people's personal data masked."""
    rules: list[RuleRef]
    suggestion: str | None
    note: str | None = None
    rule_text: list[str] = field(default_factory=list)
    """Each rule as one Chinese line: 《规范》条号 标题."""

    def to_json_dict(self) -> dict:
        return {
            "check_id": self.check_id,
            "title": self.title,
            "category": self.category,
            "category_zh": self.category_zh,
            "severity": self.severity,
            "severity_zh": self.severity_zh,
            "score": self.score,
            "labels": self.labels,
            "spans": [list(s) for s in self.spans],
            "excerpt": self.excerpt,
            "rules": [r.model_dump(mode="json", exclude_none=True) for r in self.rules],
            "rule_text": self.rule_text,
            "suggestion": self.suggestion,
            "note": self.note,
        }


def rule_line(ref: RuleRef) -> str:
    return f"《{ref.code}》{ref.article}" + (f" {ref.title}" if ref.title else "")


class SelfChecker:
    """All text checks of a rulebook, compiled once."""

    def __init__(self, rulebook, registry: DetectorRegistry | None = None):
        bound = [b for b in rulebook.bound_checks() if registry is None or registry.get(b.check.detector)]
        self.rulebook = rulebook
        self.checker = TextChecker(bound)

    def check(self, text: str, on: date | None = None) -> list[SelfCheckHit]:
        when = datetime.now(SHANGHAI) if on is None else datetime(on.year, on.month, on.day, tzinfo=SHANGHAI)
        out = []
        for hit in self.checker.check(text, when):
            check, verdict = hit.bound.check, hit.verdict
            refs = self.rulebook.resolve_refs(check, when.date())
            out.append(
                SelfCheckHit(
                    check_id=check.id,
                    title=check.title,
                    category=check.category,
                    category_zh=CATEGORY_ZH[check.category],
                    severity=verdict.severity,
                    severity_zh=SEVERITY_ZH[verdict.severity],
                    score=verdict.score,
                    labels=verdict.labels,
                    spans=hit.spans,
                    excerpt=hit.excerpt,
                    rules=refs,
                    suggestion=check.suggestion,
                    note=verdict.note,
                    rule_text=[rule_line(r) for r in refs],
                )
            )
        return out


def self_check(text: str, rulebook, registry: DetectorRegistry | None = None) -> list[SelfCheckHit]:
    """Check one draft message; builds a `SelfChecker` (keep one instead when checking many)."""
    return SelfChecker(rulebook, registry).check(text)
