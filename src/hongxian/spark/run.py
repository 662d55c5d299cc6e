"""Driver side of the Spark engine: plan per case, run the three detector families, collect.

1. The canonical tables are read from ROOT (`hongxian.spark.source`); the small tables of every
   case are collected once and broadcast with the rulebook and each case's plan.
2. Text checks: ``mapInArrow`` over all messages keeps the messages that produce a hit (the
   compiled checks cached per worker and case), then a grouped ``applyInArrow`` per case
   aggregates them into findings per (check, subject).
3. Payment typologies: the portable SQL on Spark SQL (`hongxian.spark.payments`).
4. Group checks: a cogrouped ``applyInArrow`` per case (messages, payments) runs the group detectors.
5. Findings are merged and ordered per case with the embedded engine's own functions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.dataset.dataset import ALL_TABLES
from hongxian.detect.base import DetectorRegistry
from hongxian.schema import Finding
from hongxian.screen import ScreenResult, order_findings, runnable_batches
from hongxian.spark.source import CASE_COLUMN
from hongxian.spark.tasks import OUT_SCHEMA, REGISTER_TABLES, Shared, Step

FAMILIES = ("text", "payments", "groups")


@dataclass
class _Presence:
    """What `Detector.missing_data` asks of a dataset: which tables have rows (for one case)."""

    tables: set[str]

    def has(self, name: str) -> bool:
        return name in self.tables


def detector_families() -> dict[str, str]:
    from hongxian.detect import groups, payments, text
    from hongxian.plugins import register_all

    out: dict[str, str] = {}
    for name, family in (("groups", groups), ("payments", payments), ("text", text)):
        reg = DetectorRegistry()
        register_all(reg, family.PLUGINS)
        out |= {d.name: name for d in reg}
    return out


def read_tables(spark, root: str) -> dict:
    """Table name → DataFrame (with the case column); tables absent under ROOT are left out."""
    from pyspark.errors import AnalysisException

    out = {}
    for name in ALL_TABLES:
        try:
            out[name] = spark.read.parquet(f"{root.rstrip('/')}/{name}")
        except AnalysisException:
            continue
    return out


def _presence(frames: dict, cases: list[str] | None) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, df in frames.items():
        for row in df.groupBy(CASE_COLUMN).count().collect():
            if row["count"] > 0:
                found.setdefault(row[CASE_COLUMN], set()).add(name)
    if cases is not None:
        found = {c: found.get(c, set()) for c in cases}
    return found


def _registers(frames: dict, cases: list[str]) -> dict[str, dict[str, pa.Table]]:
    from hongxian.spark.tasks import canonical

    out: dict[str, dict[str, pa.Table]] = {c: {} for c in cases}
    for name in REGISTER_TABLES:
        if name not in frames:
            continue
        table = frames[name].toArrow()
        for case_id in cases:
            part = table.filter(pc.equal(table.column(CASE_COLUMN), case_id))
            out[case_id][name] = canonical(part, name)
    return out


def plan_cases(presence: dict[str, set[str]], rulebook, registry, skipped: dict) -> dict[str, list[Step]]:
    families = detector_families()
    plan: dict[str, list[Step]] = {}
    for case_id, tables in presence.items():
        skips: list[tuple[str, str]] = []
        batches = runnable_batches(_Presence(tables), rulebook, registry, skips)  # type: ignore[arg-type]
        skipped[case_id] = skips
        plan[case_id] = [
            Step(d.name, [b.check.id for b in bounds], families.get(d.name, "groups"))
            for d, bounds in batches
        ]
    return plan


def _empty(spark, name: str):
    from hongxian.canonical import SCHEMAS

    table = SCHEMAS[name].empty_table().append_column(CASE_COLUMN, pa.array([], pa.string()))
    return spark.createDataFrame(table)


def screen_frames(
    spark,
    frames: dict,
    rulebook,
    registry: DetectorRegistry,
    cases: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, ScreenResult]:
    """Screen every case in `frames` (or only `cases`) → case id → result, as the embedded engine."""
    say = progress or (lambda _msg: None)
    if cases is not None:
        frames = {n: df.where(df[CASE_COLUMN].isin(cases)) for n, df in frames.items()}
    say("统计各案件数据")
    presence = _presence(frames, cases)
    ids = sorted(presence)
    skipped: dict[str, list[tuple[str, str]]] = {}
    plan = plan_cases(presence, rulebook, registry, skipped)
    shared = Shared(uuid.uuid4().hex, rulebook, _registers(frames, ids), plan)
    bc = spark.sparkContext.broadcast(shared)
    for name in ("messages", "payments"):
        frames.setdefault(name, _empty(spark, name))
    rows = []
    for family, label in (("text", "文本检查"), ("payments", "资金检查"), ("groups", "群组检查")):
        say(f"运行{label}")
        rows += _family_rows(spark, frames, bc, family)
    bc.unpersist()
    return _results(ids, rows, skipped, rulebook.version)


def _family_rows(spark, frames: dict, bc, family: str) -> list:
    from hongxian.spark import tasks

    messages, payments = frames["messages"], frames["payments"]
    if family == "payments":
        from hongxian.spark.payments import payment_rows

        return payment_rows(spark, frames, bc.value)
    if family == "text":
        hits = messages.mapInArrow(tasks.select_text_hits(bc), messages.schema)
        out = hits.groupBy(CASE_COLUMN).applyInArrow(tasks.text_findings(bc), OUT_SCHEMA)
    else:
        out = (
            messages.groupBy(CASE_COLUMN)
            .cogroup(payments.groupBy(CASE_COLUMN))
            .applyInArrow(tasks.case_findings(bc, family), OUT_SCHEMA)
        )
    return [(r["case_id"], r["kind"], r["payload"]) for r in out.collect()]


def _results(ids: list[str], rows: list, skipped: dict, version: str) -> dict[str, ScreenResult]:
    findings: dict[str, list[Finding]] = {c: [] for c in ids}
    for case_id, kind, payload in rows:
        if kind == "finding":
            findings.setdefault(case_id, []).append(Finding.model_validate(json.loads(payload)))
        else:
            skipped.setdefault(case_id, []).append(tuple(json.loads(payload)))
    return {
        c: ScreenResult(order_findings(findings.get(c, [])), sorted(skipped.get(c, [])), version)
        for c in sorted(findings)
    }
