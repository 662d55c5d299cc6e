"""`integrity.vote_buying` (text side): canvassing (拉票、投我一票、多多支持、选我、推荐我 …) near
election words (换届、选举、民主推荐 …), strongest inside an election window from events.csv.

A canvassing word alone does not fire (新店开业多多支持, 萌宝大赛投我一票); it needs an election word
in the window or an election/recommendation event (event_type 换届选举/民主推荐) covering the
message's date (minus `lead_days`) and concerning its chat (group_ids), sender (person_ids) or the
sender's unit (org_unit).

Canvassing on someone else's behalf (请支持王书记连任, 记得勾刘志刚, 投他一票) and vote prices (一票两百)
are too varied for a word list: `patterns` (regexes on the normalised text) add their weight, but a
message is still evaluated only when a rule word (an election word is one) is present.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field

from hongxian.detect.base import Params
from hongxian.detect.text.explain import quoted
from hongxian.detect.text.rules import KeywordParams, keyword_verdict, raise_severity, rule_keywords
from hongxian.detect.text.spec import EvalInput, TextSpec, Verdict


class CanvassPattern(Params):
    name: str = Field(description="中文名称，例如「请他人投票给某人」")
    regex: str
    weight: float = 0.6


class VoteParams(KeywordParams):
    window_weight: float = Field(default=0.5, description="added inside an election window")
    lead_days: int = Field(default=30, description="days before the event's start that count as its window")
    patterns: list[CanvassPattern] = Field(
        default_factory=list, description="canvassing regexes; the best adds"
    )
    spaced_weight: float = Field(
        default=0.0,
        description="added when a trigger word of 3+ characters is written spaced out (投 我 一 票)",
    )


@lru_cache(maxsize=64)
def _compiled(regex: str) -> re.Pattern:
    return re.compile(regex)


def pattern_weight(p: VoteParams, text: str) -> float:
    """Weight of the strongest canvassing pattern found in the text (0 when none)."""
    return max((c.weight for c in p.patterns if _compiled(c.regex).search(text)), default=0.0)


def spaced_out(inp: EvalInput) -> bool:
    """A trigger word of 3+ characters written with a separator between its characters (投 我 一 票):
    spacing a canvassing phrase out is a way around keyword filters, not ordinary writing."""
    for kind, _, s, e in inp.hits:
        if kind == "g" and e - s >= 3:
            os_, oe = inp.norm.span(s, e)
            if oe - os_ >= 2 * (e - s) - 1:
                return True
    return False


def evaluate(inp: EvalInput[VoteParams]) -> Verdict | None:
    p: VoteParams = inp.params
    events = inp.env.elections_at(inp.meta, p.lead_days)
    extra = (p.window_weight if events else 0.0) + pattern_weight(p, inp.text)
    if p.spaced_weight and spaced_out(inp):
        extra += p.spaced_weight
    verdict = keyword_verdict(inp, extra=extra)
    if verdict is None:
        return None
    if events:
        e = events[0]
        span = f"{e.start or ''} 至 {e.end or ''}".strip()
        verdict.note = f"处于「{e.name}」（{e.event_type}，{span}）期间"
        verdict.severity = raise_severity(verdict.severity)
        verdict.in_context = True
    return verdict


def phrase(field: str, labels: list[str]) -> str:
    return f"发送含{quoted(labels)}的拉票内容"


SPEC = TextSpec(
    name="text.vote_buying",
    params_model=VoteParams,
    keywords=rule_keywords,
    evaluate=evaluate,
    phrase=phrase,
    description="换届选举、民主推荐期间的拉票信息",
)
