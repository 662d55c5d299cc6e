"""Whole-command measurement for the ingest benchmarks.

`measure(cmd)` runs ``cmd`` as a user would (a separate process, its own interpreter start and
imports included) under a tiny wrapper process, which reports the command's wall time, CPU time
(user + system of the command and every thread it ran) and peak resident memory
(``ru_maxrss`` of its waited-for children: the wrapper itself starts nothing else, so this is the
command's own high-water mark, DuckDB's and Arrow's allocations included).

    python bench/measure.py -- CMD ARGS…      # prints one JSON line: seconds, cpu, peak_mb, rc
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def hongxian_command() -> list[str]:
    """The ``hongxian`` console script of the interpreter running the benchmark (its venv)."""
    script = Path(sys.executable).parent / "hongxian"
    if script.is_file():
        return [str(script)]
    found = shutil.which("hongxian")
    if found:
        return [found]
    return [
        sys.executable,
        "-c",
        "import sys; from hongxian.cli import main; sys.argv[0] = 'hongxian'; main()",
    ]


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``cmd`` under the wrapper; raises with its stderr tail when it fails."""
    out = subprocess.run(
        [sys.executable, __file__, "--", *cmd],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"measure wrapper failed ({out.returncode}): {out.stderr[-2000:]}")
    result = json.loads(lines[-1])
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {result['rc']}:\n{result['stderr_tail']}")
    return result


def load_average() -> str:
    return (
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a busy machine stretches "
        "wall time; CPU seconds are the steadier figure)"
    )


def curve(runs: list[dict], extra: str = "") -> None:
    """The growth table: one line per size (``runs``: n, base and cmd measurements, ``extra``: a key of
    cmd whose value is printed last), with ratios to the baseline and the marginal µs per row
    between sizes, over wall and CPU time (flat when the command is linear)."""
    print(load_average())
    print(
        f"{'rows':>9} {'wall s':>8} {'rows/s':>9} {'CPU s':>7} {'peak MB':>8} {'×base wall':>10} "
        f"{'×base CPU':>9} {'µs/row':>8} {'marginal µs/row wall / CPU':>26}  {extra}"
    )
    prev = None
    for r in runs:
        b, c, n = r["base"], r["cmd"], r["n"]
        marginal = ""
        if prev:
            wall, cpu = (_marginal(prev, r, key) * 1e6 for key in ("seconds", "cpu"))
            marginal = f"{wall:8.2f} / {cpu:6.2f}"
        print(
            f"{n:>9,} {c['seconds']:8.2f} {n / c['seconds']:>9,.0f} {c['cpu']:7.2f} {c['peak_mb']:8.0f} "
            f"{c['seconds'] / b['seconds']:10.1f} {c['cpu'] / b['cpu']:9.1f} {c['seconds'] / n * 1e6:8.2f} "
            f"{marginal:>26}  {c.get(extra, '')}"
        )
        prev = r


def _marginal(a: dict, b: dict, key: str) -> float:
    return (b["cmd"][key] - a["cmd"][key]) / (b["n"] - a["n"])


def growth(runs: list[dict]) -> str:
    """Linear when the marginal cost per row of the last step is within 1.5× of the step before
    (judged on CPU seconds: a shared machine stretches wall time unevenly between sizes)."""
    if len(runs) < 3:
        return "growth: needs three sizes"
    a, b, c = runs[-3:]
    ratios = {key: _marginal(b, c, key) / _marginal(a, b, key) for key in ("cpu", "seconds")}
    verdict = "linear OK" if ratios["cpu"] <= 1.5 else "super-linear MISSED"
    return (
        f"growth {verdict} (marginal cost per row ×{ratios['cpu']:.2f} CPU, ×{ratios['seconds']:.2f} wall "
        f"from {b['n']:,} to {c['n']:,} rows)"
    )


def _wrap(cmd: list[str]) -> None:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    tail = proc.stderr.decode("utf-8", "replace")[-2000:]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": ru.ru_utime + ru.ru_stime,
                "peak_mb": ru.ru_maxrss / 1024,
                "rc": proc.returncode,
                "stderr_tail": tail,
            }
        )
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    _wrap(args)
