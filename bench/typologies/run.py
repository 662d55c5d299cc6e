"""Benchmark of the payment typologies (P1–P5): quality on a synthetic organisation and scale.

    .venv/bin/python bench/typologies/run.py               # 10M payments (the budget run)
    .venv/bin/python bench/typologies/run.py --rows 200000 # quick check

1. Generates (or reuses, keyed by rows and seed) an AMLSim-style organisation with injected
   instances of each typology and hard negatives (generate.py).
2. In a child process, loads the tables and runs a bare DuckDB scan of the payments table
   (baseline); in another child, loads them and screens with every payment check. The peak
   memory of each child comes from ``wait4`` (ru_maxrss), its CPU time from the same rusage.
3. Prints per-typology precision, recall, F1 and case-level recall, the timings, peak memory and
   the ratio of screening to the bare scan measured in this same run.

Budget (issue 5): precision ≥ 0.9, recall ≥ 0.95, case-level recall 1.0; 10M payments screened by
all typologies in ≤ 60 s and ≤ 4 GB peak on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from evaluate import evaluate, table  # noqa: E402
from generate import generate  # noqa: E402


def child(folder: Path, mode: str, findings: Path | None = None) -> dict:
    """Run screen_child.py; returns its JSON plus wall time, CPU time and peak RSS (MiB)."""
    cmd = [sys.executable, str(HERE / "screen_child.py"), str(folder), mode]
    if findings:
        cmd += ["--findings", str(findings)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{mode} child failed (status {status})")
    result = json.loads(out.strip().splitlines()[-1])
    result |= {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}
    return result


def wait_for_quiet(max_wait: float, busy: float) -> float:
    """Wait (up to max_wait s) until the 1-minute load average is below ``busy``; returns it."""
    deadline = time.time() + max_wait
    while os.getloadavg()[0] >= busy and time.time() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "hongxian-bench-typologies"
    )
    ap.add_argument("--quiet-wait", type=float, default=120.0, help="最多等待机器空闲的秒数")
    a = ap.parse_args()
    folder = a.data / f"rows{a.rows}-seed{a.seed}"
    if not (folder / "meta.json").is_file():
        t0 = time.perf_counter()
        meta = generate(folder, a.rows, a.seed)
        print(
            f"generated {meta['total_rows']:,} payments ({meta['injected_rows']:,} injected, "
            f"{meta['instances']} instances) in {time.perf_counter() - t0:.1f} s → {folder}"
        )
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    load = wait_for_quiet(a.quiet_wait, 1.5)
    scan = child(folder, "scan")
    findings = folder / "findings.jsonl"
    screen = child(folder, "screen", findings)
    load_after = os.getloadavg()[0]
    print(
        f"\n== quality ({meta['total_rows']:,} payments, {meta['instances']} labelled instances, "
        f"seed {a.seed})"
    )
    print(table(evaluate(findings, folder / "labels.parquet")))
    print(f"\n== scale (load average {load:.1f} before, {load_after:.1f} after; 2 cores)")
    print(
        f"bare scan : load {scan['load_s']:6.1f} s  scan   {scan['scan_s']:6.2f} s  "
        f"child wall {scan['wall_s']:6.1f} s"
        f"  cpu {scan['cpu_s']:6.1f} s  peak {scan['peak_mib']:7.0f} MiB"
    )
    print(
        f"screening : load {screen['load_s']:6.1f} s  screen {screen['screen_s']:6.2f} s  child wall "
        f"{screen['wall_s']:6.1f} s  cpu {screen['cpu_s']:6.1f} s  peak {screen['peak_mib']:7.0f} MiB"
    )
    print("per check : " + ", ".join(f"{k} {v:.1f} s" for k, v in screen["per_check_s"].items()))
    print(
        f"ratio     : screening / bare scan = {screen['screen_s'] / max(scan['scan_s'], 1e-9):.1f}× "
        f"(query time), {screen['wall_s'] / scan['wall_s']:.2f}× (child wall), "
        f"{screen['peak_mib'] / scan['peak_mib']:.2f}× (peak)"
    )
    ok = screen["wall_s"] <= 60 and screen["peak_mib"] <= 4096
    print(
        f"budget    : ≤ 60 s and ≤ 4 GiB for {meta['total_rows']:,} payments → {'met' if ok else 'NOT met'}"
        f" (child wall {screen['wall_s']:.1f} s incl. loading, peak {screen['peak_mib'] / 1024:.2f} GiB)"
    )


if __name__ == "__main__":
    main()
