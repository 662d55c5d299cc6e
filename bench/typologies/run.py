"""Benchmark of the payment typologies (P1–P5): quality on a synthetic organisation and scale.

    .venv/bin/python bench/typologies/run.py                          # 1M → 3M → 10M (the budget run)
    .venv/bin/python bench/typologies/run.py --rows 200000,600000     # quick check

1. Generates (or reuses, keyed by rows and seed) an AMLSim-style organisation with injected
   instances of each typology and hard negatives (generate.py). The organisation (people,
   registers, instances, the ordinary population) is the same at every row count; the activity is
   heavy-tailed (skew.py prints how much).
2. For each size, a child process does what the typology stage of ``hongxian screen`` does: loads
   the tables into a ``Dataset`` and runs every payment check of the shipped rulebook. Interleaved
   with the checks it measures their scan floor, the baseline of the same run (floor.py). The peak
   memory and CPU time of the child come from ``wait4`` (ru_maxrss, rusage).
3. Prints per-typology precision, recall, F1 and case-level recall, seconds, peak RSS, rows/s and
   the growth curve over the sizes with the ratio of screening to its scan floor.

Budget (issue 5, issue 18): precision ≥ 0.9, recall ≥ 0.95, case-level recall 1.0; 10M skewed
payments screened by all typologies in ≤ 60 s and ≤ 4 GB peak on the 2-core machine, linear 1M→10M.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from as_case import write_case  # noqa: E402
from evaluate import evaluate, table  # noqa: E402
from generate import ORG_SCALE, POPULATION, generate  # noqa: E402
from skew import describe, measure  # noqa: E402


def timed(cmd: list[str], capture: bool) -> tuple[str, dict]:
    """Run a command through rusage.py; returns its stdout (if captured) and wall time, CPU time
    and peak RSS (MiB) of the command alone."""
    with tempfile.TemporaryDirectory() as tmp:
        usage_file = Path(tmp) / "usage.json"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(HERE / "rusage.py"), str(usage_file), *cmd],
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            text=True,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode})")
        usage = json.loads(usage_file.read_text(encoding="utf-8"))
    return proc.stdout or "", usage | {"wall_s": wall}


def child(folder: Path, findings: Path) -> dict:
    """The typology stage in a child process (screen_child.py): its JSON plus wall, CPU, peak."""
    out, usage = timed(
        [sys.executable, str(HERE / "screen_child.py"), str(folder), "--findings", str(findings)], True
    )
    return json.loads(out.strip().splitlines()[-1]) | usage


def command(folder: Path, rows: int, floor_s: float) -> dict:
    """``hongxian screen`` on the generated case, as a user runs it (all checks, review store)."""
    case = write_case(folder)
    _, usage = timed([str(Path(sys.executable).parent / "hongxian"), "screen", str(case)], False)
    n = sum(1 for line in (case / "findings.jsonl").open(encoding="utf-8") if line.strip())
    print(
        f"hongxian screen : wall {usage['wall_s']:6.1f} s  cpu {usage['cpu_s']:6.1f} s  peak "
        f"{usage['peak_mib']:6.0f} MiB  {rows / usage['wall_s']:,.0f} rows/s  {n} findings  "
        f"{usage['wall_s'] / max(floor_s, 1e-9):.1f}× the scan floor of the payment checks"
    )
    return usage


def wait_for_quiet(max_wait: float, busy: float) -> float:
    """Wait (up to max_wait s) until the 1-minute load average is below ``busy``; returns it."""
    deadline = time.time() + max_wait
    while os.getloadavg()[0] >= busy and time.time() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def prepare(data: Path, rows: int, seed: int) -> Path:
    folder = data / f"rows{rows}-seed{seed}-p{POPULATION}-o{ORG_SCALE}"
    if not (folder / "meta.json").is_file():
        t0 = time.perf_counter()
        meta = generate(folder, rows, seed)
        print(
            f"generated {meta['total_rows']:,} payments ({meta['injected_rows']:,} injected, "
            f"{meta['instances']} instances) in {time.perf_counter() - t0:.1f} s → {folder}",
            flush=True,
        )
    return folder


def run_size(folder: Path, quiet_wait: float, stage: str) -> dict:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    skew = measure(folder)
    print(
        f"\n== {meta['total_rows']:,} payments ({meta['instances']} labelled instances, seed {meta['seed']})"
    )
    print(describe(skew))
    load = wait_for_quiet(quiet_wait, 1.5)
    findings = folder / "findings.jsonl"
    res = child(folder, findings)
    res |= {"rows": meta["total_rows"], "load_before": load, "load_after": os.getloadavg()[0]}
    print(table(evaluate(findings, folder / "labels.parquet")))
    print(
        f"screening : load {res['load_s']:5.1f} s  checks {res['screen_s']:6.2f} s  scan floor "
        f"{res['floor_s']:6.2f} s  ({res['screen_s'] / max(res['floor_s'], 1e-9):.1f}×; CPU "
        f"{res['screen_cpu_s']:.1f} s vs {res['floor_cpu_s']:.1f} s)  child wall "
        f"{res['wall_s']:6.1f} s  cpu {res['cpu_s']:6.1f} s  peak {res['peak_mib']:6.0f} MiB  "
        f"load average {load:.1f}→{res['load_after']:.1f}"
    )
    print(
        "per check : "
        + ", ".join(
            f"{k} {v:.1f} s (floor {res['per_check_floor_s'][k]:.2f} s)"
            for k, v in res["per_check_s"].items()
        )
    )
    if stage == "both":
        res["command"] = command(folder, res["rows"], res["floor_s"])
    return res


def growth(results: list[dict]) -> None:
    """One line per size, with time and rows ratios to the first (smallest) size."""
    first = results[0]
    print("\n== growth (same organisation, more activity; child = load + all payment checks)")
    print(
        "      rows | child wall s | child cpu s | checks s | floor s | checks/floor | peak MiB "
        "|  rows/s (wall) | rows × | wall × | cpu × | checks ×"
    )
    for r in results:
        print(
            f"{r['rows']:>10,} | {r['wall_s']:12.1f} | {r['cpu_s']:11.1f} | {r['screen_s']:8.2f} | "
            f"{r['floor_s']:7.2f} | "
            f"{r['screen_s'] / max(r['floor_s'], 1e-9):11.1f}× | {r['peak_mib']:8.0f} | "
            f"{r['rows'] / r['wall_s']:14,.0f} | {r['rows'] / first['rows']:6.1f} | "
            f"{r['wall_s'] / first['wall_s']:6.1f} | {r['cpu_s'] / first['cpu_s']:5.1f} | "
            f"{r['screen_s'] / first['screen_s']:8.1f}"
        )
    if all("command" in r for r in results):
        _command_growth(results)
    last = results[-1]
    ok = last["wall_s"] <= 60 and last["peak_mib"] <= 4096
    print(
        f"budget    : ≤ 60 s and ≤ 4 GiB for {last['rows']:,} payments → {'met' if ok else 'NOT met'}"
        f" (child wall {last['wall_s']:.1f} s incl. loading, peak {last['peak_mib'] / 1024:.2f} GiB)"
    )


def _command_growth(results: list[dict]) -> None:
    first = results[0]["command"]
    print("\n== growth of the whole command (hongxian screen on the generated case, same run)")
    print("      rows | wall s | cpu s | peak MiB | rows/s (wall) | wall/scan floor | rows × | wall ×")
    for r in results:
        c = r["command"]
        print(
            f"{r['rows']:>10,} | {c['wall_s']:6.1f} | {c['cpu_s']:5.1f} | {c['peak_mib']:8.0f} | "
            f"{r['rows'] / c['wall_s']:13,.0f} | {c['wall_s'] / max(r['floor_s'], 1e-9):14.1f}× | "
            f"{r['rows'] / results[0]['rows']:6.1f} | {c['wall_s'] / first['wall_s']:6.1f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="1000000,3000000,10000000", help="逗号分隔的规模（付款行数）")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "hongxian-bench-typologies"
    )
    ap.add_argument("--quiet-wait", type=float, default=120.0, help="最多等待机器空闲的秒数")
    ap.add_argument(
        "--stage",
        choices=["both", "typology"],
        default="both",
        help="both：另计时整条 hongxian screen 命令；typology：只计时资金类型阶段",
    )
    a = ap.parse_args()
    sizes = [int(x) for x in a.rows.split(",")]
    folders = [prepare(a.data, rows, a.seed) for rows in sizes]
    growth([run_size(f, a.quiet_wait, a.stage) for f in folders])


if __name__ == "__main__":
    main()
