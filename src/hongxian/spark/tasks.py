"""Executor-side functions of the Spark engine (shipped to the Python workers by reference).

Everything a task needs comes in one broadcast `Shared`: the rulebook, each case's small tables
(registers, accounts, groups, group members) and each case's plan (which detectors run which
checks). Compiled text checks are cached per Python worker and case, so a worker compiles a case's
automaton once however many batches it scans (workers are reused: spark.python.worker.reuse).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.canonical import SCHEMAS
from hongxian.dataset.dataset import Dataset
from hongxian.detect.base import DetectContext, DetectorRegistry
from hongxian.spark.source import CASE_COLUMN

log = logging.getLogger(__name__)
OUT_SCHEMA = "case_id string, kind string, payload string"
"""Task output rows: ``kind`` is ``finding`` (payload: the finding's JSON) or ``skipped``
(payload: [check id, reason])."""
REGISTER_TABLES = (
    "people",
    "relations",
    "events",
    "group_register",
    "account_register",
    "accounts",
    "groups",
    "group_members",
    "attachments",
)
"""The small tables of a case, broadcast to every task (``attachments``: the text of the files posted
or handed in, small beside the messages, scanned with the case's text checks)."""


@dataclass
class Step:
    detector: str
    checks: list[str]
    family: str


@dataclass
class Shared:
    token: str
    rulebook: Any
    registers: dict[str, dict[str, pa.Table]] = field(default_factory=dict)
    plan: dict[str, list[Step]] = field(default_factory=dict)

    def steps(self, case_id: str, family: str) -> list[Step]:
        return [s for s in self.plan.get(case_id, []) if s.family == family]


_WORKER: dict[Any, Any] = {}


def _registry() -> DetectorRegistry:
    if "registry" not in _WORKER:
        from hongxian.detect import default_registry

        _WORKER["registry"] = default_registry()
    return _WORKER["registry"]


def canonical(table: pa.Table, name: str) -> pa.Table:
    """A Spark Arrow table (case column, session-zone timestamps) in the canonical schema."""
    schema = SCHEMAS[name]
    return table.select(schema.names).cast(schema)


def case_dataset(shared: Shared, case_id: str, **big: pa.Table) -> Dataset:
    tables = dict(shared.registers.get(case_id, {}))
    tables |= {name: canonical(t, name) for name, t in big.items()}
    return Dataset(tables)


def _bounds(shared: Shared, step: Step) -> list:
    book = shared.rulebook
    return [book.bound[c] for c in step.checks]


def run_steps(shared: Shared, case_id: str, dataset: Dataset, family: str) -> list[tuple[str, str, str]]:
    """Run the case's steps of one family on `dataset` → output rows."""
    from hongxian.screen import run_detector

    rows: list[tuple[str, str, str]] = []
    ctx = DetectContext(dataset=dataset, rulebook=shared.rulebook)
    registry = _registry()
    try:
        for step in shared.steps(case_id, family):
            detector = registry.get(step.detector)
            if detector is None:  # the driver planned it from the same registry
                raise KeyError(step.detector)
            skipped: list[tuple[str, str]] = []
            for f in run_detector(ctx, detector, _bounds(shared, step), skipped):
                rows.append((case_id, "finding", json.dumps(f.to_json_dict(), ensure_ascii=False)))
            rows.extend((case_id, "skipped", json.dumps(s, ensure_ascii=False)) for s in skipped)
    finally:
        dataset.close()
    return rows


def out_table(rows: list[tuple[str, str, str]]) -> pa.Table:
    cols = list(zip(*rows, strict=True)) if rows else [(), (), ()]
    return pa.table(
        {n: pa.array(list(c), pa.string()) for n, c in zip(("case_id", "kind", "payload"), cols, strict=True)}
    )


def _case_ids(table: pa.Table) -> list[str]:
    return sorted(pc.unique(table.column(CASE_COLUMN)).to_pylist())


def _of_case(table: pa.Table, case_id: str) -> pa.Table:
    return table.filter(pc.equal(table.column(CASE_COLUMN), case_id))


def _selector(shared: Shared, case_id: str):
    key = (shared.token, case_id)
    sel = _WORKER.get(key)
    if sel is None:
        from hongxian.detect.text import TextSelector

        bound = [b for s in shared.steps(case_id, "text") for b in _bounds(shared, s)]
        sel = _WORKER[key] = TextSelector(Dataset(shared.registers.get(case_id, {})), bound)
    return sel


def select_text_hits(shared_bc) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """mapInArrow: the messages (rows unchanged) that produce at least one text hit."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        shared: Shared = shared_bc.value
        for batch in batches:
            table = pa.Table.from_batches([batch])
            for case_id in _case_ids(table):
                if not shared.steps(case_id, "text"):
                    continue
                part = _of_case(table, case_id)
                mask = _selector(shared, case_id).hit_mask(canonical(part, "messages"))
                yield from part.filter(mask).to_batches()

    return run


def text_findings(shared_bc) -> Callable[[pa.Table], pa.Table]:
    """Grouped applyInArrow over one case's hit messages: the text findings, aggregated per (check,
    subject) exactly as the embedded engine does."""

    def run(hits: pa.Table) -> pa.Table:
        shared: Shared = shared_bc.value
        rows = []
        for case_id in _case_ids(hits):
            ds = case_dataset(shared, case_id, messages=_of_case(hits, case_id))
            rows += run_steps(shared, case_id, ds, "text")
        return out_table(rows)

    return run


def case_findings(shared_bc, family: str) -> Callable[[pa.Table, pa.Table], pa.Table]:
    """Cogrouped applyInArrow (messages, payments of one case): the detectors of `family`."""

    def run(messages: pa.Table, payments: pa.Table) -> pa.Table:
        shared: Shared = shared_bc.value
        ids = _case_ids(messages) or _case_ids(payments)
        rows = []
        for case_id in ids:
            ds = case_dataset(
                shared, case_id, messages=_of_case(messages, case_id), payments=_of_case(payments, case_id)
            )
            rows += run_steps(shared, case_id, ds, family)
        return out_table(rows)

    return run
