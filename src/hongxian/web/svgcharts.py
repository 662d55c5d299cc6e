"""Small server-rendered SVG charts for the pages (no script, CSP-safe): a dossier's money timeline by
month and the member network of a group dossier (association / work-group findings). The dossier page
and a finding's page (charts of the finding's subject) both draw them through `charts`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from hongxian.review.casedata import CaseFacts
from hongxian.review.dossier import Dossier

IN_COLOR, OUT_COLOR, OTHER_COLOR = "#2b7a3d", "#b3261e", "#777777"
W, H, PAD = 720, 220, 40


@dataclass
class Bar:
    month: date
    in_fen: int
    out_fen: int
    other_fen: int


def _months(d: Dossier) -> list[Bar]:
    """Per calendar month with a payment (empty months between are skipped: no axis of empty years)."""
    slots: dict[date, list[int]] = {}
    for r in d.payments:
        if r.ts is None:
            continue
        key = r.ts.date().replace(day=1)
        slot = slots.setdefault(key, [0, 0, 0])
        slot[{"in": 0, "out": 1}.get(d.direction(r), 2)] += r.amount_fen or 0
    return [Bar(m, *v) for m, v in sorted(slots.items())]


def money_timeline(d: Dossier) -> str:
    """Bars per month with payments (收入 green, 支出 red, 方向不明 grey), de-duplicated amounts."""
    bars = _months(d)
    if not bars:
        return ""
    top = max(max(b.in_fen, b.out_fen, b.other_fen) for b in bars) or 1
    slot = (W - 2 * PAD) / len(bars)
    width = max(4.0, min(28.0, slot / 3 - 2))
    parts = [f'<svg class="chart money-timeline" viewBox="0 0 {W} {H}" role="img" aria-label="资金时间线">']
    parts.append(f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>')
    for i, b in enumerate(bars):
        x0 = PAD + i * slot + slot / 2 - 1.5 * width
        for j, (fen, color, label) in enumerate(
            (
                (b.in_fen, IN_COLOR, "收入"),
                (b.out_fen, OUT_COLOR, "支出"),
                (b.other_fen, OTHER_COLOR, "方向不明"),
            )
        ):
            if not fen:
                continue
            h = (H - 2 * PAD) * fen / top
            x, y = x0 + j * width, H - PAD - h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{b.month:%Y-%m} {label} {fen / 100:,.2f} 元</title></rect>'
            )
        parts.append(
            f'<text x="{PAD + i * slot + slot / 2:.1f}" y="{H - PAD + 16}" font-size="11" '
            f'text-anchor="middle">{b.month:%Y-%m}</text>'
        )
    legend = (("收入", IN_COLOR), ("支出", OUT_COLOR), ("方向不明", OTHER_COLOR))
    for k, (label, color) in enumerate(legend):
        parts.append(f'<rect x="{PAD + k * 90}" y="8" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{PAD + k * 90 + 16}" y="19" font-size="12">{label}</text>')
    parts.append(
        f'<text x="{W - PAD}" y="19" font-size="12" text-anchor="end">最高 {top / 100:,.2f} 元/月</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _member_names(d: Dossier, people: dict[str, str]) -> list[str]:
    """Members named by the evidence: people rows, group member rows, senders of cited messages."""
    names: list[str] = []
    for r in d.rows:
        if r.table == "people":
            name = people.get(r.id) or r.id
        elif r.table == "group_members":
            name = r.excerpt or r.id.rsplit("/", 1)[-1]
        elif r.table == "messages" and r.fact is not None:
            name = getattr(r.fact, "sender", "")
        else:
            continue
        if name and name not in names:
            names.append(name)
    return names


def member_network(d: Dossier, people: dict[str, str] | None = None, limit: int = 40) -> str:
    """The group in the middle, the members named in its findings' evidence around it."""
    members = _member_names(d, people or {})[:limit]
    if d.kind != "group" or not members:
        return ""
    size, cx, cy, radius = 520, 260, 260, 200
    parts = [
        f'<svg class="chart member-network" viewBox="0 0 {size} {size}" role="img" aria-label="成员关系图">'
    ]
    for i, member in enumerate(members):
        a = 2 * math.pi * i / len(members)
        x, y = cx + radius * math.cos(a), cy + radius * math.sin(a)
        name = escape(member)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#bbb"/>')
        parts.append(
            f'<circle class="member" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#1a4f8b">'
            f"<title>{name}</title></circle>"
        )
        parts.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" font-size="11" text-anchor="middle">{name}</text>')
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="14" fill="#b3261e"/>')
    parts.append(f'<text x="{cx}" y="{cy + 32}" font-size="13" text-anchor="middle">{escape(d.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def people_names(d: Dossier, facts: CaseFacts | None) -> dict[str, str]:
    """Names of the people rows in the dossier's evidence (the network labels its members with them)."""
    if facts is None:
        return {}
    ids = [r.id for r in d.rows if r.table == "people"]
    return {pid: name for pid in ids if (name := facts.person_name(pid))}


def charts(d: Dossier | None, facts: CaseFacts | None) -> dict[str, Markup]:
    """The page context of both charts (empty markup when a chart has nothing to draw)."""
    if d is None:
        return {"timeline_svg": Markup(""), "network_svg": Markup("")}
    return {
        "timeline_svg": Markup(money_timeline(d)),
        "network_svg": Markup(member_network(d, people_names(d, facts))),
    }
