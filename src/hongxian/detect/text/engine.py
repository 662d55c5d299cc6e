"""The keyword engine: every keyword of every text check in ONE automaton, one pass per batch.

A batch of texts is normalised (`hongxian.normalize.normalize_many`), joined with newlines and
scanned once by the automaton and once by a cheap digit-run regex (`pii.CANDIDATE`); matches are
mapped back to (text index, offsets) with a vectorised search over the line starts. Only the few
texts that hit anything go on to Python-level validation and scoring.

Backend choice (measured by ``bench/bench_text.py``; numbers in ``docs/dev/text_engine.md``): the
bare keyword pass is 3–4× faster with hyperscan (literal mode on the UTF-8 bytes), but the full
suite is bound by evaluation, and there ahocorasick-rs (`AhoCorasick` on ``str``, overlapping) was
≈4 % faster on average because it returns character offsets directly. So ahocorasick-rs is the
default (`DEFAULT_BACKEND`); ``backend="hyperscan"`` is there for matching-bound work (very large
keyword lists) and the two are tested to give identical hits.
"""

from __future__ import annotations

import re
import threading
from itertools import product

import numpy as np

from hongxian.normalize import Normalized, NormBatch, normalize, normalize_many, tables
from hongxian.pii import CANDIDATE, numbers_in, plain_pii_many

CANDIDATE_BYTES = re.compile(CANDIDATE.pattern.encode("ascii"))
DEFAULT_BACKEND = "ahocorasick"


def case_variants(word: str, limit: int = 16) -> list[str]:
    """ASCII letters match in any case: PK10 / pk10 / Pk10 … (all combinations up to `limit`)."""
    letters = [i for i, c in enumerate(word) if c.isascii() and c.isalpha()]
    if not letters:
        return [word]
    if 2 ** len(letters) > limit:
        return sorted({word, word.lower(), word.upper(), word.capitalize()})
    out = set()
    for combo in product((str.lower, str.upper), repeat=len(letters)):
        chars = list(word)
        for i, fn in zip(letters, combo, strict=True):
            chars[i] = fn(chars[i])
        out.add("".join(chars))
    return sorted(out)


def _starts(lengths, n: int) -> np.ndarray:
    """Start offset of each of n texts joined by one-unit separators."""
    lens = np.fromiter(lengths, dtype=np.int64, count=n)
    out = np.empty(n, dtype=np.int64)
    out[0] = 0
    np.cumsum(lens[:-1] + 1, out=out[1:])
    return out


def _plausible_runs(hay, pattern) -> list[tuple[int, int]]:
    """(start, end) of the digit runs in `hay` that could be personal data. Runs are validated here
    already (check digit, prefixes, Luhn), so order numbers and landlines (0301-75075291) never reach
    the detectors. A grouped run (139 1234 5678) is kept when it holds a valid number on its own: the
    privacy detector validates it again inside the text, where word boundaries can only remove hits.
    A bare run glued to a letter (SF1234…) is a waybill or order code."""
    grouped: list[tuple[int, int]] = []
    bare: list[tuple[int, int]] = []
    runs: list[str] = []
    for m in pattern.finditer(hay):
        run, start = m.group(0), m.start()
        if isinstance(run, bytes):
            run = run.decode("ascii")
            prev = chr(hay[start - 1]) if start > 0 else ""
        else:
            prev = hay[start - 1] if start > 0 else ""
        if " " in run or "-" in run:
            if len(run) - run.count(" ") - run.count("-") >= 11 and numbers_in(run, 0, len(run)):
                grouped.append((start, m.end()))
        elif not (prev.isascii() and prev.isalpha()):
            bare.append((start, m.end()))
            runs.append(run)
    kept = [span for span, ok in zip(bare, plain_pii_many(runs), strict=True) if ok]
    return sorted(grouped + kept)


class AhoCorasickMatcher:
    name = "ahocorasick-rs"
    unit = "str"

    def __init__(self, patterns: list[str]):
        import ahocorasick_rs

        self._ac = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)

    def raw(self, blob: str) -> list[tuple[int, int, int]]:
        """(pattern id, start, end) in characters of the blob."""
        return self._ac.find_matches_as_indexes(blob, overlapping=True)


class HyperscanMatcher:
    name = "hyperscan"
    unit = "bytes"

    def __init__(self, patterns: list[str]):
        import hyperscan

        self._bytes = [p.encode("utf-8") for p in patterns]
        self._lens = np.array([len(b) for b in self._bytes], dtype=np.int64)
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(
            expressions=self._bytes,
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=0,
            literal=True,
        )
        self._local = threading.local()  # a scratch space per thread (scratch is not shareable)
        self._hs = hyperscan

    def raw_packed(self, data: bytes) -> np.ndarray:
        """Matches as an (n, 3) array of (pattern id, start, end) in bytes (start = end - length)."""
        packed: list[int] = []
        add = packed.append

        def on_match(pid, _start, end, _flags, _ctx):
            add((pid << 40) | end)

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._db)
        self._db.scan(data, match_event_handler=on_match, scratch=scratch)
        if not packed:
            return np.zeros((0, 3), dtype=np.int64)
        arr = np.array(packed, dtype=np.int64)
        pids, ends = arr >> 40, arr & ((1 << 40) - 1)
        return np.stack((pids, ends - self._lens[pids], ends), axis=1)

    def raw(self, data: bytes) -> list[tuple[int, int, int]]:
        """(pattern id, start, end) in bytes of the data."""
        return [tuple(r) for r in self.raw_packed(data).tolist()]


def make_matcher(patterns: list[str], backend: str = DEFAULT_BACKEND):
    if backend == "hyperscan":
        try:
            return HyperscanMatcher(patterns)
        except Exception:  # hyperscan unavailable on this CPU/platform → Aho–Corasick
            return AhoCorasickMatcher(patterns)
    return AhoCorasickMatcher(patterns)


KeywordKey = tuple[str, int, int]
"""What a keyword feeds: (kind — ``g`` group word, ``c`` context word …, rule index, item index)."""


class TextScan:
    """What one text produced: automaton hits (key, start, end) and digit-run candidates."""

    __slots__ = ("index", "norm", "hits", "candidates")

    def __init__(
        self,
        index: int,
        norm: Normalized,
        hits: list[tuple[KeywordKey, int, int]] | None = None,
        candidates: list[tuple[int, int]] | None = None,
    ):
        self.index, self.norm = index, norm
        self.hits = [] if hits is None else hits
        self.candidates = [] if candidates is None else candidates


class _Located:
    """Maps blob offsets (bytes or chars) to (text index, character offset inside that text), vectorised.

    For UTF-8 data the character offset of byte b is the number of character-start bytes (not
    0b10xxxxxx) before it: one vectorised pass over the batch instead of a decode per match.
    """

    def __init__(self, batch: NormBatch, data: bytes | None):
        n = len(batch.texts)
        self._leads = None
        if data is None:
            self.starts = _starts(map(len, batch.texts), n)
            return
        arr = np.frombuffer(data, dtype=np.uint8)
        nl = np.flatnonzero(arr == 10)
        if len(nl) == n - 1:
            self.starts = np.concatenate((np.zeros(1, dtype=np.int64), nl + 1))
        else:  # some texts contain newlines themselves
            self.starts = _starts((len(t.encode("utf-8")) for t in batch.texts), n)
        if len(data) != len(batch.blob):
            self._leads = np.flatnonzero((arr & 0xC0) != 0x80)  # byte positions where a character starts

    def index(self, offsets) -> np.ndarray:
        return np.searchsorted(self.starts, np.asarray(offsets, dtype=np.int64), side="right") - 1

    def local(self, idx: np.ndarray, offsets) -> np.ndarray:
        """Character offsets inside their texts of the blob offsets (texts given by `idx`)."""
        offsets = np.asarray(offsets, dtype=np.int64)
        starts = self.starts[idx]
        if self._leads is None:
            return offsets - starts
        # the character offset of byte b in the blob = number of character starts before b
        return np.searchsorted(self._leads, offsets) - np.searchsorted(self._leads, starts)


class TextEngine:
    """One automaton over all keywords; `keys[pattern]` says which rules/groups each keyword feeds."""

    def __init__(
        self, keywords: dict[str, list[KeywordKey]], *, digits: bool = True, backend: str = DEFAULT_BACKEND
    ):
        self.tables = tables()
        merged: dict[str, list[KeywordKey]] = {}
        for word, keys in keywords.items():
            norm = normalize(word, self.tables).text
            for variant in case_variants(norm) if norm else ():
                bucket = merged.setdefault(variant, [])
                bucket.extend(k for k in keys if k not in bucket)
        self.patterns = list(merged)
        self.keys = [merged[p] for p in self.patterns]
        self.char_lens = [len(p) for p in self.patterns]
        self.triggers = np.array(
            [any(k[0] == "g" for k in ks if isinstance(k, tuple)) for ks in self.keys], dtype=bool
        )
        """Patterns that can start an evaluation; context-only words are looked at only in texts that
        also have a trigger or a digit candidate."""
        self.digits = digits
        self.matcher = make_matcher(self.patterns, backend) if self.patterns else None

    @property
    def backend(self) -> str:
        return self.matcher.name if self.matcher else "none"

    def scan(self, texts: list[str], force: frozenset[int] | set[int] = frozenset()) -> list[TextScan]:
        """Normalise and scan a batch; returns the texts with at least one hit or candidate, and every
        text whose index is in `force` (those the learned scorer wants evaluated)."""
        if not texts:
            return []
        batch = normalize_many(texts, self.tables)
        on_bytes = self.matcher is None or self.matcher.unit == "bytes"
        data = batch.blob.encode("utf-8") if on_bytes else None
        hay = data if on_bytes else batch.blob
        if self.matcher is None:
            raw = np.zeros((0, 3), dtype=np.int64)
        elif on_bytes:
            raw = self.matcher.raw_packed(hay)
        else:
            raw = np.asarray(self.matcher.raw(hay), dtype=np.int64).reshape(-1, 3)
        cands = _plausible_runs(hay, CANDIDATE_BYTES if on_bytes else CANDIDATE) if self.digits else []
        per_text: dict[int, tuple[list, list]] = {i: ([], []) for i in force}
        if not len(raw) and not cands:
            return [TextScan(i, batch.get(i, texts[i])) for i in sorted(per_text)]
        loc = _Located(batch, data)
        if cands:
            cand_arr = np.asarray(cands, dtype=np.int64)
            cand_idx = loc.index(cand_arr[:, 0])
            cand_local = loc.local(cand_idx, cand_arr[:, 0])
        else:
            cand_arr = np.zeros((0, 2), dtype=np.int64)
            cand_idx = cand_local = np.zeros(0, dtype=np.int64)
        if len(raw):
            idx = loc.index(raw[:, 1])
            keep = np.isin(idx, np.union1d(idx[self.triggers[raw[:, 0]]], cand_idx))
            raw, idx = raw[keep], idx[keep]
            local = loc.local(idx, raw[:, 1])
            keys, clen = self.keys, self.char_lens
            for pid, i, ls in zip(raw[:, 0].tolist(), idx.tolist(), local.tolist(), strict=True):
                entry = per_text.get(i) or per_text.setdefault(i, ([], []))
                entry[0].extend((key, ls, ls + clen[pid]) for key in keys[pid])
        widths = (cand_arr[:, 1] - cand_arr[:, 0]).tolist()  # digit runs are ASCII: bytes = characters
        for i, ls, w in zip(cand_idx.tolist(), cand_local.tolist(), widths, strict=True):
            entry = per_text.get(i) or per_text.setdefault(i, ([], []))
            entry[1].append((ls, ls + w))
        return [TextScan(i, batch.get(i, texts[i]), *per_text[i]) for i in sorted(per_text)]

    def scan_one(self, text: str) -> TextScan:
        res = self.scan([text])
        return res[0] if res else TextScan(0, normalize(text, self.tables))
