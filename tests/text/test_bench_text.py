"""bench/bench_text.py keeps working (it is not timed here): a tiny run of every configuration, which
fails by itself if the configurations disagree on the hits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_text_small_run(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_text.py"),
            "--n",
            "3000",
            "--distinct-n",
            "1000",
            "--presidio-n",
            "50",
            "--repeat",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    hits = {res[k]["hits"] for k in ("full_default", "full_ac_ac", "full_hs_hs", "full_noprefilter")}
    assert len(hits) == 1 and hits.pop() > 0
    assert res["full_default_distinct"]["hits"] == res["full_noprefilter_distinct"]["hits"] > 0
    assert 0 < res["prefilter_share"] < 0.5
    assert "完整检查目标" in proc.stdout
