"""Chinese wording shared by the payment typologies: amounts, date spans, data availability, evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from hongxian.labels import PAYMENT_KIND_ZH, PAYMENT_UNIT_ZH
from hongxian.schema import Evidence


def yuan(fen: int | float | None) -> str:
    """``680000`` → ``6,800.00``."""
    if fen is None:
        return "未知"
    return f"{fen / 100:,.2f}"


def span(start: datetime, end: datetime) -> str:
    """``2016-06-02 至 07-18`` (the year is repeated only when it changes)."""
    a, b = start.date(), end.date()
    if a == b:
        return a.isoformat()
    right = b.strftime("%m-%d") if a.year == b.year else b.isoformat()
    return f"{a.isoformat()} 至 {right}"


def relative_to_event(first: datetime, last: datetime, start: date, end: date, event: str) -> str:
    """Where the conduct falls against an event's dates, said plainly: ``换届选举（2017-02-15 至 02-20）
    前 4 天（2017-02-11）`` rather than "during" when the money came before the vote."""
    a, b = first.date(), last.date()
    dates = start.isoformat() if start == end else f"{start.isoformat()} 至 {end.strftime('%m-%d')}"
    when = span(first, last)
    if b < start:
        days = f"{(start - a).days}" if a == b else f"{(start - b).days}～{(start - a).days}"
        return f"{event}（{dates}）前 {days} 天（{when}）"
    if a > end:
        days = f"{(a - end).days}" if a == b else f"{(a - end).days}～{(b - end).days}"
        return f"{event}（{dates}）结束后 {days} 天（{when}）"
    if start <= a and b <= end:
        return f"{event}期间（{when}）"
    return f"{event}（{dates}）前后（{when}）"


def kind_counts(rows: Iterable[dict]) -> str:
    """``红包 14 个、转账 2 笔`` in a fixed kind order."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    parts = [
        f"{PAYMENT_KIND_ZH[k]} {counts[k]} {PAYMENT_UNIT_ZH[k]}" for k in PAYMENT_KIND_ZH if counts.get(k)
    ]
    return "、".join(parts) or "款项 0 笔"


def total_phrase(rows: list[dict]) -> str:
    """``合计 6,800.00 元``; when some amounts are unknown (chat only) says so."""
    known = [r["amount_fen"] for r in rows if r["amount_fen"] is not None]
    if not known:
        return "金额未知"
    text = f"合计 {yuan(sum(known))} 元"
    missing = len(rows) - len(known)
    return text + (f"（另有 {missing} 笔仅见于聊天记录，金额未知）" if missing else "")


def availability(rows: list[dict]) -> str:
    """What the finding rests on: bill, chat, or both linked."""
    origins = {(r.get("origin") or "").lower() for r in rows}
    has_amount = any(r["amount_fen"] is not None for r in rows)
    if not has_amount:
        return "仅有聊天记录，金额未知，按笔数计"
    if origins <= {"chat"}:
        return "依据聊天记录"
    if "bill+chat" in origins and origins <= {"bill+chat"}:
        return "账单与聊天记录已关联"
    if origins <= {"bill"}:
        return "仅有支付账单，无聊天记录"
    return "依据支付账单与聊天记录（部分已关联）"


def evidence_of(rows: Iterable[dict], notes: dict[str, str] | None = None) -> list[Evidence]:
    """Every payment behind a finding, in time order, with an optional note per payment id."""
    notes = notes or {}
    out, seen = [], set()
    for r in sorted(rows, key=lambda r: (r["ts"], r["payment_id"])):
        if r["payment_id"] in seen:
            continue
        seen.add(r["payment_id"])
        label = PAYMENT_KIND_ZH.get(r["kind"], r["kind"])
        memo = (r.get("memo") or "").strip()
        amount = f"{yuan(r['amount_fen'])} 元" if r["amount_fen"] is not None else "金额未知"
        note = notes.get(r["payment_id"])
        if r.get("returned"):
            note = "已退还（减轻情节）" + (f"；{note}" if note else "")
        out.append(
            Evidence(
                table="payments",
                id=r["payment_id"],
                ts=r["ts"],
                amount_fen=r["amount_fen"],
                excerpt=f"{label} {amount}" + (f"「{memo[:40]}」" if memo else ""),
                note=note,
            )
        )
    return out


def reciprocity_phrase(back_fen: int | None, back_n: int, in_fen: int | None) -> str:
    if not back_n:
        return "未见回礼"
    if back_fen is None or not in_fen:
        return f"回礼 {back_n} 笔"
    return f"回礼 {back_n} 笔 {yuan(back_fen)} 元（占收入 {back_fen / in_fen:.0%}）"
