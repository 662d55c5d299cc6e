"""Batch pre-filter on the Arrow string buffers: which texts can produce a scan at all.

Most chat messages ("收到", "好的，明天见") hit nothing. Turning every one of them into a Python
string, normalising it and scanning it costs more than everything else together (measured in
``bench/bench_text.py``). The pre-filter decides in C, on the UTF-8 data buffer of the Arrow column,
which rows go on to the exact path (`TextEngine.scan`):

* a row that contains a trigger keyword as written (one literal scan of the whole buffer: hyperscan,
  or ahocorasick-rs on bytes where hyperscan is unavailable);
* a row that normalisation would change (a character of the NFKC / t2s / removal tables, or a
  separator after an ideograph: the same classes as `normalize.tables().dirty` / `.spaced`), since
  its keywords may only appear once normalised ("紅 包");
* a row with a digit run that could be a number (the `pii.CANDIDATE` shape), when digits matter.

The last two are one RE2 regex over the column (`pyarrow.compute.match_substring_regex`).

Exactness: a row that is not selected is unchanged by normalisation, so its normalised text is the
text itself; it has no trigger keyword and no digit run, so `TextEngine.scan` would return nothing
for it (context-only words never start an evaluation). The pre-filter therefore only removes work,
never a hit; ``tests/text/test_prefilter.py`` checks this against the unfiltered path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hongxian.normalize import Tables, re2_flag_pattern
from hongxian.pii import CANDIDATE

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
        self.matcher = _BytesMatcher(sorted(set(trigger_patterns)), backend)
        flags = [re2_flag_pattern(tab)]
        if digits:
            flags.append(CANDIDATE.pattern)
        self.flag_regex = "|".join(f"(?:{p})" for p in flags)

    def rows(self, arr: pa.Array) -> np.ndarray:
        """Sorted indices of the rows that need the exact path (nulls never do)."""
        if len(arr) == 0:
            return np.zeros(0, dtype=np.int64)
        strings = arr if arr.type in (pa.string(), pa.large_string()) else arr.cast(pa.string())
        flagged = pc.fill_null(pc.match_substring_regex(strings, self.flag_regex), False)
        mask = np.asarray(flagged.to_numpy(zero_copy_only=False), dtype=bool)
        data, offs = _data_and_offsets(strings)
        spans = self.matcher.spans(data)
        if len(spans):
            row = np.searchsorted(offs, spans[:, 1], side="left") - 1
            inside = spans[:, 0] >= offs[row]  # a match across two values is not a match
            mask[row[inside]] = True
        if strings.null_count:
            mask &= np.asarray(strings.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        return np.flatnonzero(mask)
