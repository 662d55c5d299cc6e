"""The loaded rulebook: codes by family and version, checks bound to detector params, version in force.

A `Rulebook` is built by `hongxian.rulebook.loader.load_rulebook` and passed around (never global).
`resolve_refs(check, on)` turns a check's ``{code, provision}`` refs into the `RuleRef`s a finding
carries: the article number of the code version in force on the date of the conduct, with the
other versions' numbers listed so an investigator can check both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hongxian.rulebook.models import Check, Code, Precedent, Provision, Ref
from hongxian.schema import TZ, RuleRef

_ZONE = ZoneInfo(TZ)

UNVERIFIED_MARK = "（条号待核）"


def article_display(provision: Provision) -> str:
    """The article as shown to users: as published, plus （条号待核） when the number is unverified."""
    if provision.verified or UNVERIFIED_MARK in provision.article:
        return provision.article
    return f"{provision.article}{UNVERIFIED_MARK}"


def ref_label(ref: RuleRef) -> str:
    """One line for a resolved ref: 规范 条号, with the provision title when no number is known."""
    if ref.article.startswith("（"):
        return f"{ref.code}“{ref.title}”{ref.article}"
    return f"{ref.code} {ref.article}"


def _in_force_key(code: Code) -> date:
    return code.in_force_from or date.min


@dataclass(frozen=True)
class BoundCheck:
    """A check with its params already validated into its detector's params model."""

    check: Check
    params: Any


@dataclass(frozen=True)
class Cited:
    """One provision in one code version."""

    code: Code
    provision: Provision

    @property
    def label(self) -> str:
        return f"{self.code.citation} {article_display(self.provision)}"


@dataclass
class Rulebook:
    codes: list[Code]
    checks: list[Check]
    bound: dict[str, BoundCheck]
    version: str
    files: list[str] = field(default_factory=list)
    families: dict[str, list[Code]] = field(init=False)
    precedents: dict[str, tuple[Code, Precedent]] = field(init=False)

    def __post_init__(self) -> None:
        self.codes = sorted(self.codes, key=lambda c: (c.family, _in_force_key(c)))
        self.families = {}
        for code in self.codes:
            self.families.setdefault(code.family, []).append(code)
        self.precedents = {p.id: (c, p) for c in self.codes for p in c.precedents}
        self._checks = {c.id: c for c in self.checks}
        self._checks.update({a: c for c in self.checks for a in c.aliases})  # former ids still resolve
        self._ref_cache: dict[tuple[str, str, date | None], RuleRef] = {}

    # ------------------------------------------------------------------ lookup

    def check(self, check_id: str) -> Check:
        try:
            return self._checks[check_id]
        except KeyError:
            raise KeyError(f"规则库中没有检查项 {check_id}") from None

    def bound_checks(self, enabled_only: bool = True) -> list[BoundCheck]:
        return [b for b in self.bound.values() if b.check.enabled or not enabled_only]

    def checks_citing(self, family: str, provision_id: str) -> list[Check]:
        return [
            c for c in self.checks if any(r.code == family and r.provision == provision_id for r in c.refs)
        ]

    def has_provision(self, family: str, provision_id: str) -> bool:
        return any(_find(code, provision_id) for code in self.families.get(family, ()))

    def version_in_force(self, family: str, on: date | datetime | None) -> Code:
        """The family version with the latest ``in_force_from`` ≤ ``on`` (no date → latest; too early →
        first)."""
        versions = self.families[family]
        day = _day(on)
        if day is None:
            return versions[-1]
        in_force = [v for v in versions if _in_force_key(v) <= day]
        return in_force[-1] if in_force else versions[0]

    def provision(self, family: str, provision_id: str, on: date | datetime | None = None) -> Cited:
        """The provision in the version in force on ``on``; if that version lacks it, the nearest that has
        it."""
        if family not in self.families:
            raise KeyError(f"规则库中没有规范 {family}")
        versions = self.families[family]
        start = versions.index(self.version_in_force(family, on))
        order = sorted(range(len(versions)), key=lambda i: (abs(i - start), i))
        for i in order:
            found = _find(versions[i], provision_id)
            if found:
                return Cited(versions[i], found)
        raise KeyError(f"规范 {family} 中没有条款 {provision_id}")

    def all_versions(self, family: str, provision_id: str) -> list[Cited]:
        return [Cited(c, p) for c in self.families.get(family, ()) if (p := _find(c, provision_id))]

    def provision_screened(self, ref: Ref) -> bool:
        return all(c.provision.screened for c in self.all_versions(ref.code, ref.provision))

    def check_screened(self, check: Check) -> bool:
        """A check screens when it is enabled and every provision it cites is screened."""
        return check.enabled and all(self.provision_screened(r) for r in check.refs)

    # ------------------------------------------------------------------ version in force

    def resolve_ref(self, ref: Ref, on: date | datetime | None) -> RuleRef:
        key = (ref.code, ref.provision, _day(on))
        if key not in self._ref_cache:
            self._ref_cache[key] = self._resolve(ref, key[2])
        return self._ref_cache[key].model_copy(deep=True)

    def _resolve(self, ref: Ref, on: date | None) -> RuleRef:
        chosen = self.provision(ref.code, ref.provision, on)
        others = [c.label for c in self.all_versions(ref.code, ref.provision) if c.code is not chosen.code]
        p = chosen.provision
        return RuleRef(
            code=chosen.code.citation,
            article=article_display(p),
            title=p.title,
            penalties=p.penalties.as_text() if p.penalties else None,
            verified=p.verified,
            code_id=chosen.code.code_id,
            provision_id=p.id,
            other_versions=others,
        )

    def resolve_refs(self, check: Check, on: date | datetime | None = None) -> list[RuleRef]:
        return [self.resolve_ref(ref, on) for ref in check.refs]


def _day(on: date | datetime | None) -> date | None:
    """The calendar day of the conduct in China (aware datetimes are converted to Asia/Shanghai)."""
    if isinstance(on, datetime):
        return (on.astimezone(_ZONE) if on.tzinfo else on).date()
    return on


def _find(code: Code, provision_id: str) -> Provision | None:
    return next((p for p in code.provisions if p.id == provision_id), None)
