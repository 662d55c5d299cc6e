"""The queue's free-text filter ``q``: the findings whose masked search text contains the query.

Matches come from the n-gram index (store/search_index.py); the candidates it cannot vouch for are
verified with a plain substring test of ``finding_search.search_text`` (instr() on SQLite,
strpos() on PostgreSQL: no LIKE wildcards). The result is a sorted array of ``findings.id`` for
the queue (review/queries.py); `id_in` turns such an array into a condition.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import (
    Integer,
    LargeBinary,
    Select,
    Text,
    any_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from hongxian.store import search_index
from hongxian.store.models import FindingSearchRow

SCAN_VERIFY = 2000
"""More candidates than this are verified during one scan of ``finding_search`` (PostgreSQL)."""


def id_in(column, ids: np.ndarray, dialect: str, *, as_filter: bool = False):
    """``column IN ids`` for a long list of sorted ids, sent as one parameter (the driver does no
    per-element work). SQLite: a JSON array read with json_each(). PostgreSQL: an array constant,
    ``= ANY(…)`` (index probes for a few ids, a hashed filter on a scan for many) or, ``as_filter``
    (a cheap test applied to every row of a scan), a bitmap read with get_bit()."""
    if dialect != "postgresql":
        listed = ",".join(map(str, ids.tolist()))
        values: Select[Any] = select(literal_column("value")).select_from(
            func.json_each(bindparam(None, f"[{listed}]", Text))
        )
        return column.in_(values)
    if as_filter:
        bits = np.zeros(int(ids[-1]) + 1, dtype=bool)
        bits[ids] = True
        packed = bindparam(None, np.packbits(bits, bitorder="little").tobytes(), type_=LargeBinary)
        return case((column < len(bits), func.get_bit(packed, column) == 1), else_=false())
    listed = ",".join(map(str, ids.tolist()))  # an untyped parameter: the server parses INTEGER[]
    return column == any_(cast(bindparam(None, "{" + listed + "}", type_=NullType()), ARRAY(Integer)))


def select_ids(session: Session, column, *where) -> np.ndarray:
    """Sorted ids selected as one comma-separated text (no per-row work in Python)."""
    if session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(cast(column, Text), ",")
    else:
        joined = func.group_concat(column)
    text = session.connection().execute(select(joined).where(*where)).scalar()
    return np.sort(np.array(text.split(","), dtype=np.int64)) if text else np.empty(0, np.int64)


def text_ids(session: Session, case_id: str, q: str | None, dialect: str) -> np.ndarray | None:
    """Sorted ids of the case's findings containing ``q`` (lower-cased); None when ``q`` is blank."""
    needle = search_index.normalise(q or "")
    if not needle:
        return None
    found = search_index.match(session, case_id, needle)
    if not len(found.maybe):
        return found.sure
    return np.union1d(found.sure, _verified(session, found.maybe, needle, dialect))


def _verified(session: Session, candidates: np.ndarray, needle: str, dialect: str) -> np.ndarray:
    """The candidates whose search text contains ``needle``."""
    t = FindingSearchRow.__table__.c
    hit = func.strpos(t.search_text, needle) if dialect == "postgresql" else func.instr(t.search_text, needle)
    if dialect == "postgresql" and len(candidates) > SCAN_VERIFY:  # one scan, not a probe per candidate;
        member = id_in(t.finding_pk, candidates, dialect, as_filter=True)  # the bitmap before the text
        return select_ids(session, t.finding_pk, case((member, hit > 0), else_=false()))
    return select_ids(session, t.finding_pk, id_in(t.finding_pk, candidates, dialect), hit > 0)
