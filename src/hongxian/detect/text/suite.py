"""The text suite: all text checks over the messages table in one engine pass per Arrow batch.

`TextSpec` describes one text detector (its params model, its keywords and its per-message
evaluation). `CompiledSuite` compiles the rules of every bound check into one `TextEngine` and
evaluates a batch of texts; `run_text_checks` turns a dataset into findings aggregated per
(check, subject). Each detector's own `Detector.run` is the same suite restricted to its checks,
so rule cases and `screen` share one code path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from hongxian.detect.base import BoundCheck
from hongxian.detect.text.engine import DEFAULT_BACKEND, KeywordKey, TextEngine, TextScan
from hongxian.detect.text.env import MsgMeta, TextEnv
from hongxian.detect.text.learned.model import TextModel
from hongxian.detect.text.learned_layer import LearnedLayer
from hongxian.detect.text.names import NameFinder
from hongxian.detect.text.prefilter import PREFILTER_BACKEND, Prefilter
from hongxian.detect.text.spec import EvalInput, ModelView, TextSpec, Verdict
from hongxian.normalize import Normalized

SKIP_KINDS = frozenset({"system", "call", "voice", "sticker"})
BATCH = 65536


@dataclass(slots=True)
class Hit:
    rule: int
    row: int
    """Index of the text in its batch's list of screened texts (the message is `meta`)."""
    field: str
    norm: Normalized
    verdict: Verdict
    meta: MsgMeta | None = None


@dataclass
class CompiledSuite:
    rules: list[tuple[BoundCheck, TextSpec]]
    engine: TextEngine
    names: NameFinder
    locator: Callable | None
    prefilter: Prefilter | None = None
    """Row selection on the Arrow buffers before the exact path (None: every text is scanned)."""
    learned: LearnedLayer | None = None
    """The learned scorer, when a learned check is bound (it then sees every text)."""

    @classmethod
    def build(
        cls,
        bound: Iterable[BoundCheck],
        specs: dict[str, TextSpec],
        *,
        known_names: Iterable[str] = (),
        backend: str = DEFAULT_BACKEND,
        locator: Callable | None = None,
        prefilter_backend: str | None = PREFILTER_BACKEND,
        model: TextModel | None = None,
    ) -> CompiledSuite:
        rules = [(b, specs[b.check.detector]) for b in bound if b.check.detector in specs]
        keywords: dict[str, list[KeywordKey]] = {}
        for ri, (b, spec) in enumerate(rules):
            for word, keys in spec.keywords(b.params, ri).items():
                keywords.setdefault(word, []).extend(keys)
        engine = TextEngine(
            keywords, digits=any(_wants_digits(spec, b) for b, spec in rules), backend=backend
        )
        pre = None
        if prefilter_backend is not None:
            triggers = [p for p, trig in zip(engine.patterns, engine.triggers.tolist(), strict=True) if trig]
            pre = Prefilter(triggers, engine.tables, digits=engine.digits, backend=prefilter_backend)
        return cls(rules, engine, NameFinder(known_names), locator, pre, LearnedLayer.build(rules, model))

    def evaluate(
        self,
        texts: list[str],
        fields: list[str],
        metas: Callable[[list[int]], dict[int, MsgMeta]],
        env: TextEnv,
        exact: list[bool] | None = None,
    ) -> list[Hit]:
        """Evaluate a batch of texts; `metas(indices)` gives the messages of the texts that hit (in bulk).

        `exact[i]` says whether text i can produce a keyword scan (the pre-filter's answer; None: all
        can). With a learned check, every text is scored and the texts over a threshold are evaluated
        too. Equal texts are normalised, scored and scanned once (chats repeat themselves: forwarded
        notices, spam, "好的"); each message is still evaluated with its own field and metadata, and
        the keyword scores of equal texts are computed once (`EvalInput.memo`)."""
        where: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            where.setdefault(text, []).append(i)
        distinct = list(where)
        probs = self.learned.score(distinct) if self.learned is not None else None
        chosen = self._chosen(distinct, where, exact, probs, len(texts))
        forced: set[int] = set()
        if probs is not None and self.learned is not None:
            forced = set(np.flatnonzero(self.learned.forced(probs[chosen])).tolist())
        scans = self.engine.scan([distinct[k] for k in chosen], force=forced)
        if not scans:
            return []
        rows_of = [where[distinct[chosen[scan.index]]] for scan in scans]
        meta_of = metas([i for rows in rows_of for i in rows])
        memo: dict = {}
        prob_rows = [probs[chosen[scan.index]] if probs is not None else None for scan in scans]
        views = self._views(scans, prob_rows)
        out: list[Hit] = []
        for scan, rows, prob_row, view in zip(scans, rows_of, prob_rows, views, strict=True):
            for i in rows:
                out.extend(self._evaluate_row(scan, i, fields[i], meta_of[i], env, prob_row, view, memo))
        out.sort(key=lambda h: (h.row, h.rule))  # message order, as without de-duplication
        return out

    def _chosen(self, distinct: list[str], where, exact: list[bool] | None, probs, n: int) -> list[int]:
        """Distinct texts that go down the exact path: those the pre-filter kept (any of their messages),
        and those the learned scorer puts over a threshold."""
        keep = np.ones(len(distinct), dtype=bool)
        if exact is not None and len(distinct) == n:  # all texts distinct: in message order
            keep = np.asarray(exact, dtype=bool)
        elif exact is not None:
            keep = np.fromiter(
                (any(exact[i] for i in where[t]) for t in distinct), dtype=bool, count=len(distinct)
            )
        if probs is not None and self.learned is not None:
            keep = keep | self.learned.forced(probs)
        return np.flatnonzero(keep).tolist()

    def _views(self, scans: list[TextScan], prob_rows: list) -> list[ModelView | None]:
        """Per scanned text, what the learned scorer says of it when one of its checks is due; the
        explanations those checks will show are computed for the whole batch at once."""
        if self.learned is None:
            return [None] * len(scans)
        due = [p is not None and bool(self.learned.due(p)) for p in prob_rows]
        items = [(s.norm.text, p) for s, p, d in zip(scans, prob_rows, due, strict=True) if d]
        ready = self.learned.explain_due(items)
        return [
            self.learned.view(p, s.norm.text, ready) if d else None
            for s, p, d in zip(scans, prob_rows, due, strict=True)
        ]

    def _evaluate_row(
        self, scan: TextScan, i: int, field_name: str, meta, env, prob_row, view, memo
    ) -> list[Hit]:
        per_rule = _split(scan)
        todo = {ri for ri, hs in per_rule.items() if _live_trigger(hs)}
        if scan.candidates:
            todo |= {ri for ri, (b, spec) in enumerate(self.rules) if _wants_digits(spec, b)}
        if prob_row is not None and self.learned is not None:
            todo |= self.learned.due(prob_row)
        verdicts: list[tuple[int, Verdict]] = []
        for ri in sorted(todo):
            bound, spec = self.rules[ri]
            inp = EvalInput(
                bound.params,
                bound,
                scan.norm,
                field_name,
                per_rule.get(ri, []),
                scan.candidates,
                meta,
                env,
                self.names,
                self.locator,
                memo,
                view,
            )
            verdict = spec.evaluate(inp)
            if verdict is not None:
                verdicts.append((ri, verdict))
        if self.learned is not None and verdicts:
            keep = self.learned.resolve(verdicts, prob_row, field_name)
            verdicts = [verdicts[k] for k in keep]
        return [Hit(ri, i, field_name, scan.norm, v, meta) for ri, v in verdicts]


def _live_trigger(hits: list[tuple[str, int, int, int]]) -> bool:
    """A trigger word that is not inside one of the rule's exclusion phrases (接龙 in 接龙报名)."""
    excl = [(s, e) for k, _, s, e in hits if k == "x"]
    if not excl:
        return any(h[0] == "g" for h in hits)
    return any(k == "g" and not any(xs <= s and e <= xe for xs, xe in excl) for k, _, s, e in hits)


def _wants_digits(spec: TextSpec, bound: BoundCheck) -> bool:
    return spec.digits is not None and spec.digits(bound.params)


def _split(scan: TextScan) -> dict[int, list[tuple[str, int, int, int]]]:
    per_rule: dict[int, list[tuple[str, int, int, int]]] = {}
    for (kind, ri, idx), s, e in scan.hits:
        found = per_rule.get(ri)
        if found is None:
            found = per_rule[ri] = []
        found.append((kind, idx, s, e))
    return per_rule
