"""Benchmark: the same generated cases screened by the embedded engine and by Spark local[1]/local[2].

    python bench/bench_spark.py [--cases 4] [--factor 250] [--engines embedded,local[1],local[2]]

Builds the demo case, grows it into CASES cases (`hongxian.testing.scaled`: messages and payments
copied FACTOR times each), writes them as canonical Parquet partitioned by case, then runs each
engine in its own process: embedded (DuckDB, case after case), Spark local[1] and local[2]. Prints
rows/s, the 1→2 core speed-up, the ratio to embedded, Spark start-up apart, the peak resident memory
of the largest process of each run (driver JVM or Python worker), and checks that every run gave
identical findings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prepare(work: Path, cases: int, factor: int) -> tuple[Path, int, int]:
    from hongxian.case import CasePaths
    from hongxian.dataset.dataset import Dataset
    from hongxian.demo.build import write_demo_case
    from hongxian.ingest.pipeline import ingest_case
    from hongxian.spark.source import write_canonical
    from hongxian.testing.scaled import scaled_cases

    case = write_demo_case(work / "demo")
    ingest_case(case)
    base = Dataset.open(CasePaths(case).state)
    root = work / "canonical"
    n_msg = n_pay = 0
    for case_id, tables in scaled_cases(base.tables, cases, factor).items():
        write_canonical(tables, case_id, root)
        n_msg += tables["messages"].num_rows
        n_pay += tables["payments"].num_rows
    return root, n_msg, n_pay


def comparable_rows(results: dict) -> list:
    rows = []
    for case_id in sorted(results):
        for f in results[case_id].findings:
            d = f.to_json_dict()
            d["evidence"] = sorted((e["table"], e["id"]) for e in d["evidence"])
            rows.append([case_id, d["finding_id"], d["category"], d["subject"], d["evidence"], d["score"]])
    return rows


def digest(rows: list) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]


def run_one(engine: str, root: str) -> dict:
    """One engine over every case (in this process) → timings and a digest of the findings."""
    import pyarrow.dataset as pds

    from hongxian.dataset.dataset import ALL_TABLES, Dataset
    from hongxian.detect import default_registry
    from hongxian.rulebook.loader import load_rulebook
    from hongxian.screen import screen_dataset

    registry = default_registry()
    book = load_rulebook(registry.params_models())
    t0 = time.perf_counter()
    startup = 0.0
    if engine == "embedded":
        results = {}
        for case_dir in sorted((Path(root) / "messages").iterdir()):
            case_id = case_dir.name.split("=", 1)[1]
            tables = {n: pds.dataset(Path(root) / n / case_dir.name).to_table() for n in ALL_TABLES}
            results[case_id] = screen_dataset(Dataset(tables), book, registry)
    else:
        from hongxian.spark.run import read_tables, screen_frames
        from hongxian.spark.session import spark_session

        spark = spark_session(engine)
        startup = time.perf_counter() - t0
        results = screen_frames(spark, read_tables(spark, root), book, registry)
        spark.stop()
    total = time.perf_counter() - t0
    findings = sum(len(r.findings) for r in results.values())
    rows = comparable_rows(results)
    return {
        "engine": engine,
        "total": total,
        "startup": startup,
        "findings": findings,
        "digest": digest(rows),
        "rows": rows,
    }


def measure(engine: str, root: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run(
        [sys.executable, __file__, "--one", engine, "--root", str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    rec = json.loads(line)
    rec["peak_mb"] = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return rec


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=4)
    ap.add_argument("--factor", type=int, default=250)
    ap.add_argument(
        "--engines",
        default="embedded,local[1],local[2]",
        help="comma-separated; the first is the baseline the others are compared with",
    )
    ap.add_argument("--one")
    ap.add_argument("--root")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.root)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        t = time.perf_counter()
        root, n_msg, n_pay = prepare(Path(tmp), args.cases, args.factor)
        print(
            f"data: {args.cases} cases, {n_msg:,} messages, {n_pay:,} payments "
            f"({time.perf_counter() - t:.0f} s)"
        )
        recs = [measure(e, root) for e in args.engines.split(",")]
    rows = n_msg + n_pay
    base = recs[0]["total"]
    print(
        f"{'engine':10} {'total s':>8} {'startup s':>9} {'rows/s':>9} {'vs embedded':>11} "
        f"{'peak MB':>8} findings"
    )
    for r in recs:
        print(
            f"{r['engine']:10} {r['total']:8.1f} {r['startup']:9.1f} {rows / r['total']:9.0f} "
            f"{base / r['total']:10.2f}x {r['peak_mb']:8.0f} {r['findings']} {r['digest']}"
        )
    by_engine = {r["engine"]: r for r in recs}
    if "local[1]" in by_engine and "local[2]" in by_engine:
        one, two = by_engine["local[1]"], by_engine["local[2]"]
        print(
            f"speed-up local[1] -> local[2]: {one['total'] / two['total']:.2f}x (without start-up: "
            f"{(one['total'] - one['startup']) / (two['total'] - two['startup']):.2f}x)"
        )
    same = len({r["digest"] for r in recs}) == 1
    print("identical findings across engines:", same)
    if not same:
        for other in recs[1:]:
            print_difference(recs[0], other)
        sys.exit(1)


def print_difference(base: dict, other: dict) -> None:
    """The first finding that differs, field by field (evidence as the ids on one side only)."""
    fields = ("case", "finding_id", "category", "subject", "evidence", "score")
    if len(base["rows"]) != len(other["rows"]):
        print(f"{other['engine']}: {len(other['rows'])} findings vs {len(base['rows'])}")
    for a, b in zip(base["rows"], other["rows"], strict=False):
        if a == b:
            continue
        print(f"first difference ({base['engine']} vs {other['engine']}), finding {a[1]} / {b[1]}:")
        for name, x, y in zip(fields, a, b, strict=True):
            if x == y:
                continue
            if name == "evidence":
                only_a = sorted(set(map(tuple, x)) - set(map(tuple, y)))
                only_b = sorted(set(map(tuple, y)) - set(map(tuple, x)))
                print(
                    f"  evidence: {len(x)} vs {len(y)} rows; only in {base['engine']}: {only_a[:5]}; "
                    f"only in {other['engine']}: {only_b[:5]}"
                )
            else:
                print(f"  {name}: {x!r} vs {y!r}")
        return


if __name__ == "__main__":
    main()
