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
            "--realistic-n",
            "3000",
            "--n",
            "2000",
            "--distinct-n",
            "500",
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
    hits = {res[k]["hits"] for k in ("full_default", "full_ac_ac", "full_noprefilter")}
    assert len(hits) == 1 and hits.pop() > 0
    assert res["full_default_distinct"]["hits"] == res["full_noprefilter_distinct"]["hits"] > 0
    real = res["full_default_realistic"]["hits"]
    assert real == res["full_noprefilter_realistic"]["hits"] > 0
    assert res["rules_only_realistic"]["hits"] > 0 and res["candidates_realistic"]["rows"] > 0
    assert 0 < res["prefilter_share"] < 0.5
    assert res["corpus"]["distinct"] == res["corpus"]["messages"] == 3000
    assert "裸候选扫描" in proc.stdout and "完整检查 / 裸候选扫描" in proc.stdout
