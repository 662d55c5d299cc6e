"""Glue shared by the payment typologies: subjects, windows, and turning a scorecard into a Finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from hongxian.detect.base import BoundCheck, DetectContext
from hongxian.detect.payments.explain import availability, evidence_of
from hongxian.detect.payments.frame import PaymentFrame
from hongxian.detect.payments.scoring import Scorecard, ScoredParams
from hongxian.labels import ROUTE_VIA_ZH
from hongxian.schema import Evidence, Finding, Subject, Window

TIME_COLS = "payment_id, ts, tsec, day_no, kind, amount_fen, memo, origin, returned, chat_id"


def subject_of(frame: PaymentFrame, key: str) -> Subject:
    if frame.is_person(key):
        return Subject(kind="person", id=key, name=frame.name(key))
    return Subject(kind="account", id=key, name=frame.name(key))


def related_of(frame: PaymentFrame, keys: Iterable[str]) -> list[Subject]:
    return [subject_of(frame, k) for k in sorted({k for k in keys if k})]


@dataclass
class Candidate:
    """One (subject, window) a typology scored, with the payments behind it."""

    subject: str
    key: str
    features: dict
    rows: list[dict]
    card: Scorecard
    summary: str
    related: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    context_rows: list[dict] = field(default_factory=list)
    title: str | None = None
    extra_evidence: list[Evidence] = field(default_factory=list)


def window_of(rows: list[dict]) -> Window | None:
    times = [r["ts"] for r in rows if r.get("ts") is not None]
    if not times:
        return None
    return Window(start=min(times), end=max(times))


def explanation(c: Candidate, params: ScoredParams) -> str:
    level = {"alert": "达到预警阈值", "watch": "达到关注阈值"}[c.card.level]
    threshold = params.alert if c.card.level == "alert" else params.watch
    return (
        f"{c.summary}（{availability(c.rows)}）。评分 {c.card.total:g}，{level} {threshold:g}："
        f"{c.card.reasons()}。"
    )


def to_finding(ctx: DetectContext, bound: BoundCheck, frame: PaymentFrame, c: Candidate) -> Finding:
    params: ScoredParams = bound.params
    rows = c.rows + c.context_rows
    start = min(r["ts"] for r in c.rows)
    return ctx.finding(
        bound,
        subject_of(frame, c.subject),
        evidence_of(rows, c.notes) + c.extra_evidence,
        explanation(c, params),
        c.card.score01(params),
        severity=c.card.severity(bound.check.severity, params),
        window=window_of(c.rows),
        conduct_date=start,
        keys=[c.key],
        related=related_of(frame, c.related),
        title=c.title,
    )


def findings_of(
    ctx: DetectContext, bound: BoundCheck, frame: PaymentFrame, candidates: Iterable[Candidate]
) -> list[Finding]:
    return [to_finding(ctx, bound, frame, c) for c in candidates if c.card.fired and c.rows]


def group_rows(rows: Iterable[dict], *keys: str) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


def first_last(rows: list[dict]) -> tuple[datetime, datetime]:
    times = [r["ts"] for r in rows]
    return min(times), max(times)


def route_notes(frame: PaymentFrame, rows: list[dict]) -> dict[str, str]:
    """Evidence notes for money that took an indirect route (``via_recipient``/``via_payer`` rows)."""
    notes: dict[str, str] = {}
    for r in rows:
        parts = []
        if r.get("via_payer"):
            parts.append(
                f"由{frame.name(r['cp'])}的{ROUTE_VIA_ZH[r['via_payer']]}{frame.name(r['payer'])}支付"
            )
        if r.get("via_recipient"):
            parts.append(f"经{ROUTE_VIA_ZH[r['via_recipient']]}{frame.name(r['recipient'])}账户收取")
        if parts:
            notes[r["payment_id"]] = "，".join(parts)
    return notes


def route_phrase(frame: PaymentFrame, rows: list[dict]) -> str:
    """``；其中 2 笔经配偶王某账户收取，1 笔由送款人的雇员代付`` (empty when every payment is direct)."""
    acc = [r for r in rows if not r["returned"]]
    parts = []
    by_recipient = group_rows([r for r in acc if r.get("via_recipient")], "via_recipient", "recipient")
    for (via, who), rs in sorted(by_recipient.items()):
        parts.append(f"{len(rs)} 笔经{ROUTE_VIA_ZH[via]} {frame.name(who)} 的账户收取")
    by_payer = group_rows([r for r in acc if r.get("via_payer")], "via_payer")
    for (via,), rs in sorted(by_payer.items()):
        parts.append(f"{len(rs)} 笔由送款人的{ROUTE_VIA_ZH[via]}代付（依据登记的关系）")
    return f"；其中{'，'.join(parts)}" if parts else ""
