"""Child process of the benchmark: load the generated tables, then either screen them with every
payment check (``screen``) or run a bare DuckDB scan of the same payments table (``scan``).
Prints one JSON line of timings; the parent measures this process's peak memory."""

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

from hongxian.canonical import SCHEMAS
from hongxian.dataset.dataset import Dataset
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


def load(folder: Path) -> Dataset:
    tables = {
        n: pq.read_table(folder / f"{n}.parquet")
        for n in ("people", "relations", "events", "group_members", "messages")
    }
    return Dataset.from_tables(payments=load_payments(folder), **tables)


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


def scan(ds: Dataset) -> dict:
    t0 = time.perf_counter()
    row = ds.con.sql(
        "SELECT count(*), sum(amount_fen), count(DISTINCT payer_account), count(DISTINCT payee_account),"
        " max(epoch(ts)), count(memo) FROM payments"
    ).fetchall()[0]
    return {"scan_s": time.perf_counter() - t0, "rows": row[0]}


def screen(ds: Dataset, out: Path) -> dict:
    registry = default_registry()
    book = rulebook(registry)
    ctx = DetectContext(dataset=ds, rulebook=book)
    timings, n = {}, 0
    with open(out, "w", encoding="utf-8") as fh:
        for bound in book.bound_checks():
            detector = registry.get(bound.check.detector)
            t0 = time.perf_counter()
            findings = detector.run(ctx, [bound])
            timings[bound.check.id] = round(time.perf_counter() - t0, 3)
            n += len(findings)
            for f in findings:
                fh.write(json.dumps(f.to_json_dict(), ensure_ascii=False) + "\n")
    return {"screen_s": sum(timings.values()), "per_check_s": timings, "findings": n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("mode", choices=["scan", "screen"])
    ap.add_argument("--findings", type=Path)
    a = ap.parse_args()
    t0 = time.perf_counter()
    ds = load(a.folder)
    result = {"load_s": time.perf_counter() - t0, "payments": ds["payments"].num_rows}
    result |= scan(ds) if a.mode == "scan" else screen(ds, a.findings)
    result["total_s"] = time.perf_counter() - t0
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
