"""Masking of personal data in excerpts: `640104**********7X`, `139****0123`, `622202*********1234`.

Masking replaces characters one for one, so an excerpt keeps the length of the original text and
evidence spans stay valid on it. Separators inside a number (spaces, dashes) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from hongxian.normalize import Normalized
from hongxian.pii.recognize import CANDIDATE, find_addresses, numbers_in

KEEP = {"id18": (6, 2), "id15": (6, 2), "mobile": (3, 4), "card": (6, 4)}
"""Digits kept in clear at the start and at the end, per kind."""


def mask_value(value: str, kind: str) -> str:
    """Mask a bare value: mask_value('13912340123', 'mobile') == '139****0123'."""
    head, tail = KEEP.get(kind, (0, 0))
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def _mask_number(chars: list[str], start: int, end: int, kind: str) -> None:
    positions = [i for i in range(start, end) if chars[i].isdigit() or chars[i] in "Xx"]
    if kind == "mobile" and len(positions) > 11:  # +86 / 0086 prefix: keep it, mask the number
        positions = positions[-11:]
    head, tail = KEEP.get(kind, (0, 0))
    for n, i in enumerate(positions):
        if head <= n < len(positions) - tail:
            chars[i] = "*"


def mask_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """Mask `text` at (start, end, kind) spans. kind: id18/id15/mobile/card, or ``address`` (the
    span is the detail part after the district, masked entirely except separators)."""
    chars = list(text)
    for start, end, kind in spans:
        start, end = max(0, start), min(len(chars), end)
        if kind == "address":
            for i in range(start, end):
                if not chars[i].isspace() and chars[i] not in "，,。":
                    chars[i] = "*"
        else:
            _mask_number(chars, start, end, kind)
    return "".join(chars)


def excerpt(text: str, spans: list[tuple[int, int]], limit: int = 240) -> tuple[str, int]:
    """A window of `text` around the spans, at most `limit` characters.

    Returns (excerpt, offset) where offset is the index in `text` where the excerpt starts (the
    excerpt gets a leading "…" when offset > 0, which the caller accounts for).
    """
    if len(text) <= limit or not spans:
        return text[:limit] + ("…" if len(text) > limit else ""), 0
    first = min(a for a, _ in spans)
    start = max(0, min(first - limit // 4, len(text) - limit))
    end = start + limit
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""), start


_ID_SHAPED = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
)
"""An 18-character resident ID by its layout (region, birth date, sequence), whatever its check digit:
a mistyped number still names a person, so it is masked for display though no check relies on it."""


def id_shaped_spans(text: str, taken: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """ID-shaped numbers of `text` that no span in `taken` covers, as ``id18`` spans."""
    return [
        (m.start(), m.end(), "id18")
        for m in _ID_SHAPED.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e, _ in taken)
    ]


def pii_mask(norm: Normalized, extra: Sequence[tuple[int, int, str]] = ()) -> list[tuple[int, int, str]]:
    """Spans (original offsets) to mask: every validated number, address detail and ID-shaped number."""
    spans = list(extra)
    text = norm.text
    for m in CANDIDATE.finditer(text):
        spans.extend((h.start, h.end, h.kind) for h in numbers_in(text, m.start(), m.end()))
    known = [(s, e) for s, e, kind in extra if kind == "address"]
    for a in find_addresses(text):
        if not any(s < a.end and a.start < e for s, e in known):  # cpca-confirmed spans keep the district
            spans.append((a.admin_end, a.end, "address"))
    spans += id_shaped_spans(text, spans)
    out = []
    for s, e, kind in spans:
        os_, oe = norm.span(s, e)
        out.append((os_, oe, kind))
    return out


def mask_text(text: str) -> str:
    """`text` with every validated ID, mobile and bank-card number masked, and ID-shaped numbers
    whose check digit fails (addresses are left alone)."""
    spans: list[tuple[int, int, str]] = [(h.start, h.end, h.kind) for h in numbers_in(text, 0, len(text))]
    spans += id_shaped_spans(text, spans)
    return mask_spans(text, spans) if spans else text
