"""Tiny detectors for loader/case-runner tests (independent of the real detectors)."""

from __future__ import annotations

from pydantic import Field

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry, Params
from hongxian.schema import Evidence, Finding, Subject


class KeywordParams(Params):
    keywords: list[str] = Field(min_length=1)


class AmountParams(Params):
    min_total_fen: int = Field(gt=0)
    kind: str = "red_packet"


def _keyword_run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    out = []
    messages = ctx.dataset["messages"].to_pylist()
    for b in bound_checks:
        for m in messages:
            hits = [k for k in b.params.keywords if k in (m["text"] or "")]
            if hits:
                ev = Evidence(table="messages", id=m["message_id"], ts=m["ts"], excerpt=m["text"])
                out.append(
                    ctx.finding(
                        b,
                        Subject(kind="account", id=m["sender_account"]),
                        [ev],
                        f"命中关键词：{'、'.join(hits)}",
                        1.0,
                        keys=[m["message_id"]],
                    )
                )
    return out


def _amount_run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    out = []
    payments = ctx.dataset["payments"].to_pylist()
    for b in bound_checks:
        by_payee: dict[str, list[dict]] = {}
        for p in payments:
            if p["kind"] == b.params.kind and p["status"] != "refunded":
                by_payee.setdefault(p["payee_account"], []).append(p)
        for payee, rows in sorted(by_payee.items()):
            total = sum(r["amount_fen"] for r in rows)
            if total >= b.params.min_total_fen:
                ev = [
                    Evidence(table="payments", id=r["payment_id"], ts=r["ts"], amount_fen=r["amount_fen"])
                    for r in rows
                ]
                sev = "high" if total >= 10 * b.params.min_total_fen else None
                out.append(
                    ctx.finding(
                        b,
                        Subject(kind="account", id=payee),
                        ev,
                        f"合计 {total / 100:.2f} 元",
                        0.9,
                        severity=sev,
                    )
                )
    return out


KEYWORD = Detector(
    name="test_keyword",
    params_model=KeywordParams,
    needs=("messages",),
    run=_keyword_run,
    description="测试用关键词检测器",
)
AMOUNT = Detector(
    name="test_amount",
    params_model=AmountParams,
    needs=("payments",),
    run=_amount_run,
    description="测试用金额检测器",
)


def make_registry() -> DetectorRegistry:
    return DetectorRegistry([KEYWORD, AMOUNT])
