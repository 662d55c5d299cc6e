"""The types a text detector is made of: its `TextSpec`, the `EvalInput` of one message and its `Verdict`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from hongxian.detect.base import BoundCheck, Params
from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.names import NameLookup
from hongxian.normalize import Normalized

P = TypeVar("P", bound=Params)
"""The params model of one text detector."""


@dataclass(slots=True)
class Verdict:
    score: float
    severity: str
    labels: list[str]
    spans: list[tuple[int, int]]
    """Normalised-text offsets of what triggered."""
    mask: list[tuple[int, int, str]] = field(default_factory=list)
    note: str | None = None
    in_context: bool = False
    """The verdict rests on case facts the learned scorer never sees (an election window from
    events.csv …): the scorer's veto does not apply to it."""


@dataclass(slots=True)
class ModelView:
    """What the learned scorer says about one text (only when a learned check is bound)."""

    probs: dict[str, float]
    """Category → probability."""
    thresholds: dict[str, float]
    """Category → the probability at which a learned check fires."""
    explain: Callable[[str], Any]
    """Category → `learned.model.Explanation` of this text (computed on demand)."""
    version: str
    rescore: Callable[[str], dict[str, float]] | None = None
    """Category → probability of another text (this one with the sender's own number blanked …)."""


@dataclass(slots=True)
class EvalInput(Generic[P]):
    params: P
    bound: BoundCheck
    norm: Normalized
    field: str
    hits: list[tuple[str, int, int, int]]
    candidates: list[tuple[int, int]]
    meta: MsgMeta
    env: TextEnv
    names: NameLookup
    locator: Callable | None = None
    memo: dict | None = None
    """Per-batch cache of pure functions of (rule, normalised text, field, …), e.g. keyword scores."""
    model: ModelView | None = None

    @property
    def text(self) -> str:
        return self.norm.text


@dataclass(frozen=True)
class TextSpec(Generic[P]):
    name: str
    params_model: type[P]
    keywords: Callable[[P, int], dict[str, list[tuple]]]
    evaluate: Callable[[EvalInput[P]], Verdict | None]
    phrase: Callable[[str, list[str]], str]
    """(field, labels) → what the subject did, e.g. 发布标有「讨论稿」的文件."""
    digits: Callable[[P], bool] | None = None
    """Whether a rule with these params needs digit-run candidates (privacy: when it has number kinds)."""
    description: str = ""
