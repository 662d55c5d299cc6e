"""Text hits → findings: one per (check, subject), all evidence items, masked excerpts, explanation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from hongxian.detect.base import DetectContext, RefResolver
from hongxian.detect.text.attachments import AttachMeta, box_of
from hongxian.detect.text.env import TextEnv
from hongxian.detect.text.explain import Item, explain, quoted
from hongxian.detect.text.rules import max_severity
from hongxian.labels import TEXT_FIELD_ZH
from hongxian.pii import excerpt, mask_spans, pii_mask
from hongxian.rulebook.models import Check
from hongxian.schema import Evidence, Finding, RuleRef, Subject, Window

MAX_EVIDENCE = 200


def masked_evidence(hit, table: str = "messages") -> Evidence:
    norm, verdict = hit.norm, hit.verdict
    masked = mask_spans(norm.original, pii_mask(norm, verdict.mask))
    spans = [norm.span(s, e) for s, e in verdict.spans]
    text, offset = excerpt(masked, spans)
    shift = (1 if offset else 0) - offset
    ex_spans = [(max(0, s + shift), min(len(text), e + shift)) for s, e in spans if e + shift > 0]
    note = f"{TEXT_FIELD_ZH.get(hit.field, hit.field)}；命中：{'、'.join(verdict.labels)}"
    if verdict.note:
        note += f"；{verdict.note}"
    if isinstance(hit.meta, AttachMeta):
        table = hit.meta.table
        box = box_of(hit)
        if box:
            note += f"；识别位置（像素）：{box}"
    return Evidence(
        table=table, id=hit.meta.message_id, ts=hit.meta.ts, excerpt=text, spans=ex_spans, note=note
    )


def _ts_key(hit) -> tuple:
    ts = hit.meta.ts
    return (ts is None, ts.timestamp() if isinstance(ts, datetime) else 0.0, hit.meta.message_id, hit.field)


def _finding(ctx: DetectContext, suite, ri: int, subject: Subject, hits: list, env: TextEnv) -> Finding:
    bound, spec = suite.rules[ri]
    hits.sort(key=_ts_key)
    evidence = [masked_evidence(h) for h in hits[:MAX_EVIDENCE]]
    times = [h.meta.ts for h in hits if h.meta.ts is not None]
    window = Window(start=min(times), end=max(times)) if times else None
    best = max(h.verdict.score for h in hits)
    score = min(1.0, best + 0.05 * (len({h.meta.message_id for h in hits}) - 1))
    severity = max_severity(*(h.verdict.severity for h in hits)) or bound.check.severity
    items = [
        Item(
            h.meta.ts.date().isoformat() if h.meta.ts else "日期不详",
            env.chat_label(h.meta),
            h.field,
            tuple(h.verdict.labels),
        )
        for h in hits
    ]
    notes = list(dict.fromkeys(h.verdict.note for h in hits if h.verdict.note))
    attached = {h.field for h in hits if isinstance(h.meta, AttachMeta)}

    def phrase(field: str, labels: list[str]) -> str:
        return f"发送的{field}含{quoted(labels)}" if field in attached else spec.phrase(field, labels)

    text = explain(subject.name or subject.id, items, phrase, notes, shown=len(evidence))
    return ctx.finding(bound, subject, evidence, text, score, severity=severity, window=window)


class _RefCache:
    """The rulebook with `resolve_refs` memoised per (check, conduct day): thousands of findings share
    a handful of (check, day) pairs, and each resolution deep-copies the rule references."""

    def __init__(self, rulebook: RefResolver):
        self._book = rulebook
        self._memo: dict[tuple[str, date | datetime | None], list[RuleRef]] = {}

    def resolve_refs(self, check: Check, on: date | datetime | None = None) -> list[RuleRef]:
        key = (check.id, on)
        refs = self._memo.get(key)
        if refs is None:
            refs = self._memo[key] = self._book.resolve_refs(check, on)
        return list(refs)

    def __getattr__(self, name):
        return getattr(self._book, name)


def build_findings(ctx: DetectContext, suite, hits: list, env: TextEnv) -> list[Finding]:
    ctx = DetectContext(ctx.dataset, _RefCache(ctx.rulebook), ctx.settings, ctx.derived)
    groups: dict[tuple[int, str, str], list] = defaultdict(list)
    subjects: dict[tuple[str, str], Subject] = {}
    for h in hits:
        subject = env.subject(h.meta.sender)
        subjects[(subject.kind, subject.id)] = subject
        groups[(h.rule, subject.kind, subject.id)].append(h)
    findings = [
        _finding(ctx, suite, ri, subjects[(kind, sid)], hs, env)
        for (ri, kind, sid), hs in sorted(groups.items(), key=lambda kv: kv[0])
    ]
    return findings
