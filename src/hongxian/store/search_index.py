"""Free-text index of the triage queue: character n-grams → block posting lists.

Most Chinese search terms are two characters, so a trigram index alone (SQLite FTS5 ``trigram``,
``pg_trgm``) cannot serve them. This index keeps, for a finding's lower-cased, already masked
search text (``finding_search.search_text``), the findings containing each of its

* character bigrams, exactly: code ``ord(a) << 21 | ord(b)`` (below ``2**42``);
* trigrams and 4-grams, hashed into 65,536 buckets each (codes ``1 << 44 | bucket`` and
  ``1 << 45 | bucket``): the number of rows stays bounded however varied the texts are, and a
  bucket's list is a superset of each of its grams' lists.

A query is answered from the index:

* 1 character ``c``: the union of the bigrams starting with ``c`` — one range of codes. Every text
  gets an end marker (``\x00``) so that its last character also starts a bigram (exact);
* 2 characters: the bigram's posting list (exact);
* longer: the intersection of the rarest lists among its bigrams, trigram and 4-gram buckets gives
  candidates on which the caller verifies the substring (``Match.verify``): about the true matches
  plus a little hash noise, even for digits or ids whose bigrams are everywhere.

Posting lists are stored per block of 16,384 finding primary keys (``block = pk >> 14``) as a sorted
little-endian uint16 array of ``pk & 16383``: two bytes per (finding, distinct code), one row per
(case, code, block). The importer (review/runs.py) calls `update` with the old and new text of
every new or changed finding inside its write transaction; only the touched rows are rewritten.
Clear (unmasked) excerpts are never part of the search text, so they are never searchable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Row, delete, func, insert, select
from sqlalchemy.orm import Session

from hongxian.store import search_exact
from hongxian.store.models import FindingSearchRow, SearchGramRow, StoredFinding
from hongxian.store.search_exact import Executor

SHIFT = 21
"""Bits of one code point in a bigram code (Unicode needs 21)."""
TRIGRAM, QUADGRAM = 1 << 44, 1 << 45
BUCKET_BITS = 16
_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)  # multiplicative hashing
BLOCK_BITS = search_exact.OFFSET_BITS  # 16,384 findings per block
BLOCK_MASK = (1 << BLOCK_BITS) - 1
END = "\x00"
DTYPE = np.dtype("<u2")
IN_CHUNK = 500
MAX_GRAMS = 12
"""A long query intersects the lists of its rarest codes only (the substring test does the rest)."""
FEW, SKIP_RATIO = 256, 32
"""Stop intersecting at this few candidates, or before a list this many times longer than them."""
G = SearchGramRow


def normalise(text: str) -> str:
    """The form both the index and the queries use (search texts are stored lower-cased)."""
    return text.replace(END, "").strip().lower()


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)


def _bucket(flag: int, hashed: np.ndarray) -> np.ndarray:
    return flag | ((hashed * _K2) >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)


def _grams(cp: np.ndarray, same: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the bigrams, trigram buckets and 4-gram buckets of consecutive code points
    (``same[i]``: i and i+1 belong to one text; no trigram or 4-gram ends on the end marker), with
    the index of each gram's first character."""
    same = np.ones(max(len(cp) - 1, 0), dtype=bool) if same is None else same
    pos2 = np.flatnonzero(same)
    pos3 = np.flatnonzero(same[:-1] & same[1:] & (cp[2:] != 0))
    pos4 = np.flatnonzero(same[:-2] & same[1:-1] & same[2:] & (cp[3:] != 0))
    s = np.uint64(SHIFT)
    tri = (cp[:-2] << (s + s)) | (cp[1:-1] << s) | cp[2:]  # exact trigram codes, < 2**63
    with np.errstate(over="ignore"):
        quads = tri[pos4] * _K1 + cp[pos4 + 3]
    codes = (
        ((cp[pos2] << s) | cp[pos2 + 1]).astype(np.int64),
        _bucket(TRIGRAM, tri[pos3]),
        _bucket(QUADGRAM, quads),
    )
    return np.concatenate(codes), np.concatenate((pos2, pos3, pos4))


def text_grams(text: str) -> set[int]:
    """Distinct codes of an (already lower-cased) search text, end marker included."""
    return set(_grams(_code_points(text.replace(END, "") + END))[0].tolist())


def query_grams(q: str) -> list[int]:
    """Distinct codes of a normalised query of at least two characters (no end marker)."""
    return sorted(set(_grams(_code_points(q))[0].tolist()))


def encode(offsets: np.ndarray) -> bytes:
    return np.asarray(offsets, dtype=DTYPE).tobytes()


# ---------------------------------------------------------------------------- maintenance


def _concat(items: Iterable[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of all texts (each with its end marker) and each one's offset in the block."""
    texts, offsets = [], []
    for pk, text in items:
        texts.append(text.replace(END, "") + END)
        offsets.append(pk & BLOCK_MASK)
    cp = _code_points("".join(texts))
    return cp, np.repeat(np.asarray(offsets, dtype=np.int64), [len(t) for t in texts])


def _postings(items: Iterable[tuple[int, str]]) -> dict[int, np.ndarray]:
    """{code: sorted uint16 offsets} for (pk, text) pairs of one block, computed on all texts at
    once: the sorted unique keys ``code << 14 | offset`` are the posting lists, in order."""
    cp, owner = _concat(items)
    if not len(cp):
        return {}
    grams, pos = _grams(cp, owner[:-1] == owner[1:])
    keys = np.sort((grams << BLOCK_BITS) | owner[pos])
    keys = keys[_firsts(keys)]  # (np.unique hashes: much slower)
    return _groups(keys >> BLOCK_BITS, (keys & BLOCK_MASK).astype(DTYPE))


def _firsts(sorted_values: np.ndarray) -> np.ndarray:
    """Mask of the elements that differ from their predecessor."""
    if not len(sorted_values):
        return np.zeros(0, dtype=bool)
    return np.concatenate(([True], sorted_values[1:] != sorted_values[:-1]))


def _groups(grams: np.ndarray, offsets: np.ndarray) -> dict[int, np.ndarray]:
    """{gram: its offsets} for parallel arrays sorted by gram."""
    cuts = np.flatnonzero(np.diff(grams)) + 1
    starts, ends = np.concatenate(([0], cuts)), np.concatenate((cuts, [len(grams)]))
    return {int(grams[s]): offsets[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True) if e > s}


def _existing(session: Executor, case_id: str, block: int, grams: list[int]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for i in range(0, len(grams), IN_CHUNK):
        stmt = select(G.gram, G.pks).where(
            G.case_id == case_id, G.block == block, G.gram.in_(grams[i : i + IN_CHUNK])
        )
        out.update((gram, np.frombuffer(blob, dtype=DTYPE)) for gram, blob in session.execute(stmt))
    return out


def _merge(
    old: dict[int, np.ndarray], adds: dict[int, np.ndarray], removes: dict[int, np.ndarray], grams: list[int]
) -> list[tuple[int, np.ndarray]]:
    out = []
    for gram in grams:
        cur = old.get(gram, np.empty(0, DTYPE))
        if gram in removes:
            cur = np.setdiff1d(cur, removes[gram], assume_unique=True)
        if gram in adds:
            cur = adds[gram] if not len(cur) else np.union1d(cur, adds[gram])
        if len(cur):
            out.append((gram, cur))
    return out


def _update_block(
    session: Executor, case_id: str, block: int, changes: list[tuple[int, str | None, str]], fresh: bool
) -> None:
    adds = _postings((pk, new) for pk, _old, new in changes)
    removes = _postings((pk, old) for pk, old, _new in changes if old is not None)
    for gram in set(adds) & set(removes):  # a bigram the finding keeps: neither added nor removed
        a, r = adds[gram], removes[gram]
        adds[gram], removes[gram] = (
            np.setdiff1d(a, r, assume_unique=True),
            np.setdiff1d(r, a, assume_unique=True),
        )
    grams = sorted(set(adds) | set(removes))
    old = {} if fresh else _existing(session, case_id, block, grams)
    stale = sorted(old)
    for i in range(0, len(stale), IN_CHUNK):
        session.execute(
            delete(G).where(G.case_id == case_id, G.block == block, G.gram.in_(stale[i : i + IN_CHUNK]))
        )
    rows = [
        {"case_id": case_id, "gram": gram, "block": block, "n": len(cur), "pks": encode(cur)}
        for gram, cur in _merge(old, adds, removes, grams)
    ]
    for i in range(0, len(rows), 5000):
        session.execute(insert(G.__table__), rows[i : i + 5000])
    texts = (
        [(pk, new) for pk, _old, new in changes]
        if fresh
        else search_exact.block_texts(session, case_id, block)
    )
    search_exact.refresh(session, case_id, block, search_exact.frequent(*_concat(texts)))


def update(
    session: Executor, case_id: str, changes: Iterable[tuple[int, str | None, str]], *, fresh: bool = False
) -> None:
    """Apply (pk, old text or None for a new finding, new text) to the index of one case, one
    block at a time (bounded memory). ``fresh``: the blocks have no rows yet (rebuild)."""
    by_block: dict[int, list[tuple[int, str | None, str]]] = defaultdict(list)
    for pk, old, new in changes:
        if old != new:
            by_block[pk >> BLOCK_BITS].append((pk, old, new))
    for block in sorted(by_block):
        _update_block(session, case_id, block, by_block.pop(block), fresh)


def rebuild(session: Executor, case_id: str) -> None:
    """Drop and rebuild the index of one case from ``finding_search``, block by block (migration, repair)."""
    session.execute(delete(G).where(G.case_id == case_id))
    f, t = StoredFinding, FindingSearchRow
    lo, hi = session.execute(select(func.min(f.id), func.max(f.id)).where(f.case_id == case_id)).one()
    if lo is None:
        return
    for block in range(lo >> BLOCK_BITS, (hi >> BLOCK_BITS) + 1):
        stmt = (
            select(t.finding_pk, t.search_text)
            .join(f, f.id == t.finding_pk)
            .where(
                f.case_id == case_id,
                t.finding_pk.between(block << BLOCK_BITS, (block << BLOCK_BITS) | BLOCK_MASK),
            )
        )
        update(session, case_id, [(pk, None, text) for pk, text in session.execute(stmt)], fresh=True)


# ---------------------------------------------------------------------------- lookup


@dataclass(frozen=True)
class Match:
    """Sorted primary keys: ``sure`` contain the query; ``maybe`` are candidates on which the
    caller must check the substring."""

    sure: np.ndarray
    maybe: np.ndarray


_NONE = np.empty(0, np.int64)


def _bitmap(session: Session, case_id: str, cond) -> np.ndarray:
    """The union of the posting lists selected by ``cond`` as a boolean array indexed by pk."""
    return _bits(session.execute(select(G.block, G.pks).where(G.case_id == case_id, cond)).all())


def _bits(rows: Sequence[Row[int, bytes]]) -> np.ndarray:
    if not rows:
        return np.zeros(0, dtype=bool)
    bits = np.zeros((max(block for block, _ in rows) + 1) << BLOCK_BITS, dtype=bool)
    for block, blob in rows:
        base = block << BLOCK_BITS
        bits[base : base + BLOCK_MASK + 1][np.frombuffer(blob, dtype=DTYPE)] = True
    return bits


def _frequencies(session: Session, case_id: str, grams: list[int]) -> dict[int, int]:
    stmt = select(G.gram, func.sum(G.n)).where(G.case_id == case_id, G.gram.in_(grams)).group_by(G.gram)
    return {gram: int(n) for gram, n in session.execute(stmt)}


def _candidates(session: Session, case_id: str, q: str) -> np.ndarray:
    """Bitmap of the findings having every bigram and (bucketed) 3/4-gram of ``q``, as far as
    intersecting the rarest lists pays off."""
    grams = query_grams(q)
    df = _frequencies(session, case_id, grams)
    if len(df) < len(grams):  # a gram nobody has
        return np.zeros(0, dtype=bool)
    ordered = sorted(grams, key=df.__getitem__)[:MAX_GRAMS]  # rarest first
    bits = _bitmap(session, case_id, G.gram == ordered[0])
    for gram in ordered[1:]:
        left = int(bits.sum())
        if left <= FEW or df[gram] > SKIP_RATIO * left:  # verifying the rest costs less than reading more
            break
        other = _bitmap(session, case_id, G.gram == gram)
        n = min(len(bits), len(other))
        bits = bits[:n] & other[:n]
    return bits


def match(session: Session, case_id: str, q: str) -> Match:
    """Look up a normalised (`normalise`) non-empty query."""
    if len(q) == 1:
        c = ord(q)
        return Match(
            np.flatnonzero(_bitmap(session, case_id, G.gram.between(c << SHIFT, ((c + 1) << SHIFT) - 1))),
            _NONE,
        )
    if len(q) == 2:  # one bigram: its list is the answer
        return Match(
            np.flatnonzero(_bitmap(session, case_id, G.gram == (ord(q[0]) << SHIFT) | ord(q[1]))), _NONE
        )
    maybe = _candidates(session, case_id, q)
    code = search_exact.exact_code(q)
    exact = (
        session.execute(select(G.block, G.pks).where(G.case_id == case_id, G.gram == code)).all()
        if code is not None and maybe.any()
        else []
    )
    for block, _ in exact:  # blocks where the gram is common: its exact list replaces the candidates
        maybe[block << BLOCK_BITS : (block + 1) << BLOCK_BITS] = False
    return Match(np.flatnonzero(_bits(exact)), np.flatnonzero(maybe))
