"""Features of the learned scorer, computed for a whole batch at once with numpy.

Two kinds, both sparse:

* **character n-grams** (orders 1–3 of the mapped text, `charmap`), hashed into ``2**bits`` buckets;
  a message's n-gram counts are divided by the square root of its number of n-grams, so long
  forwarded notices do not win on length alone;
* **lexical classes** (`lexicon.yaml`): whether a word of a class occurs (personnel move, not yet public,
  goods, stakes, election …) and whether two classes occur together — the frames that make a new
  combination of known parts score even when the training data never showed those exact words.

The same code computes the features for training (`sparse_rows`) and for scoring, so the model sees
at run time exactly what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from hongxian.detect.text.learned.charmap import DROPPED, CharMaps, char_maps
from hongxian.detect.text.learned.kernel import KERNEL
from hongxian.detect.text.learned.lexicon import Lexicon, load_lexicon
from hongxian.detect.text.learned.lexmatch import LexiconMatcher
from hongxian.pii import plain_pii

NUMBER_KINDS = ("id18", "id15", "mobile", "card", "invalid")
"""What a run of 7 or more digits validates as (`pii.plain_pii`); ``invalid``: 10+ digits that are no
valid number (an order or waybill number, a mistyped ID) — the learned scorer sees number validity,
not just digit shapes."""
NUMBER_ZH = {
    "id18": "有效身份证号",
    "id15": "有效身份证号（15位）",
    "mobile": "有效手机号",
    "card": "有效银行卡号",
}
NUMBER_ZH["invalid"] = "无效长数字（订单号、校验不通过的号码等）"
LENGTH_BUCKETS = (6, 11, 21, 51, 151)
"""Upper bounds (exclusive) of the length buckets, in mapped characters: 1–5, 6–10, 11–20, 21–50, 51–150,
151+. One bucket feature per text lets the model learn how often a reply of a few characters, or a
long forwarded article, is a violation at all."""
LENGTH_ZH = ("1–5 字", "6–10 字", "11–20 字", "21–50 字", "51–150 字", "151 字以上")
_MULT = np.uint64(0x9E3779B97F4A7C15)
_BASE = np.uint64(0x110000)


@dataclass
class Encoded:
    """A batch after the character map: the kept codes of all texts, concatenated."""

    codes: np.ndarray
    """uint64 mapped code points of every kept character, text after text."""
    msg: np.ndarray
    """int64 index of the text each kept character belongs to."""
    pos: np.ndarray
    """int64 index of each kept character inside its original text."""
    starts: np.ndarray
    """int64 start of each text in `codes` (length n + 1)."""
    digits: np.ndarray
    """uint8 ASCII digit each kept character normalises to (0 for other characters)."""

    @property
    def count(self) -> int:
        return len(self.starts) - 1


def encode(texts: list[str], maps: CharMaps, compiled: bool = True) -> Encoded:
    """Map and concatenate a batch of texts (dropped characters removed): one pass of the compiled kernel
    when it is built, else numpy gathers (the same arrays)."""
    n = len(texts)
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n), out=first[1:])
    raw = np.frombuffer("".join(texts).encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    if compiled and KERNEL is not None:
        size = len(raw)
        codes, msg, pos = np.empty(size, np.uint64), np.empty(size, np.int64), np.empty(size, np.int64)
        digits, starts = np.empty(size, np.uint8), np.empty(n + 1, np.int64)
        kept = KERNEL.map_texts(raw, first, maps.chars, maps.digits, codes, msg, pos, digits, starts)
        return Encoded(codes[:kept], msg[:kept], pos[:kept], starts, digits[:kept])
    mapped = maps.chars[raw]
    kept_at = np.flatnonzero(mapped != DROPPED)
    starts = np.searchsorted(kept_at, first)  # kept characters before each text's first character
    msg = np.repeat(np.arange(n, dtype=np.int64), np.diff(starts))
    codes = mapped[kept_at].astype(np.uint64)
    return Encoded(codes, msg, kept_at - first[msg], starts, maps.digits[raw[kept_at]])


@dataclass(frozen=True)
class Grams:
    """The n-grams of one order in a batch: bucket, text index and first kept character."""

    order: int
    bucket: np.ndarray
    msg: np.ndarray
    at: np.ndarray
    """Index into `Encoded.codes` of the n-gram's first character."""


class Featurizer:
    """N-gram buckets and lexical classes of a batch (one instance per model; stateless after build)."""

    def __init__(
        self,
        bits: int = 18,
        orders: tuple[int, ...] = (1, 2, 3),
        lexicon: Lexicon | None = None,
        compiled: bool = True,
    ):
        self.bits, self.orders = bits, tuple(orders)
        self.compiled = compiled and KERNEL is not None
        """Whether the compiled kernel runs the hot loops (False: the numpy reference path, e.g. to
        measure what the kernel gains)."""
        self.lexicon = load_lexicon() if lexicon is None else lexicon
        self.maps = char_maps()
        k = len(self.lexicon)
        self._frame_col = np.full(k * k, -1, dtype=np.int64)
        for j, (a, b) in enumerate(self.lexicon.frames):
            self._frame_col[a * k + b] = k + j

    def __getstate__(self) -> dict:  # the lexicon automaton is rebuilt on first use after unpickling
        return {k: v for k, v in self.__dict__.items() if k != "_automaton"}

    def encode(self, texts: list[str]) -> Encoded:
        return encode(texts, self.maps, self.compiled)

    @property
    def n_buckets(self) -> int:
        return 1 << self.bits

    @property
    def n_classes(self) -> int:
        return len(self.lexicon)

    @property
    def n_lexical(self) -> int:
        """Columns of the lexical block: one per class, frame, number kind and length bucket."""
        return self.number_frame_col + len(self.lexicon.number_frames) * len(NUMBER_KINDS)

    @property
    def number_frame_col(self) -> int:
        """First column (in the lexical block) of the class × number-kind frames, class-major."""
        return self.length_col + len(LENGTH_ZH)

    @property
    def length_col(self) -> int:
        """First column (in the lexical block) of the length buckets."""
        return self.number_col + len(NUMBER_KINDS)

    @property
    def number_col(self) -> int:
        """First column (in the lexical block) of the number kinds."""
        return self.n_classes + len(self.lexicon.frames)

    @property
    def n_features(self) -> int:
        return self.n_buckets + self.n_lexical

    @cached_property
    def _automaton(self) -> tuple[LexiconMatcher, np.ndarray]:
        words, cls = [], []
        for i, c in enumerate(self.lexicon.classes):
            for w in c.words:
                mapped = _map_word(w, self.maps)
                if mapped:
                    words.append(mapped)
                    cls.append(i)
        return LexiconMatcher(words), np.asarray(cls, dtype=np.int64)

    def grams(self, enc: Encoded) -> list[Grams]:
        out = []
        codes, msg = enc.codes, enc.msg
        shift = np.uint64(64 - self.bits)
        for n in self.orders:
            m = len(codes) - n + 1
            if m <= 0:
                continue
            key = codes[:m].copy()
            same = np.ones(m, dtype=bool)
            for j in range(1, n):
                key = key * _BASE + codes[j : j + m]
                same &= msg[j : j + m] == msg[:m]
            key = key * np.uint64(7) + np.uint64(n)
            bucket = ((key * _MULT) >> shift).astype(np.int64)
            at = np.flatnonzero(same)
            out.append(Grams(n, bucket[at], msg[at], at))
        return out

    def gram_matrix(self, enc: Encoded):
        """Every n-gram of a batch as one CSR matrix of ``n texts × (n_buckets + 1)``, for scoring.

        Row t holds one entry per kept character of text t and per order: the bucket of the n-gram that
        starts there, or the spare last column (`dead_bucket`, weight 0) when the n-gram would run past
        the text's end. The rows are then the texts' slices of `Encoded.codes` as they are, with no
        compaction, and ``matrix @ weights`` sums exactly the n-grams `grams` lists."""
        import scipy.sparse as sp

        codes, k = enc.codes, len(self.orders)
        size = len(codes)
        left = enc.starts[1:][enc.msg] - np.arange(size, dtype=np.int64)  # characters from here to the end
        cols = np.empty((size, k), dtype=np.int32)
        key = codes.copy()
        shift = np.uint64(64 - self.bits)
        for n in range(1, max(self.orders, default=0) + 1):
            m = size - n + 1
            if n > 1 and m > 0:
                key[:m] *= _BASE
                key[:m] += codes[n - 1 :]
            if n not in self.orders:
                continue
            h = key * np.uint64(7)
            h += np.uint64(n)
            h *= _MULT
            h >>= shift
            col = cols[:, self.orders.index(n)]
            col[:] = h
            col[left < n] = self.dead_bucket
        indptr = enc.starts * k
        data = np.ones(size * k, dtype=np.float32)
        shape = (enc.count, self.dead_bucket + 1)
        return sp.csr_matrix((data, cols.reshape(-1), indptr), shape=shape, copy=False)

    def gram_scores(self, enc: Encoded, weights: np.ndarray, compiled: bool | None = None) -> np.ndarray:
        """(texts × categories) float64: each text's n-gram weights summed and scaled by
        `inverse_norms` (`weights`: float32, one row per bucket, at least `n_buckets` rows). One pass of the
        compiled kernel when it is built, else ``gram_matrix(enc) @ weights`` (the same sums, the
        reference the tests hold the kernel to; `compiled`: None follows the featurizer's setting)."""
        if (self.compiled if compiled is None else compiled) and KERNEL is not None:
            out = np.zeros((enc.count, weights.shape[1]), dtype=np.float64)
            table = np.ascontiguousarray(weights, dtype=np.float32)
            KERNEL.gram_logits(enc.codes, enc.starts, table, self.bits, self.orders, table.shape[1], out)
            return out
        padded = np.vstack((weights[: self.n_buckets], np.zeros((1, weights.shape[1]), dtype=weights.dtype)))
        return np.asarray(self.gram_matrix(enc) @ padded) * self.inverse_norms(enc)[:, None]

    @property
    def dead_bucket(self) -> int:
        """The spare column of `gram_matrix` for n-grams that would cross a text's end."""
        return self.n_buckets

    def inverse_norms(self, enc: Encoded) -> np.ndarray:
        """1 / sqrt(number of n-grams) per text (1 without n-grams), the same as `norms`, counted."""
        lengths = np.diff(enc.starts)
        counts = sum(np.maximum(lengths - n + 1, 0) for n in self.orders).astype(np.float64)
        counts[counts == 0] = 1.0
        return 1.0 / np.sqrt(counts)

    def lexicon_hits(self, enc: Encoded) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(text index, class, start, end) of every lexicon word, starts/ends in `Encoded.codes` units."""
        matcher, cls = self._automaton
        empty = np.zeros(0, dtype=np.int64)
        word, start = matcher.find_in_texts(enc.codes, enc.starts, self.compiled)
        if not len(word):
            return empty, empty, empty, empty
        text = np.searchsorted(enc.starts, start, side="right") - 1
        end = start + matcher.lengths[word]
        keep = self._not_cancelled(cls[word], start, end)
        return text[keep], cls[word][keep], start[keep], end[keep]

    def _not_cancelled(self, cls: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Mask of the hits not inside a hit of a class that cancels theirs (`LexClass.not_inside`).
        Starts and ends are positions in `Encoded.codes`, so hits of different texts never overlap."""
        keep = np.ones(len(cls), dtype=bool)
        for inner, outer in self._cancel_pairs:
            hit_in, hit_out = np.flatnonzero(cls == inner), np.flatnonzero(cls == outer)
            if not len(hit_in) or not len(hit_out):
                continue
            # an outer hit starting at or before each inner hit, the one reaching furthest
            order = np.argsort(start[hit_out], kind="stable")
            o_start, o_end = start[hit_out][order], np.maximum.accumulate(end[hit_out][order])
            k = np.searchsorted(o_start, start[hit_in], side="right") - 1
            covered = (k >= 0) & (o_end[np.maximum(k, 0)] >= end[hit_in])
            keep[hit_in[covered]] = False
        return keep

    @cached_property
    def _cancel_pairs(self) -> list[tuple[int, int]]:
        names = self.lexicon.names
        return [(i, names.index(o)) for i, c in enumerate(self.lexicon.classes) for o in c.not_inside]

    def class_sets(self, enc: Encoded) -> tuple[np.ndarray, np.ndarray]:
        """(text index, class) pairs, each present pair once."""
        text, cls, _, _ = self.lexicon_hits(enc)
        if not len(text):
            return text, cls
        key = np.unique(text * self.n_classes + cls)
        return key // self.n_classes, key % self.n_classes

    def lexical_features(self, enc: Encoded) -> tuple[np.ndarray, np.ndarray]:
        """(text index, column in the lexical block) of the classes present, the frames they make, the
        kinds of number the text holds and the class × number-kind frames."""
        text, cls = self.class_sets(enc)
        rows, cols = self._class_features(text, cls)
        length_rows = np.arange(enc.count, dtype=np.int64)
        length_cols = self.length_col + np.searchsorted(LENGTH_BUCKETS, np.diff(enc.starts), side="right")
        num_text, kind, _, _ = number_runs(enc)
        key = np.unique(num_text * len(NUMBER_KINDS) + kind)
        num_rows, kinds = key // len(NUMBER_KINDS), key % len(NUMBER_KINDS)
        nf_rows, nf_cols = self._number_frames(text, cls, num_rows, kinds)
        return (
            np.concatenate((rows, num_rows, length_rows, nf_rows)),
            np.concatenate((cols, kinds + self.number_col, length_cols, nf_cols)),
        )

    def _number_frames(
        self, text: np.ndarray, cls: np.ndarray, num_rows: np.ndarray, kinds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(text index, column) of each number-frame class present in a text together with a kind of
        number (`num_rows`, `kinds`: each text's kinds, once each)."""
        rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for j, c in enumerate(self.lexicon.number_frames):
            has = np.isin(num_rows, text[cls == c])
            rows.append(num_rows[has])
            cols.append(self.number_frame_col + j * len(NUMBER_KINDS) + kinds[has])
        return np.concatenate(rows), np.concatenate(cols)

    def _class_features(self, text: np.ndarray, cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = self.n_classes
        if not len(text):
            return text, cls
        # every pair of classes present in the same text (a < b), looked up in the frame table
        order = np.lexsort((cls, text))
        text, cls = text[order], cls[order]
        left, right = _pairs_within(text)
        frame = self._frame_col[cls[left] * k + cls[right]]
        found = frame >= 0
        return np.concatenate((text, text[left][found])), np.concatenate((cls, frame[found]))

    def norms(self, enc: Encoded, grams: list[Grams]) -> np.ndarray:
        """1 / sqrt(number of n-grams) per text (1 for a text without n-grams)."""
        counts = np.zeros(enc.count, dtype=np.float64)
        for g in grams:
            counts += np.bincount(g.msg, minlength=enc.count)
        counts[counts == 0] = 1.0
        return 1.0 / np.sqrt(counts)

    def sparse_rows(self, texts: list[str], lex_scale: float):
        """The feature matrix of `texts` (scipy CSR), for training and tests."""
        import scipy.sparse as sp

        enc = self.encode(texts)
        grams = self.grams(enc)
        inv = self.norms(enc, grams)
        rows = [g.msg for g in grams]
        cols = [g.bucket for g in grams]
        vals = [inv[g.msg] for g in grams]
        lr, lc = self.lexical_features(enc)
        rows.append(lr)
        cols.append(lc + self.n_buckets)
        vals.append(np.full(len(lr), lex_scale))
        matrix = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(texts), self.n_features),
        )
        matrix.sum_duplicates()
        return matrix


def number_runs(enc: Encoded) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(text index, kind index into NUMBER_KINDS, start, end) of every run of 7+ digits (an ID's final
    X included), validated by `pii.plain_pii`; runs glued to a Latin letter are order codes."""
    empty = np.zeros(0, dtype=np.int64)
    is_digit = enc.digits != 0
    if not is_digit.any():
        return empty, empty, empty, empty
    edge = np.diff(np.concatenate(([0], is_digit.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    long_enough = ends - starts >= 7  # shorter runs, and so their parts in either text, are no number
    starts, ends = starts[long_enough], ends[long_enough]
    out: list[tuple[int, int, int, int]] = []
    msg = enc.msg
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if msg[s] != msg[e - 1]:  # a run across two texts: split at the text boundary
            cut = int(enc.starts[msg[s] + 1])
            out += _runs_of(enc, s, cut) + _runs_of(enc, cut, e)
        else:
            out += _runs_of(enc, s, e)
    if not out:
        return empty, empty, empty, empty
    arr = np.asarray(out, dtype=np.int64)
    return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]


def _runs_of(enc: Encoded, s: int, e: int) -> list[tuple[int, int, int, int]]:
    if e - s < 7:
        return []
    text = int(enc.msg[s])
    end = e
    if e - s == 17 and e < len(enc.codes) and enc.codes[e] == ord("x") and enc.msg[e] == text:
        end = e + 1  # 18-digit ID ending in X
    run = enc.digits[s:e].tobytes().decode("ascii") + ("X" if end > e else "")
    before = int(enc.codes[s - 1]) if s > 0 and enc.msg[s - 1] == text else 0
    after = int(enc.codes[end]) if end < len(enc.codes) and enc.msg[end] == text else 0
    glued = any(ord("a") <= c <= ord("z") for c in (before, after))
    kind = None if glued else plain_pii(run)
    if kind is None:
        return [(text, NUMBER_KINDS.index("invalid"), s, end)] if len(run) >= 10 else []
    return [(text, NUMBER_KINDS.index(kind), s, end)]


def _map_word(word: str, maps: CharMaps) -> str:
    codes = maps.chars[np.frombuffer(word.encode("utf-32-le"), dtype=np.uint32)]
    return codes[codes != DROPPED].tobytes().decode("utf-32-le")


def _pairs_within(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of equal consecutive values of a sorted array, vectorised."""
    n = len(group)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    sizes = np.diff(np.concatenate((starts, [n])))
    left, right = [], []
    for offset in range(1, int(sizes.max())):
        i = np.arange(n - offset)
        ok = group[i] == group[i + offset]
        left.append(i[ok])
        right.append(i[ok] + offset)
    if not left:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(left), np.concatenate(right)
