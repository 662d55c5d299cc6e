"""Where the lexicon's words occur in a batch: one literal scan over all texts at once.

The texts arrive mapped (`charmap`) and concatenated as code points; a separator code between texts
keeps a word from spanning two of them. The scan uses the keyword engine's matcher
(`engine.make_matcher`): hyperscan in literal mode over the UTF-8 bytes when the CPU supports it (an
order of magnitude faster than an overlapping Aho–Corasick pass over ``str``, measured in
``bench/bench_text.py``), ahocorasick-rs otherwise. Both report every occurrence, overlapping ones
included, so the two give the same hits (a test holds them equal).
"""

from __future__ import annotations

import numpy as np

from hongxian.detect.text.engine import make_matcher
from hongxian.detect.text.learned.kernel import KERNEL

SEPARATOR = 1
"""Code point put between texts (the character map never produces it: it is a control character)."""
EMPTY = np.zeros(0, dtype=np.int64)


class LexiconMatcher:
    """All words of all classes in one automaton; hits come back as code-point offsets."""

    def __init__(self, words: list[str], backend: str = "hyperscan"):
        self.matcher = make_matcher(words, backend)
        self.lengths = np.asarray([len(w) for w in words], dtype=np.int64)

    @property
    def backend(self) -> str:
        return str(self.matcher.name)

    def find_in_texts(
        self, codes: np.ndarray, starts: np.ndarray, compiled: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """(word index, start in `codes`) of every occurrence in texts given as concatenated mapped codes
        (uint64) and their starts (int64, n + 1); no word spans two texts. With hyperscan and the compiled
        kernel the texts go to UTF-8 in one pass (the kernel also gives each code's byte offset), else
        through `find` over a blob with a separator between texts."""
        n = len(starts) - 1
        if compiled and KERNEL is not None and self.matcher.unit == "bytes" and len(codes):
            out = bytearray(4 * len(codes) + n + 1)
            byte_at = np.empty(len(codes), dtype=np.int64)
            size = KERNEL.utf8_blob(codes, starts, SEPARATOR, out, byte_at)
            packed = self.matcher.raw_packed(bytes(memoryview(out)[:size]))
            if not len(packed):
                return EMPTY, EMPTY
            return packed[:, 0], np.searchsorted(byte_at, packed[:, 1])
        blob = np.insert(codes, starts[1:-1], np.uint64(SEPARATOR)) if n > 1 else codes
        word, at = self.find(blob)
        if not len(word):
            return word, at
        blob_starts = starts[:-1] + np.arange(n, dtype=np.int64)  # every earlier text added a separator
        return word, at - (np.searchsorted(blob_starts, at, side="right") - 1)

    def find(self, blob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(word index, start) in `blob` units of every occurrence (overlapping ones too)."""
        if not len(blob):
            return EMPTY, EMPTY
        codes = blob.astype(np.uint32)
        codes[(codes >= 0xD800) & (codes <= 0xDFFF)] = 0xFFFD  # a lone surrogate matches no word
        text = codes.tobytes().decode("utf-32-le")
        if self.matcher.unit == "str":
            found = self.matcher.raw(text)
            if not found:
                return EMPTY, EMPTY
            arr = np.asarray(found, dtype=np.int64).reshape(-1, 3)
            return arr[:, 0], arr[:, 1]
        packed = self.matcher.raw_packed(text.encode("utf-8"))
        if not len(packed):
            return EMPTY, EMPTY
        return packed[:, 0], np.searchsorted(_byte_starts(codes), packed[:, 1])


def _byte_starts(codes: np.ndarray) -> np.ndarray:
    """Byte offset, in the UTF-8 encoding, at which each code point starts."""
    width = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    out = np.zeros(len(codes), dtype=np.int64)
    np.cumsum(width[:-1], out=out[1:])
    return out
