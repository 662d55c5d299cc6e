"""The keyword engine: every keyword of every text check in ONE automaton, one pass per batch.

A batch of texts is normalised (`hongxian.normalize.normalize_many`), joined with newlines into one
string and scanned once by the automaton and once by a cheap digit-run regex (`pii.CANDIDATE`);
matches are mapped back to (text index, offsets) with a bisect over the cumulative lengths. Only the
few texts that hit anything go on to Python-level validation and scoring.

Backend choice, measured by ``bench/bench_text.py`` on its 1M-message corpus (2 vCPU EPYC, one core),
keyword pass alone over the normalised batch (≈470 keywords):

* hyperscan 0.9.1 (literal mode, UTF-8 bytes; includes encoding and byte→character mapping)
* ahocorasick-rs 1.0.3 (``AhoCorasick`` on ``str``, overlapping, char offsets directly)

The figures are recorded in ``docs/dev/text_engine.md``; hyperscan is the default because it is the
faster one on our corpus. ahocorasick-rs stays as the fallback where hyperscan's wheel cannot load
(it needs an x86-64 CPU with SSSE3).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import accumulate, product

from hongxian.detect.text.pii import CANDIDATE
from hongxian.normalize import Normalized, normalize, normalize_many, tables


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


class AhoCorasickMatcher:
    name = "ahocorasick-rs"

    def __init__(self, patterns: list[str]):
        import ahocorasick_rs

        self._ac = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)

    def scan(self, blob: str, starts: list[int], texts: list[str]) -> list[tuple[int, int, int, int]]:
        """(text index, pattern id, start, end) with character offsets inside the text."""
        out = []
        for pid, s, e in self._ac.find_matches_as_indexes(blob, overlapping=True):
            i = bisect_right(starts, s) - 1
            out.append((i, pid, s - starts[i], e - starts[i]))
        return out


class HyperscanMatcher:
    name = "hyperscan"

    def __init__(self, patterns: list[str]):
        import hyperscan

        self._bytes = [p.encode("utf-8") for p in patterns]
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(expressions=self._bytes, ids=list(range(len(patterns))),
                         elements=len(patterns), flags=0, literal=True)
        self._scratch = hyperscan.Scratch(self._db)

    def raw(self, data: bytes) -> list[tuple[int, int]]:
        ends: list[tuple[int, int]] = []

        def on_match(pid, _start, end, _flags, _ctx):
            ends.append((pid, end))

        self._db.scan(data, match_event_handler=on_match, scratch=self._scratch)
        return ends

    def scan(self, blob: str, starts: list[int], texts: list[str]) -> list[tuple[int, int, int, int]]:
        data = blob.encode("utf-8")
        ends = self.raw(data)
        if not ends:
            return []
        if len(data) == len(blob):  # pure ASCII batch: byte offsets are character offsets
            bstarts = starts
        else:
            bstarts = [0, *accumulate(len(t.encode("utf-8")) + 1 for t in texts)][:-1]
        out = []
        for pid, end in ends:
            i = bisect_right(bstarts, end - 1) - 1
            b0 = bstarts[i]
            be = end - b0
            bs = be - len(self._bytes[pid])
            raw = data[b0:b0 + be]
            cs = len(raw[:bs].decode("utf-8"))
            out.append((i, pid, cs, cs + len(self._bytes[pid].decode("utf-8"))))
        return out


def make_matcher(patterns: list[str], backend: str = "hyperscan"):
    if backend == "hyperscan":
        try:
            return HyperscanMatcher(patterns)
        except Exception:  # hyperscan unavailable on this CPU/platform → Aho–Corasick
            return AhoCorasickMatcher(patterns)
    return AhoCorasickMatcher(patterns)


@dataclass
class TextScan:
    """What one text produced: automaton hits (key, start, end) and digit-run candidates."""

    index: int
    norm: Normalized
    hits: list[tuple[Hashable, int, int]] = field(default_factory=list)
    candidates: list[tuple[int, int]] = field(default_factory=list)


class TextEngine:
    """One automaton over all keywords; `keys[word]` says which rules/groups each keyword feeds."""

    def __init__(self, keywords: dict[str, list[Hashable]], *, digits: bool = True, backend: str = "hyperscan"):
        self.tables = tables()
        merged: dict[str, list[Hashable]] = {}
        for word, keys in keywords.items():
            norm = normalize(word, self.tables).text
            if not norm:
                continue
            for variant in case_variants(norm):
                merged.setdefault(variant, []).extend(k for k in keys if k not in merged.get(variant, ()))
        self.patterns = list(merged)
        self.keys = [merged[p] for p in self.patterns]
        self.digits = digits
        self.matcher = make_matcher(self.patterns, backend) if self.patterns else None

    @property
    def backend(self) -> str:
        return self.matcher.name if self.matcher else "none"

    def scan(self, texts: list[str]) -> list[TextScan]:
        """Normalise and scan a batch; returns only the texts with at least one hit or candidate."""
        norms = normalize_many(texts, self.tables)
        ntexts = [n.text for n in norms]
        blob = "\n".join(ntexts)
        starts = [0, *accumulate(len(t) + 1 for t in ntexts)][:-1]
        found: dict[int, TextScan] = {}
        if self.matcher is not None:
            for i, pid, s, e in self.matcher.scan(blob, starts, ntexts):
                scan = found.get(i) or found.setdefault(i, TextScan(i, norms[i]))
                scan.hits.extend((key, s, e) for key in self.keys[pid])
        if self.digits:
            for m in CANDIDATE.finditer(blob):
                i = bisect_right(starts, m.start()) - 1
                scan = found.get(i) or found.setdefault(i, TextScan(i, norms[i]))
                scan.candidates.append((m.start() - starts[i], m.end() - starts[i]))
        return [found[i] for i in sorted(found)]

    def scan_one(self, text: str) -> TextScan:
        res = self.scan([text])
        return res[0] if res else TextScan(0, normalize(text, self.tables))
