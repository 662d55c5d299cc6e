"""Typed models of the rulebook: published codes (provisions, penalty ladders, precedents) and checks.

Codes (``rulebook/codes/*.yaml``) are published rules. A code *family* (e.g. ``ccp-discipline``)
may have several versions (2015 / 2018 / 2023); each version file has ``in_force_from`` and its
own article numbers, while a provision's ``id`` is stable across versions, so a check cites
``{code: ccp-discipline, provision: gifts-accept}`` and the version in force on the date of the
conduct picks the article number.

Checks (``rulebook/checks/*.yaml``) say what to screen: detector + typed params + refs + cases.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hongxian.schema import Category, Severity


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201d"
_FOLD_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


class _ZhText(_Strict):
    """Published text: YAML folding (``>-``) puts a space at each line break; between Chinese characters
    drop it."""

    @model_validator(mode="before")
    @classmethod
    def _unfold(cls, data):
        if isinstance(data, dict):
            return {k: _FOLD_SPACE.sub("", v) if isinstance(v, str) else v for k, v in data.items()}
        return data


class PenaltyLadder(_Strict):
    """Penalties by 情节 as published; keys absent where the code has no such step."""

    较轻: str | None = None
    一般: str | None = None
    较重: str | None = None
    严重: str | None = None
    text: str | None = Field(default=None, description="the ladder as one published sentence")

    def as_text(self) -> str:
        if self.text:
            return self.text
        steps = [
            ("情节较轻的", self.较轻),
            ("", self.一般),
            ("情节较重的", self.较重),
            ("情节严重的", self.严重),
        ]
        return "；".join(f"{k}，{v}" if k else v for k, v in steps if v)


class Precedent(_ZhText):
    id: str
    title: str
    date: str | None = None
    facts: str
    provisions: list[str] = Field(default_factory=list, description="code-family:provision refs applied")
    outcome: str
    source: str | None = None
    note: str | None = Field(default=None, description="e.g. the source does not name the article applied")


class Provision(_ZhText):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    number: int | str | None = None
    article: str = Field(description="as published, e.g. 第六十八条 / 第六条 / 第二项")
    title: str
    text: str
    verified: bool = True
    screened: bool = True
    not_screened_reason: str | None = None
    penalties: PenaltyLadder | None = None
    precedents: list[str] = Field(default_factory=list)
    note: str | None = None


class Code(_ZhText):
    family: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$", description="stable id of the code across versions"
    )
    version: str | None = None
    title: str
    short_title: str | None = None
    issuer: str | None = None
    document_number: str | None = None
    in_force_from: date | None = None
    region: str | None = None
    source: str | None = None
    verified_note: str | None = None
    provisions: list[Provision]
    precedents: list[Precedent] = Field(default_factory=list)

    @property
    def code_id(self) -> str:
        return f"{self.family}@{self.version}" if self.version else self.family

    @property
    def citation(self) -> str:
        """The code as written in a finding, e.g. 中国共产党纪律处分条例(2018)."""
        return f"{self.title}({self.version})" if self.version else self.title


class Ref(_Strict):
    code: str = Field(description="code family id")
    provision: str


class CheckCase(_Strict):
    """A should-fire / should-not-fire example that the test suite runs (semgrep-style)."""

    name: str
    expect: Literal["fire", "no-fire"]
    text: str | None = None
    sender: str | None = None
    ts: str | None = None
    data: dict[str, list[dict[str, Any]]] | None = Field(
        default=None, description="small canonical tables: {people: [...], payments: [...], ...}"
    )
    expect_severity: Severity | None = None
    note: str | None = None


CHECK_FAMILY: dict[str, str] = {
    "integrity.gift_money": "gift-money",
    "integrity.vote_buying": "vote-buying",
    "integrity.gambling": "gambling",
    "integrity.commerce": "commerce",
    "network.association": "association",
    "secrecy.leak": "secrecy",
    "privacy.disclosure": "privacy",
    "governance.workgroup": "workgroup",
    "governance.account": "account",
}
"""The id scheme of checks: ``<family>.<name>``, the family fixed by the category
(``gambling.lottery-promo``)."""

_CHECK_ID = r"^[a-z0-9][a-z0-9._-]*$"


class Check(_Strict):
    id: str = Field(pattern=_CHECK_ID)
    aliases: list[Annotated[str, Field(pattern=_CHECK_ID)]] = Field(
        default_factory=list,
        description="former ids, oldest first: finding ids are fingerprinted on the first id a check had",
    )
    category: Category
    severity: Severity
    title: str
    description: str | None = None
    refs: list[Ref] = Field(min_length=1)
    detector: str
    params: dict[str, Any] = Field(default_factory=dict)
    suggestion: str | None = Field(default=None, description="发前自检: what to do instead (zh)")
    cases: list[CheckCase] = Field(min_length=4)
    enabled: bool = True

    @property
    def fingerprint_id(self) -> str:
        """The id finding ids are derived from: the check's first id, so a renamed check keeps its
        findings (and their review decisions) under the same finding ids."""
        return self.aliases[0] if self.aliases else self.id
