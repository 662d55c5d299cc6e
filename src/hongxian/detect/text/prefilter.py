"""Batch pre-filter on the Arrow string buffers: which texts can produce a scan at all.

Most chat messages ("收到", "好的，明天见") hit nothing. Turning every one of them into a Python
string, normalising it and scanning it costs more than everything else together (measured in
``bench/bench_text.py``). The pre-filter decides in C, on the UTF-8 data buffer of the Arrow column,
which rows go on to the exact path (`TextEngine.scan`):

* a row that contains a trigger keyword once ordinary typography is undone: zero-width and variation
  characters removed (U+FE0F after an emoji) and ideographs joined across separators ("红 包",
  "红…包") by RE2 passes over the column (`normalize.re2_cleaning`), then one literal scan of the
  cleaned buffer (hyperscan, or ahocorasick-rs on bytes where hyperscan is unavailable);
* a row with a character that normalisation maps to a character of some trigger keyword (traditional
  紅, full-width Ｐ), since its keywords may only appear once normalised;
* a row with a digit run that could be a number (the `pii.CANDIDATE` shape), when digits matter.

The last two are one RE2 regex over the column (`pyarrow.compute.match_substring_regex`).

Exactness: in a row that is not selected, every character normalisation changes is turned into
characters of no keyword, removed, or a separator; so a keyword in its normalised text is made of
unchanged characters, joined only across what the cleaning passes remove — and the cleaned buffer
had no keyword. `TextEngine.scan` would therefore return nothing for it (context-only words never
start an evaluation): the pre-filter only removes work, never a hit. ``tests/text/test_prefilter.py``
checks this against the unfiltered path, typography included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hongxian.normalize import Tables, re2_cleaning
from hongxian.pii import CANDIDATE

if TYPE_CHECKING:
    import pyarrow as pa

PREFILTER_BACKEND = "hyperscan"
"""The literal pass over raw bytes is matching-bound: hyperscan's bare pass is 2–3× ahocorasick-rs's
(docs/dev/text_engine.md); ahocorasick-rs on bytes is the fallback."""


class _BytesMatcher:
    """Literal multi-pattern matching over UTF-8 bytes: (n, 2) array of (start, end) byte offsets."""

    def __init__(self, patterns: list[str], backend: str):
        self.name = "none"
        self._hs = self._ac = None
        if not patterns:
            return
        if backend == "hyperscan":
            try:
                from hongxian.detect.text.engine import HyperscanMatcher

                self._hs = HyperscanMatcher(patterns)
                self.name = "hyperscan"
                return
            except Exception:  # noqa: BLE001 - hyperscan unavailable on this CPU/platform
                pass
        import ahocorasick_rs

        self._ac = ahocorasick_rs.BytesAhoCorasick([p.encode("utf-8") for p in patterns])
        self.name = "ahocorasick-rs"

    def spans(self, data: bytes) -> np.ndarray:
        if self._hs is not None:
            return self._hs.raw_packed(data)[:, 1:]
        if self._ac is not None:
            found = self._ac.find_matches_as_indexes(data, overlapping=True)
            return np.asarray(found, dtype=np.int64).reshape(-1, 3)[:, 1:]
        return np.zeros((0, 2), dtype=np.int64)


def _data_and_offsets(arr: pa.Array) -> tuple[bytes, np.ndarray]:
    """The UTF-8 bytes of all values of a (large_)string array and the value offsets into them."""
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    bufs = arr.buffers()
    offs = np.frombuffer(
        bufs[1], dtype=width, count=len(arr) + 1, offset=arr.offset * np.dtype(width).itemsize
    )
    offs = offs.astype(np.int64)
    base = int(offs[0])
    data = (
        bufs[2].slice(base, int(offs[-1]) - base).to_pybytes() if bufs[2] is not None else b""
    )  # one copy, only the values
    return data, offs - base


class Prefilter:
    """Selects the rows of a string array that `TextEngine.scan` could return anything for."""

    def __init__(self, trigger_patterns: list[str], tab: Tables, *, digits: bool, backend: str):
        triggers = sorted(set(trigger_patterns))
        self.matcher = _BytesMatcher(triggers, backend)
        self.cleaning = re2_cleaning(tab, set("".join(triggers)))
        flags = [self.cleaning.changes] if self.cleaning.changes else []
        if digits:
            flags.append(CANDIDATE.pattern)
        self.flag_regex = "|".join(f"(?:{p})" for p in flags) if flags else None

    def cleaned(self, strings: pa.Array) -> pa.Array:
        """The column with removable characters dropped and ideographs joined across separators."""
        import pyarrow.compute as pc

        out = pc.replace_substring_regex(strings, self.cleaning.removable, "")
        for _ in range(2):  # each pass joins every other gap of a run (红 包 群 → 红包 群 → 红包群)
            out = pc.replace_substring_regex(out, self.cleaning.gap, r"\1\2")
        return out

    def rows(self, arr: pa.Array) -> np.ndarray:
        """Sorted indices of the rows that need the exact path (nulls never do)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(arr) == 0:
            return np.zeros(0, dtype=np.int64)
        strings = arr if arr.type in (pa.string(), pa.large_string()) else arr.cast(pa.string())
        if self.flag_regex is not None:
            flagged = pc.fill_null(pc.match_substring_regex(strings, self.flag_regex), False)
            mask = np.asarray(flagged.to_numpy(zero_copy_only=False), dtype=bool)
        else:
            mask = np.zeros(len(strings), dtype=bool)
        data, offs = _data_and_offsets(self.cleaned(strings))
        spans = self.matcher.spans(data)
        if len(spans):
            row = np.searchsorted(offs, spans[:, 1], side="left") - 1
            inside = spans[:, 0] >= offs[row]  # a match across two values is not a match
            mask[row[inside]] = True
        if strings.null_count:
            mask &= np.asarray(strings.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        return np.flatnonzero(mask)
