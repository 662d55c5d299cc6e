"""Screen a dataset: run every enabled check whose detector has the data it needs.

`screen_dataset` groups the rulebook's bound checks by detector, skips (with a Chinese reason) the
checks whose detector lacks data, runs each detector with its checks (detectors that declare a
`batch`, the text detectors, run once together) and merges findings that share a finding_id.
`screen_case` ingests the case folder first when it has no dataset yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.canonical import TS
from hongxian.case import CasePaths, load_case_config
from hongxian.dataset.dataset import Dataset
from hongxian.dataset.store import TableStore
from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.labels import REGISTER_FILE, TABLE_ZH
from hongxian.schema import CATEGORIES, SEVERITIES, Finding
from hongxian.textsafe import json_line

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class ScreenResult:
    findings: list[Finding]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(check_id, reason in Chinese) for checks that could not run."""
    rulebook_version: str = ""

    def by_category(self) -> dict[str, dict[str, int]]:
        """category → {severity: count, "total": n}, in the fixed category order."""
        out: dict[str, dict[str, int]] = {}
        for cat in CATEGORIES:
            fs = [f for f in self.findings if f.category == cat]
            if fs:
                counts: dict[str, int] = {s: sum(f.severity == s for f in fs) for s in SEVERITIES}
                out[cat] = {**counts, "total": len(fs)}
        return out


def _table_label(table: str) -> str:
    """聊天消息, or 人员（people.csv） for a register read from the case folder."""
    label = TABLE_ZH.get(table, table)
    return f"{label}（{REGISTER_FILE[table]}）" if table in REGISTER_FILE else label


def missing_reason(missing: list[str]) -> str:
    parts = []
    for m in missing:
        names = [_table_label(t) for t in m.split("/")]
        parts.append("或".join(names))
    return "缺少数据：" + "、".join(parts)


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """Findings with the same finding_id become one: evidence united, worst severity, highest score."""
    by_id: dict[str, Finding] = {}
    for f in findings:
        old = by_id.get(f.finding_id)
        by_id[f.finding_id] = f if old is None else _merge(old, f)
    return list(by_id.values())


def _merge(a: Finding, b: Finding) -> Finding:
    seen = {(e.table, e.id, e.note) for e in a.evidence}
    evidence = a.evidence + [e for e in b.evidence if (e.table, e.id, e.note) not in seen]
    severity = max(a.severity, b.severity, key=SEVERITIES.index)
    explanation = a.explanation if b.explanation == a.explanation else f"{a.explanation}\n{b.explanation}"
    window = a.window
    if a.window and b.window:
        starts = [t for t in (a.window.start, b.window.start) if t]
        ends = [t for t in (a.window.end, b.window.end) if t]
        window = a.window.model_copy(
            update={"start": min(starts) if starts else None, "end": max(ends) if ends else None}
        )
    return a.model_copy(
        update={
            "evidence": evidence,
            "severity": severity,
            "score": max(a.score, b.score),
            "explanation": explanation,
            "window": window or b.window,
        }
    )


def _sort_key(f: Finding) -> tuple:
    """Report order; the finding id last, so ties never depend on the order the detectors produced them."""
    return (
        -SEVERITIES.index(f.severity),
        CATEGORIES.index(f.category),
        f.check_id,
        -f.score,
        f.subject.id,
        f.finding_id,
    )


def run_detector(
    ctx: DetectContext, detector: Detector, bounds: list[BoundCheck], skipped: list
) -> list[Finding]:
    """The detector's findings; if it fails, its checks are added to `skipped` with the error."""
    try:
        return detector.run(ctx, bounds)
    except Exception as exc:  # one broken detector must not stop the screen
        log.exception("detector %s failed", detector.name)
        skipped.extend((b.check.id, f"检测器 {detector.name} 运行出错：{exc}") for b in bounds)
        return []


def runnable_batches(
    dataset: Dataset, rulebook, registry: DetectorRegistry, skipped: list[tuple[str, str]]
) -> list[tuple[Detector, list[BoundCheck]]]:
    """(detector, checks) to run: one entry per detector, or per batch for detectors that declare one
    (`Detector.batch`: the text detectors share one automaton). Checks whose detector is missing or
    lacks data are added to `skipped` with a Chinese reason."""
    batches: dict[str, tuple[Detector, list[BoundCheck]]] = {}
    for bound in rulebook.bound_checks():
        name = bound.check.detector
        detector = registry.get(name)
        if detector is None:
            skipped.append((bound.check.id, f"检测器 {name} 未安装"))
            continue
        missing = detector.missing_data(dataset)
        if missing:
            skipped.append((bound.check.id, missing_reason(missing)))
            continue
        key = f"batch:{detector.batch}" if detector.batch else name
        batches.setdefault(key, (detector, []))[1].append(bound)
    return list(batches.values())


def screen_dataset(
    dataset: Dataset, rulebook, registry: DetectorRegistry, settings=None, progress: Callable | None = None
) -> ScreenResult:
    """Run every runnable check; ``progress(what, done, total)`` before each detector and at the end."""
    ctx = DetectContext(dataset=dataset, rulebook=rulebook, settings=settings)
    findings: list[Finding] = []
    skipped: list[tuple[str, str]] = []
    batches = runnable_batches(dataset, rulebook, registry, skipped)
    for i, (detector, bounds) in enumerate(batches):
        if progress is not None:
            progress(f"检查 {bounds[0].check.title}" + (" 等" if len(bounds) > 1 else ""), i, len(batches))
        findings.extend(run_detector(ctx, detector, bounds, skipped))
    if progress is not None:
        progress("完成", len(batches), len(batches))
    return ScreenResult(order_findings(findings), sorted(skipped), rulebook.version)


def order_findings(findings: list[Finding]) -> list[Finding]:
    """Merged by finding_id, in report order (worst severity first): every engine's final step."""
    return sorted(merge_findings(findings), key=_sort_key)


def apply_scope(dataset: Dataset, start: date | None, end: date | None) -> Dataset:
    """Keep messages and payments dated within case.toml's [scope] (whole days, China time)."""
    if start is None and end is None:
        return dataset
    tables = dict(dataset.tables)
    for name in ("messages", "payments"):
        table = tables[name]
        ts = table.column("ts")
        mask = pc.is_valid(ts)
        if start is not None:
            mask = pc.and_(mask, pc.greater_equal(ts, pa.scalar(_day_start(start), type=TS)))
        if end is not None:
            mask = pc.and_(mask, pc.less(ts, pa.scalar(_day_start(end + timedelta(days=1)), type=TS)))
        tables[name] = table.filter(mask)
    dataset.close()
    return Dataset(tables)


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def screen_case(
    case_dir: Path,
    registry: DetectorRegistry | None = None,
    rulebook=None,
    settings=None,
    reingest: bool = False,
    progress: Callable | None = None,
) -> ScreenResult:
    """Screen a case folder (ingesting it first if it has no dataset yet). Raises `CaseError`."""
    from hongxian.ingest.pipeline import ingest_case

    paths = CasePaths(case_dir)
    config = load_case_config(paths.root)
    if registry is None:
        from hongxian.detect import default_registry

        registry = default_registry()
    if rulebook is None:
        from hongxian.rulebook.loader import load_rulebook

        rulebook = load_rulebook(registry.params_models())
    if reingest or not TableStore(paths.state).has_dataset():
        ingest_case(paths.root, progress=progress)
    dataset = apply_scope(Dataset.open(paths.state), config.scope.start, config.scope.end)
    try:
        return screen_dataset(dataset, rulebook, registry, settings, progress=progress)
    finally:
        dataset.close()


def write_findings(findings: list[Finding], path: Path) -> None:
    """findings.jsonl: one finding per line (hongxian/findings.schema.json)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for f in findings:
            fh.write(json_line(f.to_json_dict()) + "\n")
    tmp.replace(path)
