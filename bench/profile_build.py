"""Profile of the dataset build of an ingested case: time and joins of every SQL statement.

    .venv/bin/python bench/profile_build.py CASE_DIR [--top 15]

Run after ``hongxian ingest CASE_DIR`` (the bill benchmark keeps its cases with ``--workdir``).
Rebuilds ``.hongxian/dataset/`` from the parts with `PlanRecorder` standing in for the DuckDB
connection, then prints the slowest statements with their share of the build, and every join
whose cost can grow faster than its inputs (nested loops, inequality joins, hash joins with a
non-equality residual such as ``OR`` / ``LIKE``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hongxian.case import CasePaths
from hongxian.dataset.build import build_dataset
from hongxian.dataset.store import TableStore
from hongxian.testing.plans import PlanRecorder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    recorders: list[PlanRecorder] = []

    def wrap(con):
        recorders.append(PlanRecorder(con))
        return recorders[-1]

    t0 = time.perf_counter()
    counts = build_dataset(TableStore(CasePaths(args.case_dir).state), wrap=wrap)
    total = time.perf_counter() - t0
    rec = recorders[0]
    print(f"dataset build {total:.2f} s (plans included); rows: {counts}")
    for s in sorted(rec.statements, key=lambda s: -s.seconds)[: args.top]:
        first = " ".join(s.sql.split())[:110]
        print(f"{s.seconds:7.2f} s {100 * s.seconds / total:5.1f} %  {first}")
    bad = rec.superlinear()
    print(f"joins: {sum(len(s.joins) for s in rec.statements)}, super-linear: {len(bad)}")
    for j in bad:
        print(f"  {j.operator} {j.conditions} in: {' '.join(j.statement.split())[:160]}")


if __name__ == "__main__":
    main()
