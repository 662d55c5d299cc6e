"""Text normalisation for matching, with an offset map back to the original text.

What the matcher sees (`normalize(text).text`):

* NFKC per character (full-width letters and digits → ASCII, ㊙ → 秘, Kangxi radicals → ideographs,
  circled digits → digits). Full-width *punctuation* is left alone: it is a clause boundary, never
  part of a keyword, and leaving it means ordinary Chinese text takes the fast path.
* OpenCC ``t2s`` traditional → simplified, character by character (every t2s character mapping is 1:1,
  so 紅包 → 红包 keeps its length).
* Zero-width, bidi, variation-selector and control characters removed (newline and tab are kept).
* Runs of separators between two CJK characters removed: "红 包", "红-包", "红.包", "红*包" → 红包.

`Normalized.span(a, b)` maps a span of the normalised text to the original text, so evidence
highlights point at what the user actually wrote.

Speed: the tables are built once (≈0.1 s). `normalize_many` handles a batch with a handful of C-level
passes; only messages that contain a character needing a change take the per-character slow path.
Measured in ``bench/bench_text.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF))
"""Unified ideographs (+ ext A, compatibility, ext B–F)."""

SEPARATORS = " \t\u3000\u00a0-_.·•*/\\|~^+=#'\"`－＿．・／＊｜～＋＝＃"
"""Characters an evader puts between the characters of a keyword ("红 包", "红-包")."""

_KEEP_PUNCT = set(range(0xFF01, 0xFF10)) | set(range(0xFF1A, 0xFF21)) | set(range(0xFF3B, 0xFF41)) | set(
    range(0xFF5B, 0xFF66)) | {0x3000}
_KEEP_CONTROL = {0x09, 0x0A}


JOINABLE = ((0x2605, 0x2606),)
"""Besides ideographs, separators around ★/☆ are dropped too ("秘密 ★ 1年" → 秘密★ 1年)."""


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES + JOINABLE)


def _removable(cp: int) -> bool:
    if cp in _KEEP_CONTROL:
        return False
    cat = unicodedata.category(chr(cp))
    return cat in ("Cc", "Cf") or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _t2s_map() -> dict[int, str]:
    conv = opencc.OpenCC("t2s")
    chars = [chr(cp) for lo, hi in CJK_RANGES for cp in range(lo, hi + 1)]
    out = conv.convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # never seen; fall back to per-char conversion
        out = [conv.convert(c) for c in chars]
    return {ord(a): b for a, b in zip(chars, out, strict=True) if a != b and len(b) == 1}


@dataclass(frozen=True)
class Tables:
    one_to_one: dict[int, int]
    """code point → code point (t2s, full-width alnum, most NFKC): length-preserving."""
    other: dict[int, str]
    """code point → '' (removed) or a longer string (NFKC expansions such as ㍻ → 平成)."""
    needs: re.Pattern
    """Finds any character that a table changes, or a separator run between CJK characters."""


def _char_class(cps: list[int]) -> str:
    cps = sorted(cps)
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
        i = j + 1
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The normalisation tables (a pure function of the installed Unicode and OpenCC data)."""
    t2s = _t2s_map()
    one, other = {}, {}
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp < 0xE000 or cp in _KEEP_PUNCT:
            continue
        ch = chr(cp)
        if _removable(cp):
            other[cp] = ""
            continue
        mapped = unicodedata.normalize("NFKC", ch)
        mapped = "".join(t2s.get(ord(c), c) for c in mapped)
        if mapped == ch:
            continue
        if len(mapped) == 1:
            one[cp] = ord(mapped)
        else:
            other[cp] = mapped
    for cp in range(0, 0x20):
        if cp not in _KEEP_CONTROL:
            other[cp] = ""
    cjk = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in CJK_RANGES + JOINABLE)
    sep = re.escape(SEPARATORS)
    needs = re.compile(f"{_char_class(list(one) + list(other))}|(?<=[{cjk}])[{sep}]+(?=[{cjk}])")
    return Tables(one, other, needs)


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    src: list[int] | None = None
    """src[j] = index in `original` of the character that produced text[j]; None = identity."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) of the normalised text to the original text."""
        if self.src is None:
            return start, end
        if end <= start:
            pos = self.src[start] if start < len(self.src) else len(self.original)
            return pos, pos
        return self.src[start], self.src[end - 1] + 1


def _sep_runs(text: str, keep: list[bool]) -> None:
    """Mark separator runs between CJK characters as dropped (in place)."""
    n, i = len(text), 0
    while i < n:
        if text[i] in SEPARATORS and i > 0 and _is_cjk(ord(text[i - 1])):
            j = i
            while j < n and text[j] in SEPARATORS:
                j += 1
            if j < n and _is_cjk(ord(text[j])):
                for k in range(i, j):
                    keep[k] = False
            i = j
        else:
            i += 1


def _slow(text: str, tab: Tables) -> Normalized:
    chars: list[str] = []
    src: list[int] = []
    one, other = tab.one_to_one, tab.other
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp in one:
            chars.append(chr(one[cp]))
            src.append(i)
        elif cp in other:
            for c in other[cp]:
                chars.append(c)
                src.append(i)
        else:
            chars.append(ch)
            src.append(i)
    keep = [True] * len(chars)
    _sep_runs("".join(chars), keep)
    out = "".join(c for c, k in zip(chars, keep, strict=True) if k)
    src = [s for s, k in zip(src, keep, strict=True) if k]
    if len(out) == len(text) and src == list(range(len(text))):
        return Normalized(text, out, None)
    return Normalized(text, out, src)


def normalize(text: str, tab: Tables | None = None) -> Normalized:
    """Normalise one text for matching."""
    tab = tab or tables()
    if text.isascii() and not any(c in text for c in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\r\x0e"
                                   "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"):
        return Normalized(text, text, None)
    if tab.needs.search(text) is None:
        return Normalized(text, text, None)
    return _slow(text, tab)


def normalize_many(texts: list[str], tab: Tables | None = None) -> list[Normalized]:
    """Normalise a batch: one regex pass over the joined batch finds the few texts that need work."""
    tab = tab or tables()
    out = [None] * len(texts)
    blob = "\n".join(texts)
    search = tab.needs.search
    starts = [0] * len(texts)
    pos = 0
    for i, t in enumerate(texts):
        starts[i] = pos
        pos += len(t) + 1
    dirty = _dirty_indices(blob, starts, search)
    for i, t in enumerate(texts):
        out[i] = _slow(t, tab) if i in dirty else Normalized(t, t, None)
    return out


def _dirty_indices(blob: str, starts: list[int], search) -> set[int]:
    from bisect import bisect_right

    dirty: set[int] = set()
    pos = 0
    while True:
        m = search(blob, pos)
        if m is None:
            return dirty
        idx = bisect_right(starts, m.start()) - 1
        dirty.add(idx)
        if idx + 1 >= len(starts):
            return dirty
        pos = starts[idx + 1]
