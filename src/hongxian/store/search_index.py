"""Free-text index of the triage queue: character bigrams → block posting lists.

Most Chinese search terms are two characters, so a trigram index (SQLite FTS5 ``trigram``,
``pg_trgm``) cannot serve them. This index keeps, for every character bigram of a finding's
lower-cased, already masked search text (``finding_search.search_text``), the findings that contain
it. A query is answered from the index alone:

* 2 characters: the posting list of that bigram (exact);
* 1 character ``c``: the union of the bigrams starting with ``c`` — one range of ``gram`` values,
  since ``gram = ord(a) << 21 | ord(b)``. Every text gets an end marker (``\\x00``) so that its last
  character also starts a bigram (exact);
* 3 or more characters: the intersection of the rarest bigrams' lists gives candidates, on which
  the caller verifies the substring (see ``Match.verify``).

Posting lists are stored per block of 16,384 finding primary keys (``block = pk >> 14``) as a sorted
little-endian uint16 array of ``pk & 16383``: about two bytes per (finding, distinct bigram), one row
per (case, bigram, block). The importer (review/runs.py) calls `update` with the old and new text of
every new or changed finding inside its write transaction; only the touched rows are rewritten.
Clear (unmasked) excerpts are never part of the search text, so they are never searchable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hongxian.store.models import FindingSearchRow, SearchGramRow, StoredFinding

SHIFT = 21
"""Bits of one code point (Unicode needs 21)."""
BLOCK_BITS = 14
BLOCK_MASK = (1 << BLOCK_BITS) - 1
END = "\x00"
DTYPE = np.dtype("<u2")
IN_CHUNK = 500
VERIFY_RATIO = 16
"""Stop intersecting when the next bigram's list is this many times longer than the candidates."""
G = SearchGramRow


def normalise(text: str) -> str:
    """The form both the index and the queries use (search texts are stored lower-cased)."""
    return text.replace(END, "").strip().lower()


def text_grams(text: str) -> set[int]:
    """Distinct bigram codes of an (already lower-cased) search text, end marker included."""
    t = text + END
    return {(ord(a) << SHIFT) | ord(b) for a, b in zip(t, t[1:], strict=False)}


def query_grams(q: str) -> list[int]:
    """Distinct bigram codes of a query of at least two characters (no end marker)."""
    return sorted({(ord(a) << SHIFT) | ord(b) for a, b in zip(q, q[1:], strict=False)})


def encode(offsets: np.ndarray) -> bytes:
    return np.asarray(offsets, dtype=DTYPE).tobytes()


def decode(block: int, blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=DTYPE).astype(np.int64) + (block << BLOCK_BITS)


# ---------------------------------------------------------------------------- maintenance


def _postings(items: Iterable[tuple[int, str]]) -> dict[int, np.ndarray]:
    """{gram: sorted uint16 offsets} for (pk, text) pairs of one block."""
    grams_parts, pk_parts = [], []
    for pk, text in items:
        g = np.fromiter(text_grams(text), dtype=np.int64)
        grams_parts.append(g)
        pk_parts.append(np.full(len(g), pk & BLOCK_MASK, dtype=np.int64))
    if not grams_parts:
        return {}
    grams, offsets = np.concatenate(grams_parts), np.concatenate(pk_parts)
    order = np.lexsort((offsets, grams))
    grams, offsets = grams[order], offsets[order].astype(DTYPE)
    cuts = np.flatnonzero(np.diff(grams)) + 1
    starts, ends = np.concatenate(([0], cuts)), np.concatenate((cuts, [len(grams)]))
    return {int(grams[s]): offsets[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)}


def _existing(session: Session, case_id: str, block: int, grams: list[int]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for i in range(0, len(grams), IN_CHUNK):
        stmt = select(G.gram, G.pks).where(G.case_id == case_id, G.block == block,
                                            G.gram.in_(grams[i:i + IN_CHUNK]))
        out.update((gram, np.frombuffer(blob, dtype=DTYPE)) for gram, blob in session.execute(stmt))
    return out


def _merge(old: dict[int, np.ndarray], adds: dict[int, np.ndarray], removes: dict[int, np.ndarray],
           grams: list[int]) -> list[tuple[int, np.ndarray]]:
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


def _update_block(session: Session, case_id: str, block: int, changes: list[tuple[int, str | None, str]],
                  fresh: bool) -> None:
    adds = _postings((pk, new) for pk, _old, new in changes)
    removes = _postings((pk, old) for pk, old, _new in changes if old is not None)
    for gram in set(adds) & set(removes):  # a bigram the finding keeps: neither added nor removed
        a, r = adds[gram], removes[gram]
        adds[gram], removes[gram] = np.setdiff1d(a, r, assume_unique=True), np.setdiff1d(r, a, assume_unique=True)
    grams = sorted(set(adds) | set(removes))
    old = {} if fresh else _existing(session, case_id, block, grams)
    stale = sorted(old)
    for i in range(0, len(stale), IN_CHUNK):
        session.execute(delete(G).where(G.case_id == case_id, G.block == block,
                                        G.gram.in_(stale[i:i + IN_CHUNK])))
    rows = [{"case_id": case_id, "gram": gram, "block": block, "n": len(cur), "pks": encode(cur)}
            for gram, cur in _merge(old, adds, removes, grams)]
    for i in range(0, len(rows), 5000):
        session.execute(insert(G.__table__), rows[i:i + 5000])


def update(session: Session, case_id: str, changes: Iterable[tuple[int, str | None, str]], *,
           fresh: bool = False) -> None:
    """Apply (pk, old text or None for a new finding, new text) to the index of one case, one
    block at a time (bounded memory). ``fresh``: the blocks have no rows yet (rebuild)."""
    by_block: dict[int, list[tuple[int, str | None, str]]] = defaultdict(list)
    for pk, old, new in changes:
        if old != new:
            by_block[pk >> BLOCK_BITS].append((pk, old, new))
    for block in sorted(by_block):
        _update_block(session, case_id, block, by_block.pop(block), fresh)


def rebuild(session: Session, case_id: str) -> None:
    """Drop and rebuild the index of one case from ``finding_search``, block by block (migration, repair)."""
    session.execute(delete(G).where(G.case_id == case_id))
    f, t = StoredFinding, FindingSearchRow
    lo, hi = session.execute(select(func.min(f.id), func.max(f.id)).where(f.case_id == case_id)).one()
    if lo is None:
        return
    for block in range(lo >> BLOCK_BITS, (hi >> BLOCK_BITS) + 1):
        stmt = (select(t.finding_pk, t.search_text).join(f, f.id == t.finding_pk)
                .where(f.case_id == case_id, t.finding_pk.between(block << BLOCK_BITS, (block << BLOCK_BITS) | BLOCK_MASK)))
        update(session, case_id, [(pk, None, text) for pk, text in session.execute(stmt)], fresh=True)


# ---------------------------------------------------------------------------- lookup


@dataclass(frozen=True)
class Match:
    """Primary keys (sorted) of the findings containing the query; with ``verify`` they are only
    candidates and the caller must check the substring."""

    pks: np.ndarray
    verify: bool


def _lists(session: Session, case_id: str, cond) -> np.ndarray:
    stmt = select(G.block, G.pks).where(G.case_id == case_id, cond)
    parts = [decode(block, blob) for block, blob in session.execute(stmt)]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)


def _frequencies(session: Session, case_id: str, grams: list[int]) -> dict[int, int]:
    stmt = select(G.gram, func.sum(G.n)).where(G.case_id == case_id, G.gram.in_(grams)).group_by(G.gram)
    return {gram: int(n) for gram, n in session.execute(stmt)}


def match(session: Session, case_id: str, q: str) -> Match:
    """Look up a normalised (`normalise`) non-empty query."""
    if len(q) == 1:
        c = ord(q)
        return Match(_lists(session, case_id, G.gram.between(c << SHIFT, ((c + 1) << SHIFT) - 1)), False)
    grams = query_grams(q)
    df = _frequencies(session, case_id, grams)
    if len(df) < len(grams):  # a bigram nobody has
        return Match(np.empty(0, np.int64), False)
    ordered = sorted(grams, key=df.__getitem__)
    pks = _lists(session, case_id, G.gram == ordered[0])
    for gram in ordered[1:]:
        if len(pks) == 0 or df[gram] > VERIFY_RATIO * len(pks):
            break
        pks = np.intersect1d(pks, _lists(session, case_id, G.gram == gram), assume_unique=True)
    return Match(pks, len(q) > 2)
