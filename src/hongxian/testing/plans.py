"""Query-plan inspection of the dataset build, for tests and the build profile.

`PlanRecorder` stands in for the DuckDB connection the normalise steps receive: before each
statement runs it asks DuckDB for the physical plan (``EXPLAIN (FORMAT json)``) and keeps every
join in it, then runs the statement and times it. `superlinear` names the joins whose cost can grow
faster than their inputs: nested-loop / blockwise / piecewise-merge / inequality joins and cross
products, hash joins without an equality key, and hash joins with an ``OR``, ``LIKE`` or range
residual (evaluated for every pair sharing the equality keys, e.g. every row of one source).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb

LOOP_JOINS = frozenset(
    {"NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN", "PIECEWISE_MERGE_JOIN", "IE_JOIN", "CROSS_PRODUCT"}
)
_EXPLAINABLE = re.compile(
    r"^\s*(SELECT|WITH|UPDATE|DELETE|INSERT|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?TABLE)", re.I
)
SMALL_INPUT_THRESHOLDS = ("nested_loop_join_threshold", "merge_join_threshold", "asof_loop_join_threshold")
# A residual that pairs rows beyond the keys: a disjunction, a pattern, a range (band join).
# ``<>`` / ``IS DISTINCT FROM`` residuals only filter the pairs the keys already made.
_PAIRWISE = re.compile(r"\bOR\b|\bLIKE\b|like_escape|~~|<(?!>)|(?<!<)>", re.I)


def is_equality(condition: str) -> bool:
    """A hash-join key: ``a = b`` or ``a IS NOT DISTINCT FROM b`` (either side any expression)."""
    has_eq = " = " in condition or " IS NOT DISTINCT FROM " in condition
    return has_eq and not _PAIRWISE.search(condition)


def is_pairwise(condition: str) -> bool:
    """A residual evaluated for every pair sharing the keys that can match many of them."""
    return bool(_PAIRWISE.search(condition))


@dataclass
class Join:
    operator: str  # HASH_JOIN, NESTED_LOOP_JOIN, …
    conditions: list[str]
    statement: str

    @property
    def superlinear(self) -> bool:
        if self.operator in LOOP_JOINS:
            return True
        if self.operator != "HASH_JOIN":
            return False
        return not any(is_equality(c) for c in self.conditions) or any(
            is_pairwise(c) for c in self.conditions
        )


@dataclass
class Statement:
    sql: str
    seconds: float
    joins: list[Join] = field(default_factory=list)


class PlanRecorder:
    """A DuckDB connection that records each statement's joins and time (see module doc)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        # DuckDB picks loop / merge joins for tiny inputs; turn that off so a test's few hundred
        # rows get the plan a million would.
        for name in SMALL_INPUT_THRESHOLDS:
            con.execute(f"SET {name} = 0")
        self.statements: list[Statement] = []

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        joins = self.joins(sql, *args) if _EXPLAINABLE.match(sql) else []
        t0 = time.perf_counter()
        result = self._con.execute(sql, *args, **kwargs)
        self.statements.append(Statement(sql, time.perf_counter() - t0, joins))
        return result

    def joins(self, sql: str, *params: Any) -> list[Join]:
        """The joins of the plan DuckDB would run for ``sql`` now."""
        rows = self._con.execute("EXPLAIN (FORMAT json) " + sql, *params).fetchall()
        found: list[Join] = []
        for _, plan in rows:
            for node in json.loads(plan):
                _collect(node, sql, found)
        return found

    def superlinear(self) -> list[Join]:
        return [j for s in self.statements for j in s.joins if j.superlinear]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _collect(node: dict, sql: str, out: list[Join]) -> None:
    name = node.get("name", "")
    if "JOIN" in name or name == "CROSS_PRODUCT":
        conds = node.get("extra_info", {}).get("Conditions", [])
        out.append(Join(name, [conds] if isinstance(conds, str) else list(conds), sql))
    for child in node.get("children", []):
        _collect(child, sql, out)
