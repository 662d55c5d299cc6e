"""Text normalisation for matching, with an offset map back to the original text.

What the matcher sees (`normalize(text).text`):

* NFKC per character (full-width letters and digits → ASCII, ㊙ → 秘, Kangxi radicals → ideographs,
  circled digits → digits). Full-width *punctuation* is left alone: it is a clause boundary, never
  part of a keyword, and leaving it means ordinary Chinese text takes the fast path.
* OpenCC ``t2s`` traditional → simplified, character by character (every t2s character mapping is 1:1,
  so 紅包 → 红包 keeps its length).
* Zero-width, bidi, variation-selector, keycap (1️⃣ → 1) and control characters removed (newline and
  tab are kept).
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
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import opencc

CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF))
"""Unified ideographs (+ ext A, compatibility, ext B–F)."""

SEPARATORS = " \t\u3000\u00a0-_.·•*/\\|~^+=#'\"`－＿．・／＊｜～＋＝＃"
"""Characters an evader puts between the characters of a keyword ("红 包", "红-包")."""

_KEEP_PUNCT = (
    set(range(0xFF01, 0xFF10))
    | set(range(0xFF1A, 0xFF21))
    | set(range(0xFF3B, 0xFF41))
    | set(range(0xFF5B, 0xFF66))
    | {0x3000}
)
_KEEP_CONTROL = {0x09, 0x0A}
KEYCAP = 0x20E3
"""Combining enclosing keycap: 1️⃣3️⃣8️⃣ (digit + U+FE0F + U+20E3) is a way to write 138 past filters."""


_BMP_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u2605\u2606"
"""Ideographs of the BMP and ★/☆, as the inside of a character class."""
_ASTRAL_CJK = re.compile("[\U00020000-\U0002a6df\U0002a700-\U0002ebef]")

JOINABLE = ((0x2605, 0x2606),)
"""Besides ideographs, separators around ★/☆ are dropped too ("秘密 ★ 1年" → 秘密★ 1年)."""


def _is_cjk(cp: int) -> bool:
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x2605 <= cp <= 0x2606:
        return True
    return cp >= 0x20000 and any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def _removable(cp: int) -> bool:
    if cp in _KEEP_CONTROL:
        return False
    cat = unicodedata.category(chr(cp))
    return cat in ("Cc", "Cf") or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or cp == KEYCAP


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
    dirty: re.Pattern
    """Cheap batch filter: any character a table changes (and any astral character)."""
    spaced: re.Pattern
    """Cheap batch filter: a BMP ideograph (or ★) followed by a separator (the exact test, separators
    *between* CJK characters, is made per text)."""
    other_re: re.Pattern
    """Any character of `other` (needs the per-character path)."""
    one_re: re.Pattern
    """Any character of `one_to_one` (replaced by `re.sub`: str.translate with a big dict is slow,
    every character missing from the dict raises a LookupError internally)."""
    one_str: dict[str, str]
    bmp_dirty: re.Pattern
    astral: frozenset[int]
    sep_run: re.Pattern
    sep_between: re.Pattern
    """A separator run between two BMP ideographs (or ★), for whole-batch passes."""
    """A separator run (kept only when both neighbours are CJK: a lookaround with the astral CJK ranges
    would make sre test a linear range list at every position)."""


def _ranges(cps) -> list[tuple[int, int]]:
    """Sorted code points merged into (first, last) runs of consecutive values."""
    cps = sorted(cps)
    out, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append((cps[i], cps[j]))
        i = j + 1
    return out


def _class(cps, escape) -> str:
    return (
        "["
        + "".join(escape(lo) if lo == hi else f"{escape(lo)}-{escape(hi)}" for lo, hi in _ranges(cps))
        + "]"
    )


def _char_class(cps: list[int]) -> str:
    """A character class for Python's `re`."""
    return _class(cps, lambda cp: re.escape(chr(cp)))


EMOJI_BLOCKS = (0x1F300, 0x1FAFF)
"""Pictographs, emoticons, transport, supplemental symbols: no table maps any of them (checked when the
classes are built), so a text is not flagged for an emoji alone."""


def _class_re(cps) -> str:
    """BMP code points as one charset (sre's fast BIGCHARSET); any astral character except the emoji
    blocks when some astral code point is in the set (a class of scattered astral ranges makes sre scan
    a range list at every position). Texts flagged for an astral character are then checked exactly
    (`_needs_work`)."""
    bmp = [c for c in cps if c < 0x10000]
    astral = [c for c in cps if c >= 0x10000]
    if not astral:
        return _char_class(bmp)
    lo, hi = EMOJI_BLOCKS
    if any(lo <= c <= hi for c in astral):
        return _char_class(bmp) + "|[\\U00010000-\\U0010FFFF]"
    # emoji (never changed by the tables) do not flag a text: one short range list, still cheap for sre
    return _char_class(bmp) + f"|[\\U00010000-\\U{lo - 1:08X}\\U{hi + 1:08X}-\\U0010FFFF]"


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
    other[0xE0001] = ""
    for cp in range(0xD800, 0xE000):  # a lone surrogate (a broken export) cannot be encoded for matching
        one[cp] = 0xFFFD
    sep = re.escape(SEPARATORS)
    dirty = re.compile(_class_re(list(one) + list(other)))
    spaced = re.compile(f"[{_BMP_CJK}][{sep}]")
    keys = list(one) + list(other)
    return Tables(
        one,
        other,
        dirty,
        spaced,
        re.compile(_class_re(list(other))),
        re.compile(_class_re(list(one))),
        {chr(k): chr(v) for k, v in one.items()},
        re.compile(_char_class([c for c in keys if c < 0x10000])),
        frozenset(c for c in keys if c >= 0x10000),
        re.compile(f"[{sep}]+"),
        re.compile(f"(?<=[{_BMP_CJK}])[{sep}]+(?=[{_BMP_CJK}])"),
    )


def _re2_class(cps) -> str:
    """A character class in RE2 syntax (\\x{...} escapes)."""
    return _class(cps, lambda cp: f"\\x{{{cp:X}}}")


def re2_flag_pattern(tab: Tables) -> str:
    """RE2 (pyarrow.compute) pattern matching every text that `normalize` would change: the same
    character sets as `Tables.dirty` and `Tables.spaced`, for vectorised filtering of Arrow columns."""
    bmp = sorted({ord(k) for k in tab.one_str if k < "\U00010000"} | {c for c in tab.other if c < 0x10000})
    lo, hi = EMOJI_BLOCKS
    astral = sorted(tab.astral)
    parts = [_re2_class(bmp)]
    if astral:
        every = any(lo <= c <= hi for c in astral)
        parts.append(
            "[\\x{10000}-\\x{10FFFF}]"
            if every
            else f"[\\x{{10000}}-\\x{{{lo - 1:X}}}\\x{{{hi + 1:X}}}-\\x{{10FFFF}}]"
        )
    cjk = _re2_class([*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00), 0x2605, 0x2606])
    parts.append(cjk + _re2_class([ord(c) for c in SEPARATORS]))
    return "|".join(parts)


@dataclass(frozen=True)
class Re2Cleaning:
    """RE2 patterns (for `pyarrow.compute`) that do, on a whole Arrow column at once, the part of
    `normalize` that ordinary typography triggers: removing zero-width and variation characters, and
    joining two ideographs across separators ("红 包", "红…包", "★ 1年"). What they leave undone (a
    character the tables map to another one) is flagged by `changes` — only for characters whose
    mapping could produce a character of some keyword."""

    removable: str
    """Characters normalisation deletes (zero-width, U+FE0F, controls): replace with ""."""
    gap: str
    """An ideograph, a run of separators (or characters that map to separators only, such as …),
    an ideograph: replace with ``\\1\\2`` (twice: each pass joins every other gap)."""
    changes: str | None
    """Characters whose mapping shares a character with `alphabet`; None when there are none."""


def re2_cleaning(tab: Tables, alphabet: set[str]) -> Re2Cleaning:
    removable = sorted(cp for cp, rep in tab.other.items() if rep == "")
    seps = set(SEPARATORS)
    sep_like = {ord(c) for c in SEPARATORS}
    sep_like |= {cp for cp, rep in tab.other.items() if rep and set(rep) <= seps}
    sep_like |= {cp for cp, m in tab.one_to_one.items() if chr(m) in seps}
    changes = {cp for cp, m in tab.one_to_one.items() if chr(m) in alphabet and cp not in sep_like}
    changes |= {cp for cp, rep in tab.other.items() if rep and set(rep) & alphabet and cp not in sep_like}
    cjk = _re2_class(_cjk_points())
    gap = f"({cjk}){_re2_class(sorted(sep_like))}+({cjk})"
    return Re2Cleaning(_re2_class(removable), gap, _re2_class(sorted(changes)) if changes else None)


def _cjk_points() -> list[int]:
    """Every ideograph code point (all CJK ranges) and ★/☆, for a character class."""
    out = [cp for lo, hi in CJK_RANGES for cp in range(lo, hi + 1)]
    return out + [cp for lo, hi in JOINABLE for cp in range(lo, hi + 1)]


class Normalized:
    """A text as matched (`text`) and as written (`original`); `src[j]` is the index in `original` of
    the character that produced text[j] (None: identity). A plain slots class: one is built per text
    that hits, on the hot path."""

    __slots__ = ("original", "text", "src")

    def __init__(self, original: str, text: str, src: list[int] | None = None):
        self.original, self.text, self.src = original, text, src

    def __repr__(self) -> str:
        return f"Normalized(original={self.original!r}, text={self.text!r}, src={self.src!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Normalized) and (self.original, self.text, self.src) == (
            other.original,
            other.text,
            other.src,
        )

    # Defining __eq__ leaves instances unhashable (Python sets __hash__ to None).

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) of the normalised text to the original text."""
        if self.src is None:
            return start, end
        if end <= start:
            pos = self.src[start] if start < len(self.src) else len(self.original)
            return pos, pos
        return self.src[start], self.src[end - 1] + 1


def _per_char(text: str, tab: Tables) -> tuple[str, list[int]]:
    chars: list[str] = []
    src: list[int] = []
    one, other = tab.one_to_one, tab.other
    for i, ch in enumerate(text):
        cp = ord(ch)
        rep = other.get(cp)
        if rep is None:
            chars.append(chr(one[cp]) if cp in one else ch)
            src.append(i)
        else:
            chars.extend(rep)
            src.extend([i] * len(rep))
    return "".join(chars), src


def _needs_work(text: str, tab: Tables) -> bool:
    """Exact test for a text the coarse batch filter flagged (e.g. for an emoji)."""
    if tab.bmp_dirty.search(text) or tab.spaced.search(text):
        return True
    astral = tab.astral
    return any(ord(c) in astral for c in text if c > "\uffff")


def _slow(text: str, tab: Tables) -> Normalized:
    """Full normalisation of one text that the batch filter flagged."""
    if not _needs_work(text, tab):
        return Normalized(text, text, None)
    if tab.other_re.search(text) is None:
        one = tab.one_str
        mapped, src = tab.one_re.sub(lambda m: one.get(m.group(), m.group()), text), None
    else:
        mapped, src = _per_char(text, tab)
    runs = [
        (m.start(), m.end())
        for m in tab.sep_run.finditer(mapped)
        if m.start() > 0
        and m.end() < len(mapped)
        and _is_cjk(ord(mapped[m.start() - 1]))
        and _is_cjk(ord(mapped[m.end()]))
    ]
    return _finish(text, mapped, src, runs)


def _finish(text: str, mapped: str, src: list[int] | None, runs: list[tuple[int, int]] | None) -> Normalized:
    """Drop the separator `runs` from `mapped` (keeping `src` in step) and build the result."""
    if runs:
        src = src if src is not None else list(range(len(mapped)))
        keep_text, keep_src, pos = [], [], 0
        for a, b in runs:
            keep_text.append(mapped[pos:a])
            keep_src.extend(src[pos:a])
            pos = b
        keep_text.append(mapped[pos:])
        keep_src.extend(src[pos:])
        mapped, src = "".join(keep_text), keep_src
    if src is not None and mapped == text and len(src) == len(text):
        src = None
    return Normalized(text, mapped, src)


def normalize(text: str, tab: Tables | None = None) -> Normalized:
    """Normalise one text for matching."""
    tab = tab or tables()
    if tab.dirty.search(text) is None and tab.spaced.search(text) is None:
        return Normalized(text, text, None)
    return _slow(text, tab)


@dataclass(frozen=True, slots=True)
class NormBatch:
    texts: list[str]
    """Normalised texts (the input objects themselves where nothing changed)."""
    changed: dict[int, Normalized]
    blob: str
    """The normalised texts joined with newlines."""

    def get(self, i: int, original: str) -> Normalized:
        return self.changed.get(i) or Normalized(original, original, None)


def _flagged(blob: str, offs: list[int], search) -> set[int]:
    """Indices of the texts in which `search` finds something (one match per text is enough)."""
    found: set[int] = set()
    pos, n = 0, len(offs) - 1
    while True:
        m = search(blob, pos)
        if m is None:
            return found
        i = bisect_right(offs, m.start()) - 1
        found.add(i)
        if i + 1 >= n:
            return found
        pos = offs[i + 1]


def _map_one_to_one(blob: str, offs: list[int], tab: Tables) -> tuple[str, set[int]]:
    """Apply the length-preserving table to the whole batch at once; which texts it changed."""
    parts: list[str] = []
    at: list[int] = []
    one, pos = tab.one_str, 0
    for m in tab.one_re.finditer(blob):
        rep = one.get(m.group())
        if rep is None:  # the class also covers astral characters outside the table
            continue
        a = m.start()
        parts.append(blob[pos:a])
        parts.append(rep)
        at.append(a)
        pos = a + 1
    if not at:
        return blob, set()
    parts.append(blob[pos:])
    idx = np.searchsorted(np.asarray(offs), np.asarray(at), side="right") - 1
    return "".join(parts), set(idx.tolist())


def _separator_cuts(blob: str, offs: list[int], tab: Tables) -> dict[int, list[tuple[int, int]]]:
    """Separator runs between two (BMP) ideographs per text, in text offsets."""
    found = [(m.start(), m.end()) for m in tab.sep_between.finditer(blob)]
    cuts: dict[int, list[tuple[int, int]]] = {}
    if not found:
        return cuts
    idx = np.searchsorted(np.asarray(offs), np.asarray([a for a, _ in found]), side="right") - 1
    for i, (a, b) in zip(idx.tolist(), found, strict=True):
        cuts.setdefault(i, []).append((a - offs[i], b - offs[i]))
    return cuts


def normalize_many(texts: list[str], tab: Tables | None = None) -> NormBatch:
    """Normalise a batch, equal to `normalize` text by text. The common changes are made on the
    joined batch in a few C-speed regex passes (the length-preserving table in one pass, separator
    runs between ideographs in another); only texts with a removal or expansion (zero-width, ㍻) or
    an astral ideograph take the per-character path. Unchanged texts stay the same string objects."""
    tab = tab or tables()
    blob = "\n".join(texts)
    if tab.dirty.search(blob) is None and tab.spaced.search(blob) is None:
        return NormBatch(texts, {}, blob)
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    offs = np.concatenate((np.zeros(1, dtype=np.int64), np.cumsum(lens))).tolist()
    slow = _flagged(blob, offs, tab.other_re.search) | _flagged(blob, offs, _ASTRAL_CJK.search)
    mapped, touched = _map_one_to_one(blob, offs, tab)
    cuts = _separator_cuts(mapped, offs, tab)
    out = list(texts)
    changed: dict[int, Normalized] = {}
    for i in sorted((touched | cuts.keys()) - slow):
        norm = _finish(texts[i], mapped[offs[i] : offs[i + 1] - 1], None, cuts.get(i))
        if norm.text != texts[i] or norm.src is not None:
            out[i], changed[i] = norm.text, norm
    for i in sorted(slow):
        norm = _slow(texts[i], tab)
        if norm.text != texts[i] or norm.src is not None:
            out[i], changed[i] = norm.text, norm
    return NormBatch(out, changed, "\n".join(out) if changed else blob)
