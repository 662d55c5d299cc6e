"""The types a text detector is made of: its `TextSpec`, the `EvalInput` of one message and its `Verdict`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hongxian.detect.base import BoundCheck, Params
from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.names import NameFinder
from hongxian.normalize import Normalized


@dataclass(slots=True)
class Verdict:
    score: float
    severity: str
    labels: list[str]
    spans: list[tuple[int, int]]
    """Normalised-text offsets of what triggered."""
    mask: list[tuple[int, int, str]] = field(default_factory=list)
    note: str | None = None


@dataclass(slots=True)
class EvalInput:
    params: Params
    bound: BoundCheck
    norm: Normalized
    field: str
    hits: list[tuple[str, int, int, int]]
    candidates: list[tuple[int, int]]
    meta: MsgMeta
    env: TextEnv
    names: NameFinder
    locator: Callable | None = None
    memo: dict | None = None
    """Per-batch cache of pure functions of (rule, normalised text, field, …), e.g. keyword scores."""

    @property
    def text(self) -> str:
        return self.norm.text


@dataclass(frozen=True)
class TextSpec:
    name: str
    params_model: type[Params]
    keywords: Callable[[Params, int], dict[str, list[tuple]]]
    evaluate: Callable[[EvalInput], Verdict | None]
    phrase: Callable[[str, list[str]], str]
    """(field, labels) → what the subject did, e.g. 发布标有「讨论稿」的文件."""
    digits: Callable[[Params], bool] | None = None
    """Whether a rule with these params needs digit-run candidates (privacy: when it has number kinds)."""
    description: str = ""
