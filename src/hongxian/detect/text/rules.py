"""Keyword-rule params (validated from a check's ``params``) and the generic scorer.

A rule has term groups (a group's words share a weight, a label and a severity), context rules
(words within a character window before/after a trigger, or near the top of the text, that raise
or lower the score) and exclusion phrases (a trigger inside an exclusion phrase does not count:
优惠 inside 优惠政策, 拉票 inside 严禁拉票). Each group counts once with its weight; a message fires
when it has a trigger and its score reaches the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from hongxian.detect.base import Params
from hongxian.detect.text.spec import Verdict
from hongxian.schema import SEVERITIES, Severity

TextField = Literal["text", "file_name"]
_ALL_FIELDS: tuple[TextField, ...] = ("text", "file_name")


class TermGroup(Params):
    name: str = Field(description="中文名称，用于说明，例如「讨论稿」")
    words: list[str] = Field(min_length=1)
    weight: float = 1.0
    role: Literal["trigger", "support"] = "trigger"
    severity: Severity | None = None
    fields: list[TextField] = Field(default_factory=lambda: list(_ALL_FIELDS))
    needs_person: bool = Field(default=False, description="counts only with a named person nearby")
    person_window: int = 16
    work_group_weight: float | None = Field(
        default=None,
        description="weight when posted in a registered work group (e.g. drafts circulated internally)",
    )
    max_count: int = Field(
        default=1, ge=1, description="distinct words of this group that add up (weak signals)"
    )


class ContextRule(Params):
    name: str
    words: list[str] = Field(min_length=1)
    effect: float = Field(
        description="added to the score once when any word is in the window (negative lowers)"
    )
    before: int | None = Field(
        default=24, description="chars before a trigger; None with after=None: anywhere"
    )
    after: int | None = 24
    head: int | None = Field(
        default=None, description="instead of a window: within the first N chars of the text"
    )


class KeywordParams(Params):
    groups: list[TermGroup] = Field(min_length=1)
    context: list[ContextRule] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    threshold: float = 1.0
    _plan: Any = PrivateAttr(default=None)
    """(groups, flat view of the groups for scoring), built on first use (`_Plan.of`)."""


@dataclass
class Scored:
    score: float
    severity: str | None
    labels: list[str]
    spans: list[tuple[int, int]]
    groups: set[str] = field(default_factory=set)
    context: list[str] = field(default_factory=list)


def max_severity(*values: str | None) -> str | None:
    vals = [v for v in values if v]
    return max(vals, key=SEVERITIES.index) if vals else None


def raise_severity(sev: str, steps: int = 1) -> str:
    return SEVERITIES[min(len(SEVERITIES) - 1, SEVERITIES.index(sev) + steps)]


def rule_keywords(params: KeywordParams, rule_idx: int) -> dict[str, list[tuple]]:
    """Keyword → keys for the engine: ("g" trigger | "s" support, rule, group) / ("c", rule, ctx) /
    ("x", rule, 0)."""
    out: dict[str, list[tuple]] = {}
    for gi, g in enumerate(params.groups):
        kind = "g" if g.role == "trigger" else "s"  # only trigger words start an evaluation
        for w in g.words:
            out.setdefault(w, []).append((kind, rule_idx, gi))
    for ci, c in enumerate(params.context):
        for w in c.words:
            out.setdefault(w, []).append(("c", rule_idx, ci))
    for w in params.exclude:
        out.setdefault(w, []).append(("x", rule_idx, 0))
    return out


def _in_window(ctx: ContextRule, spans: list[tuple[int, int]], s: int, e: int) -> bool:
    if ctx.head is not None:
        return s < ctx.head
    if ctx.before is None and ctx.after is None:
        return True
    before, after = ctx.before or 0, ctx.after or 0
    return any(ts - before <= s and e <= te + after for ts, te in spans)


def _outermost(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop hits inside a longer hit (公示 inside 还没公示)."""
    if len(hits) < 2:
        return hits
    return [
        h
        for h in hits
        if not any(o[1] <= h[1] and h[2] <= o[2] and (o[2] - o[1]) > (h[2] - h[1]) for o in hits)
    ]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The groups of a `KeywordParams` as flat tuples (read on every scored message)."""

    trigger: tuple[bool, ...]
    fields: tuple[frozenset[str], ...]
    person_window: tuple[int | None, ...]
    """None: the group needs no named person."""

    @classmethod
    def of(cls, params: KeywordParams) -> _Plan:
        private = params.__pydantic_private__  # one dict lookup (pydantic's __getattr__ is slow here)
        assert private is not None  # KeywordParams declares a private attribute (_plan)
        gs = params.groups
        cached = private["_plan"]
        if cached is not None and cached[0] is gs:  # a model_copy(update=groups) gets a new plan
            return cached[1]
        plan = cls(
            tuple(g.role == "trigger" for g in gs),
            tuple(frozenset(g.fields) for g in gs),
            tuple(g.person_window if g.needs_person else None for g in gs),
        )
        private["_plan"] = (gs, plan)
        return plan


def _usable(plan: _Plan, text: str, field_name: str, hits, names) -> list[tuple[int, int, int]]:
    """(group, start, end) of the group words that count: not inside an exclusion phrase, in a field the
    group looks at, with a named person nearby when the group needs one."""
    excl = [(s, e) for k, _, s, e in hits if k == "x"]
    out: list[tuple[int, int, int]] = []
    for k, gi, s, e in hits:
        if (k != "g" and k != "s") or field_name not in plan.fields[gi]:
            continue
        if excl and any(xs <= s and e <= xe for xs, xe in excl):
            continue
        window = plan.person_window[gi]
        if window is not None and (names is None or names.near(text, s, e, window) is None):
            continue
        out.append((gi, s, e))
    return out


def score_keywords(
    params: KeywordParams,
    text: str,
    field_name: str,
    hits: list[tuple[str, int, int, int]],
    names=None,
    in_work_group: bool = False,
) -> Scored | None:
    """Score one text against one rule. `hits` are (kind, index, start, end) in normalised offsets."""
    plan = _Plan.of(params)
    trig = _usable(plan, text, field_name, hits, names)
    is_trigger = plan.trigger
    spans = [(s, e) for gi, s, e in trig if is_trigger[gi]]
    if not spans:
        return None
    if len(spans) < len(
        trig
    ):  # a support word inside a trigger word (投票 in 投票给我) is not a second signal
        trig = [
            (gi, s, e)
            for gi, s, e in trig
            if is_trigger[gi] or not any(ts <= s and e <= te and (ts, te) != (s, e) for ts, te in spans)
        ]
    words: dict[int, set[str]] = {}
    for gi, s, e in trig:
        words.setdefault(gi, set()).add(text[s:e])
    score = 0.0
    for gi, found in words.items():
        g = params.groups[gi]
        w = g.work_group_weight if in_work_group and g.work_group_weight is not None else g.weight
        score += w * min(len(found), g.max_count)
    applied: list[str] = []
    ctx_hits = _outermost([(i, s, e) for k, i, s, e in hits if k == "c"])
    if ctx_hits:
        live = {i for i, _, _ in ctx_hits}
        for ci, ctx in enumerate(params.context):
            if ci in live and any(i == ci and _in_window(ctx, spans, s, e) for i, s, e in ctx_hits):
                score += ctx.effect
                applied.append(ctx.name)
    labels = list(dict.fromkeys(text[s:e] for _, s, e in _outermost(sorted(trig, key=lambda t: t[1]))))
    severity = max_severity(*(params.groups[gi].severity for gi in words))
    return Scored(
        score, severity, labels, sorted(set(spans)), {params.groups[gi].name for gi in words}, applied
    )


def memo_score(inp, params: KeywordParams, hits, in_work_group: bool = False) -> Scored | None:
    """`score_keywords` for one message, computed once per batch for equal (rule, text, field, group
    kind): it is a pure function of those (the hits and names come from the normalised text alone).
    The result is shared: callers only read it."""
    if inp.memo is None:
        return score_keywords(params, inp.text, inp.field, hits, inp.names, in_work_group)
    key = (id(params), inp.text, inp.field, in_work_group)
    if key not in inp.memo:
        inp.memo[key] = score_keywords(params, inp.text, inp.field, hits, inp.names, in_work_group)
    return inp.memo[key]


def confidence(raw: float, threshold: float) -> float:
    """Score in [0, 1]: 0.6 at the threshold, rising to 1.0 at about twice the threshold."""
    return round(min(1.0, 0.6 + 0.4 * (raw - threshold) / max(threshold, 0.5)), 4)


def keyword_verdict(inp, *, extra: float = 0.0, note: str | None = None):
    """The common evaluation of a `KeywordParams` rule for one text (None when below threshold)."""
    params: KeywordParams = inp.params
    in_work_group = bool(inp.meta.chat_id) and inp.meta.chat_id in inp.env.work_groups
    sc = memo_score(inp, params, inp.hits, in_work_group)
    if sc is None or sc.score + extra < params.threshold - 1e-9:
        return None
    return Verdict(
        confidence(sc.score + extra, params.threshold),
        sc.severity or inp.bound.check.severity,
        sc.labels,
        sc.spans,
        note=note,
    )
