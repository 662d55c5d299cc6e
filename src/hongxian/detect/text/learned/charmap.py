"""The character map of the learned scorer: one code point → one code point (or dropped), as a table.

Built from the same normalisation tables as the keyword engine (`hongxian.normalize`): NFKC, OpenCC
traditional → simplified, removal of zero-width and control characters; besides, separators and
whitespace are dropped everywhere (so "投 我 一 票" and "投我一票" give the same n-grams), Latin letters
are lower-cased and every digit becomes ``0`` (the model learns number *shapes*, not numbers).

Mapping a batch is one numpy gather over its code points (`MAP[codes]`), which is what lets the scorer
see every message of a batch instead of only those with a trigger word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hongxian.normalize import SEPARATORS, tables

DROPPED = 0
"""Mapped value of a character the scorer ignores."""
EXTRA_DROPPED = "\n\r\t\u3000\u00a0"


@lru_cache(maxsize=1)
def char_map() -> np.ndarray:
    """uint32 table over all code points: the mapped code point, or `DROPPED`."""
    tab = tables()
    out = np.arange(0x110000, dtype=np.uint32)
    for cp, mapped in tab.one_to_one.items():
        out[cp] = mapped
    for cp, rep in tab.other.items():
        out[cp] = DROPPED if rep == "" else (ord(rep[0]) if len(rep) == 1 else out[cp])
    post = np.arange(0x110000, dtype=np.uint32)  # applied to the result: Ａ → A → a, １ → 1 → 0
    for ch in SEPARATORS + EXTRA_DROPPED:
        post[ord(ch)] = DROPPED
    post[ord("A") : ord("Z") + 1] += 32
    post[ord("0") : ord("9") + 1] = ord("0")
    out = post[out]
    out[0] = DROPPED
    out.setflags(write=False)
    return out


def map_text(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(mapped code points with dropped ones removed, their indices in `text`) of one text."""
    codes = char_map()[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
    keep = np.flatnonzero(codes != DROPPED)
    return codes[keep], keep


def mapped_string(text: str) -> str:
    """The text as the scorer sees it (for lexicon words and explanations)."""
    codes, _ = map_text(text)
    return codes.tobytes().decode("utf-32-le")


@lru_cache(maxsize=1)
def digit_map() -> np.ndarray:
    """uint8 table over all code points: the ASCII digit (b"0"…b"9") a character normalises to, else 0
    (full-width １ → 1), so that number runs can be validated after the main map turned digits to 0."""
    tab = tables()
    out = np.zeros(0x110000, dtype=np.uint8)
    out[ord("0") : ord("9") + 1] = np.arange(ord("0"), ord("9") + 1, dtype=np.uint8)
    for cp, mapped in tab.one_to_one.items():
        if ord("0") <= mapped <= ord("9"):
            out[cp] = mapped
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class CharMaps:
    """Both tables together, held by a featurizer so that a pickled model needs no rebuilding (building
    them walks the normalisation tables of every code point, a large part of a second)."""

    chars: np.ndarray
    digits: np.ndarray


def char_maps() -> CharMaps:
    return CharMaps(char_map(), digit_map())
