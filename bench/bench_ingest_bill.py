"""Benchmark: ``hongxian ingest`` of a WeChat Pay bill, as a user runs it, at growing sizes.

    .venv/bin/python bench/bench_ingest_bill.py [--sizes 10000,100000,1000000] [--workdir DIR] [--reuse]

For each size, a case folder holds one realistic one-year bill (`bill_export`: heavy-tailed
counterparties, the real type mix and quoting, ~2 % refund rows with their originals, some
unpaired) and two commands are timed, each a separate process measured by `measure`:

* baseline: ``python -c`` with a bare ``csv.reader`` pass over the same file (interpreter start
  included, like the command) — the floor any CSV ingest pays;
* ingest:   ``hongxian ingest CASE`` — reading, Parquet parts, the whole dataset build (account
  resolution, payment linking, refund pairing) and the written dataset.

Prints per size: rows, wall seconds and rows/s, CPU seconds, peak RSS, the wall and CPU ratios to
the baseline of the same run, µs per row and the marginal µs per row between sizes (the growth
curve: flat when the command is linear), and how many refund rows were paired. A dataset-build
profile of a kept case: ``bench/profile_build.py DIR/case-N``. Targets
(issue 18): ≥ 100k rows/s end to end on 1M rows, peak ≤ 2 GB, linear growth.

To time another source tree with the same files: ``PYTHONPATH=/other/src … --reuse``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bill_export import bill_rows
from measure import curve, growth, hongxian_command, measure
from rich.progress import track

CASE_TOML = """[case]\nid = "BENCH"\ntitle = "基准"\n[authorisation]\napproved_by = "基准"\n
approved_on = 2024-01-01\nbasis = "本人自查"\n"""
BILL_NAME = "微信支付账单(20240101-20241231).csv"
CSV_PASS = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8', newline='') as fh:\n"
    "    n = sum(1 for _ in csv.reader(fh))\n"
    "print(n)\n"
)


def prepare(work: Path, n: int, reuse: bool) -> Path:
    from hongxian.testing.bills import write_wechat_csv

    case = work / f"case-{n}"
    bill = case / "exports" / BILL_NAME
    if not (reuse and bill.is_file()):
        bill.parent.mkdir(parents=True, exist_ok=True)
        (case / "case.toml").write_text(CASE_TOML, encoding="utf-8")
        t0 = time.perf_counter()
        rows = track(bill_rows(n), total=n, description="  generating", transient=True)
        write_wechat_csv(bill, rows, nickname="林小舟")
        print(
            f"  generated {n:,} rows, {bill.stat().st_size / 2**20:.0f} MiB "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    shutil.rmtree(case / ".hongxian", ignore_errors=True)
    return case


def outcome(case: Path) -> dict:
    """What the command wrote: payment rows, refund rows and how many point at an original."""
    import duckdb

    path = str(case / ".hongxian" / "dataset" / "payments.parquet").replace("'", "''")
    row = (
        duckdb.connect()
        .execute(
            f"SELECT count(*), count(*) FILTER (kind = 'refund'), "
            f"count(refund_of) FILTER (kind = 'refund') FROM read_parquet('{path}')"
        )
        .fetchone()
    )
    assert row is not None
    return {"rows": row[0], "refunds": row[1], "paired": row[2]}


def run_size(work: Path, n: int, reuse: bool) -> dict:
    print(f"size {n:,}", flush=True)
    case = prepare(work, n, reuse)
    base = measure([sys.executable, "-c", CSV_PASS, str(case / "exports" / BILL_NAME)])
    print(f"  baseline csv.reader {base['seconds']:.2f} s", flush=True)
    ingest = measure([*hongxian_command(), "ingest", str(case)])
    got = outcome(case)
    ingest["paired"] = f"{got['paired']:,}/{got['refunds']:,} refunds paired, {got['rows']:,} payments"
    print(f"  hongxian ingest {ingest['seconds']:.2f} s", flush=True)
    return {"n": n, "base": base, "cmd": ingest}


def report(runs: list[dict]) -> None:
    curve(runs, extra="paired")
    big = runs[-1]
    speed = big["n"] / big["cmd"]["seconds"]
    peak = max(r["cmd"]["peak_mb"] for r in runs)
    print(
        f"targets on {big['n']:,} rows: ≥100k rows/s {'OK' if speed >= 100_000 else 'MISSED'} "
        f"({speed:,.0f}); peak ≤2 GB {'OK' if peak <= 2048 else 'MISSED'} ({peak:.0f} MB); {growth(runs)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--workdir", type=Path, help="keep the case folders here (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="reuse bills already in --workdir")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hx-bench-bill-"))
    try:
        report([run_size(work, n, args.reuse) for n in sizes])
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
