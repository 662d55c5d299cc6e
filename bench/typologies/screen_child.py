"""Child process of the benchmark: load the generated tables, screen them with every payment check
and, interleaved with the checks, measure their scan floor (floor.py). Prints one JSON line of
timings; the parent measures this process's wall time, CPU time and peak memory."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from floor import LoggedDataset, ScanFloor

from hongxian.canonical import SCHEMAS
from hongxian.detect import default_registry
from hongxian.detect.base import DetectContext
from hongxian.rulebook.loader import default_root, load_rulebook

CHECK_FILES = ("gift_money.yaml", "vote_buying_payments.yaml", "gambling_payments.yaml")


def load_payments(folder: Path) -> pa.Table:
    schema = SCHEMAS["payments"]
    parts = []
    for name in ("payments_inj", "bg_simple", "bg_group"):
        t = pq.read_table(folder / f"{name}.parquet")
        cols = [
            t.column(f.name).cast(f.type) if f.name in t.column_names else pa.nulls(t.num_rows, f.type)
            for f in schema
        ]
        parts.append(pa.Table.from_arrays(cols, schema=schema))
    return pa.concat_tables(parts)


def load(folder: Path) -> LoggedDataset:
    tables = {
        n: pq.read_table(folder / f"{n}.parquet")
        for n in ("people", "relations", "events", "group_members", "messages")
    }
    return LoggedDataset({"payments": load_payments(folder), **tables})


def rulebook(registry):
    root = Path(tempfile.mkdtemp(prefix="hx-bench-rules-"))
    shutil.copytree(default_root() / "codes", root / "codes")
    (root / "checks").mkdir()
    for name in CHECK_FILES:
        shutil.copy(default_root() / "checks" / name, root / "checks" / name)
    try:
        return load_rulebook(registry.params_models(), root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def screen(ds: LoggedDataset, out: Path) -> dict:
    """Run the checks one by one; after each, its scan floor (warm: the tables are in memory and
    were read once before the first check)."""
    registry = default_registry()
    book = rulebook(registry)
    ctx = DetectContext(dataset=ds, rulebook=book)
    floor = ScanFloor(ds)
    warmup = floor.warm_up()
    timings, floors, n, cpu = {}, {}, 0, [0.0, 0.0]
    with open(out, "w", encoding="utf-8") as fh:
        for bound in book.bound_checks():
            detector = registry.get(bound.check.detector)
            start, c0 = len(ds.log), time.process_time()
            t0 = time.perf_counter()
            findings = detector.run(ctx, [bound])
            timings[bound.check.id] = round(time.perf_counter() - t0, 3)
            cpu[0] += time.process_time() - c0
            c0 = time.process_time()
            floors[bound.check.id] = round(floor.measure(ds.log[start:]), 3)
            cpu[1] += (time.process_time() - c0) / 2  # the floor runs twice
            n += len(findings)
            for f in findings:
                fh.write(json.dumps(f.to_json_dict(), ensure_ascii=False) + "\n")
    return {
        "screen_s": sum(timings.values()),
        "per_check_s": timings,
        "floor_s": sum(floors.values()),
        "screen_cpu_s": cpu[0],
        "floor_cpu_s": cpu[1],
        "per_check_floor_s": floors,
        "warmup_s": warmup,
        "findings": n,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--findings", type=Path, required=True)
    a = ap.parse_args()
    t0 = time.perf_counter()
    ds = load(a.folder)
    result = {"load_s": time.perf_counter() - t0, "payments": ds["payments"].num_rows}
    result |= screen(ds, a.findings)
    result["total_s"] = time.perf_counter() - t0
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
