"""Exact posting lists for the frequent trigrams and 4-grams of each block (store/search_index.py).

The hashed bucket lists are complete but shared by many grams, so a 3- or 4-character query has to
verify its candidates — expensive for a common phrase (内部文件 in a quarter of the findings). So a
gram found in at least `EXACT_MIN` findings of a block also gets an exact list in that block.
Codes (BMP characters only): ``1 << 48 | a << 32 | b << 16 | c`` for trigrams, the 64 bits
``a << 48 | b << 32 | c << 16 | d`` for 4-grams not starting with U+0000/U+0001 (negative or
≥ ``2**49``): never equal to a bigram code (< ``2**42``) or a bucket code (``2**44`` … ``2**45 +
65,535``). Every change to a block recomputes its exact lists from all of its texts, so in each
block a gram either has its complete exact list or is rarer than `EXACT_MIN` there.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, delete, insert, or_, select
from sqlalchemy.orm import Session

from hongxian.store.models import FindingSearchRow, SearchGramRow, StoredFinding

# The index is written from an ORM session (import) or a bare connection (migration 0002).
Executor = Session | Connection

EXACT_MIN = 256
"""A 3/4-gram in this many findings of a block gets an exact list there; a rarer one costs at most
about this many substring tests per block."""
OFFSET_BITS = 14
"""Findings per block: ``2**14`` (store/search_index.py uses the same)."""
TRI_EXACT = 1 << 48
BMP = 0xFFFF
G = SearchGramRow
DTYPE = np.dtype("<u2")


def is_exact(code: int) -> bool:
    return code >= TRI_EXACT or code < 0


def _codes(cp: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact trigram and 4-gram codes of code points ``cp`` (uint64; ``same[i]``: i and i+1 are in
    one text; no gram ends on the end marker U+0000), with the index of each first character."""
    bmp = cp <= BMP
    ok3 = same[:-1] & same[1:] & bmp[:-2] & bmp[1:-1] & bmp[2:] & (cp[2:] != 0)
    ok4 = ok3[:-1] & same[2:] & bmp[3:] & (cp[3:] != 0) & (cp[:-3] >= 2)
    pos3, pos4 = np.flatnonzero(ok3), np.flatnonzero(ok4)
    tri = np.uint64(TRI_EXACT) | (cp[pos3] << np.uint64(32)) | (cp[pos3 + 1] << np.uint64(16)) | cp[pos3 + 2]
    quad = (
        (cp[pos4] << np.uint64(48))
        | (cp[pos4 + 1] << np.uint64(32))
        | (cp[pos4 + 2] << np.uint64(16))
        | cp[pos4 + 3]
    )
    return np.concatenate((tri, quad)).view(np.int64), np.concatenate((pos3, pos4))


def exact_code(q: str) -> int | None:
    """The exact code of a 3- or 4-character query, when such a gram can have an exact list."""
    cps = [ord(c) for c in q]
    if len(cps) not in (3, 4) or max(cps) > BMP or 0 in cps[2:]:
        return None
    if len(cps) == 3:
        return TRI_EXACT | cps[0] << 32 | cps[1] << 16 | cps[2]
    if cps[0] < 2:
        return None
    value = cps[0] << 48 | cps[1] << 32 | cps[2] << 16 | cps[3]
    return value - (1 << 64) if value >= 1 << 63 else value  # as stored: a signed 64-bit integer


def _firsts(values: np.ndarray) -> np.ndarray:
    """Mask of the elements of a sorted array that differ from their predecessor."""
    return np.concatenate(([True], values[1:] != values[:-1])) if len(values) else np.zeros(0, dtype=bool)


def frequent(cp: np.ndarray, owner: np.ndarray) -> dict[int, np.ndarray]:
    """{exact code: sorted uint16 offsets} of the grams in at least EXACT_MIN of a block's texts,
    given their concatenated code points and each code point's offset in the block."""
    codes, pos = _codes(cp, owner[:-1] == owner[1:])
    counted = np.sort(codes)  # occurrences bound the findings: keep only codes seen often enough
    starts = np.flatnonzero(_firsts(counted))
    sizes = np.diff(np.concatenate((starts, [len(counted)])))
    common = counted[starts[sizes >= EXACT_MIN]]  # sorted, distinct
    if not len(common):
        return {}
    rank = np.minimum(np.searchsorted(common, codes), len(common) - 1)
    keep = common[rank] == codes
    keys = np.sort((rank[keep] << OFFSET_BITS) | owner[pos[keep]])  # (rank, offset) pairs, sorted
    keys = keys[_firsts(keys)]
    ranks, offsets = keys >> OFFSET_BITS, (keys & ((1 << OFFSET_BITS) - 1)).astype(DTYPE)
    bounds = np.concatenate((np.flatnonzero(_firsts(ranks)), [len(ranks)]))
    return {
        int(common[ranks[s]]): offsets[s:e]
        for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        if e - s >= EXACT_MIN
    }


def block_texts(session: Executor, case_id: str, block: int) -> list[tuple[int, str]]:
    """(pk, search text) of the case's findings in one block."""
    f, t = StoredFinding, FindingSearchRow
    lo = block << OFFSET_BITS
    stmt = (
        select(t.finding_pk, t.search_text)
        .join(f, f.id == t.finding_pk)
        .where(f.case_id == case_id, t.finding_pk.between(lo, lo + (1 << OFFSET_BITS) - 1))
    )
    return [(pk, text) for pk, text in session.execute(stmt)]


def refresh(session: Executor, case_id: str, block: int, lists: dict[int, np.ndarray]) -> None:
    """Replace the exact lists of one block of one case."""
    session.execute(
        delete(G).where(G.case_id == case_id, G.block == block, or_(G.gram >= TRI_EXACT, G.gram < 0))
    )
    rows = [
        {"case_id": case_id, "gram": code, "block": block, "n": len(offsets), "pks": offsets.tobytes()}
        for code, offsets in lists.items()
    ]
    for i in range(0, len(rows), 5000):
        session.execute(insert(G.__table__), rows[i : i + 5000])
