"""Stable fingerprints for rows and findings.

Ids hash the *content* that identifies a thing (never a file position), so the same row seen in
a re-exported file, a second shard or a merged database gets the same id.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

_SEP = "\x1f"


def fingerprint(prefix: str, *parts: object, length: int = 16) -> str:
    """``prefix-<hex>`` from the parts; None and "" hash alike."""
    text = _SEP.join("" if p is None else str(p) for p in parts)
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    return f"{prefix}-{digest[:length]}"


class OccurrenceCounter:
    """Numbers identical keys in order of appearance so exact duplicate rows keep distinct ids.

    A bill may legitimately contain two rows with the same 交易单号 and content (the public
    double-entry-generator sample does); the n-th copy gets occurrence n.
    """

    def __init__(self) -> None:
        self._seen: Counter[tuple] = Counter()

    def next(self, key: tuple) -> int:
        self._seen[key] += 1
        return self._seen[key] - 1


def sha256_file(path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def finding_fingerprint(check_id: str, subject_kind: str, subject_id: str, keys: Iterable[str] = ()) -> str:
    """Finding id: check + subject (+ optional grouping keys such as a window label), never evidence order."""
    return fingerprint("f", check_id, subject_kind, subject_id, *sorted(keys), length=20)
