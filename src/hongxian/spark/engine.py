"""`screen --engine spark`: from the command's input to findings files.

Input: a case folder, a folder of case folders (exported to canonical Parquet under a staging
folder first), or the URI of canonical tables partitioned by case. Output: one
``findings.jsonl`` per case (in the case folder, or OUT/<case id>/) with a ``findings.run.json``
beside it (rulebook version, skipped checks) that `hongxian store import` records; optionally all
findings as JSON or Parquet at a URI, partitioned by case.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hongxian.case import CaseError
from hongxian.screen import ScreenResult, write_findings
from hongxian.spark.source import case_folders, export_cases

RUN_SUFFIX = ".run.json"


@dataclass
class SparkJob:
    target: str
    master: str | None = None
    conf: dict[str, str] = field(default_factory=dict)
    out: Path | None = None
    findings_uri: str | None = None
    findings_format: str = "json"
    reingest: bool = False
    stage: Path | None = None
    """Where case folders are exported for Spark (default: a temporary folder, fine for local[N]; on a
    cluster it must be a folder every executor reads, e.g. a shared mount)."""


def is_uri(target: str) -> bool:
    """Canonical tables (a URI, or a local folder with <table>/case_id=… folders), not case folders."""
    return "://" in target or _looks_canonical(Path(target))


def _looks_canonical(path: Path) -> bool:
    return (path / "messages").is_dir() or (path / "payments").is_dir()


def run_info_path(findings: Path) -> Path:
    return findings.with_name(findings.name.removesuffix(".jsonl") + RUN_SUFFIX)


def write_run(result: ScreenResult, findings: Path) -> None:
    """findings.jsonl and findings.run.json (what `store import` needs besides the findings)."""
    write_findings(result.findings, findings)
    info = {"rulebook_version": result.rulebook_version, "skipped": [list(s) for s in result.skipped]}
    run_info_path(findings).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")


def run_spark_screen(
    job: SparkJob, registry, rulebook, progress: Callable[[str], None] | None = None
) -> dict[str, tuple[ScreenResult, Path]]:
    """Screen every case of the job → case id → (result, findings file written)."""
    from hongxian.spark.run import read_tables, screen_frames
    from hongxian.spark.session import spark_session

    say = progress or (lambda _m: None)
    with tempfile.TemporaryDirectory(prefix="hongxian-spark-") as tmp:
        folders: dict[str, Path] = {}
        root = job.target
        if not is_uri(job.target):
            say("导出案件的规范化数据表")
            stage = Path(job.stage or tmp)
            folders = export_cases(case_folders(Path(job.target)), stage, job.reingest)
            root = str(stage)
        elif job.out is None:
            raise CaseError("输入为数据表 URI 时须用 --out 指定发现输出目录")
        say("启动 Spark")
        spark = spark_session(job.master, job.conf)
        results = screen_frames(spark, read_tables(spark, root), rulebook, registry, progress=say)
        if job.findings_uri:
            _write_uri(spark, results, job.findings_uri, job.findings_format)
    written: dict[str, tuple[ScreenResult, Path]] = {}
    for case_id, result in results.items():
        base = Path(job.out) / case_id if job.out is not None else folders[case_id]
        target = base / "findings.jsonl"
        write_run(result, target)
        written[case_id] = (result, target)
    return written


def _write_uri(spark, results: dict[str, ScreenResult], uri: str, fmt: str) -> None:
    rows = [
        (case_id, f.finding_id, json.dumps(f.to_json_dict(), ensure_ascii=False))
        for case_id, r in results.items()
        for f in r.findings
    ]
    df = spark.createDataFrame(rows, "case_id string, finding_id string, finding string")
    writer = df.repartition("case_id").write.mode("overwrite").partitionBy("case_id")
    if fmt == "parquet":
        writer.parquet(uri)
    else:
        writer.json(uri)
