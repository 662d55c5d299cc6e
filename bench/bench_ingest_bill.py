"""Benchmark: WeChat Pay bill CSV reader on a generated 1M-row bill.

    .venv/bin/python bench/bench_ingest_bill.py [--rows 1000000] [--keep DIR]

Writes a real-format bill with `hongxian.testing.bills.write_wechat_csv` (mixed quoting, TABs
after ids, refunds, group packets), then runs, each in a fresh child process so that peak
memory (/proc VmHWM, which includes Arrow's allocations) is per task:

* baseline: a bare ``csv.reader`` pass over the same file;
* reader:   `WeChatBillReader.read` into a `Sink` that builds the Arrow batches (then drops them);
* ingest:   the reader with the pipeline's Parquet part writer (what ``hongxian ingest`` does).

Prints, per child (imports excluded from the timing): rows/s over wall time, rows per CPU-second,
peak MB, the wall and CPU ratios to the baseline of the same run, and the load average (the
machine may be shared; CPU time is the steadier figure). Targets: ≥ 100k rows/s, ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

TYPES = [
    ("商户消费", "支出", 40),
    ("扫二维码付款", "支出", 15),
    ("微信红包", "收入", 12),
    ("微信红包（单发）", "支出", 8),
    ("转账", "支出", 6),
    ("转账", "收入", 4),
    ("群收款", "收入", 3),
    ("零钱提现", "/", 3),
    ("二维码收款", "收入", 3),
    ("转账-退款", "收入", 1),
    ("美团平台商户-退款", "收入", 2),
    ("微信红包（群红包）", "支出", 2),
    ("亲属卡交易", "支出", 1),
]


def generate(path: Path, n: int, seed: int = 7) -> None:
    from hongxian.testing.bills import WeChatBillRow, write_wechat_csv

    rnd = random.Random(seed)
    names = [f"好友{i:04d}" for i in range(3000)] + [
        "美团平台商户",
        "某某酒楼(滨江店)",
        "WALMART HONG KONG CO.,LIMITED",
    ]
    weights = [w for *_, w in TYPES]
    start = datetime(2024, 12, 31, 23, 0, 0)

    def rows():
        for i in range(n):
            raw_type, direction, _ = rnd.choices(TYPES, weights)[0]
            name = rnd.choice(names)
            party = {
                "微信红包（单发）": "发给" + name,
                "微信红包（群红包）": "发出群红包",
                "转账-退款": "/",
            }.get(raw_type, name)
            status = "已退款(¥1.00)" if raw_type == "商户消费" and i % 50 == 0 else "支付成功"
            yield WeChatBillRow(
                start - timedelta(seconds=31 * i),
                raw_type,
                party,
                "转账备注:微信转账" if raw_type == "转账" else "/",
                direction,
                rnd.randint(1, 500_000),
                "零钱",
                status,
                f"4200{i:024d}",
                f"1000039801{i:021d}" if i % 3 else "/",
            )

    write_wechat_csv(path, rows(), nickname="林小舟")


def child(task: str, path: str) -> dict:
    import csv

    from hongxian.dataset.store import PartWriter, TableStore
    from hongxian.ingest.base import PeopleIndex, Sink, SourceContext
    from hongxian.ingest.wechat_bill import WeChatBillReader

    t0, c0 = time.perf_counter(), time.process_time()  # imports are not what is measured
    if task == "baseline":
        with open(path, encoding="utf-8", newline="") as fh:
            rows = sum(1 for _ in csv.reader(fh))
        payments = rows - 17
    else:
        p = Path(path)
        ctx = SourceContext(p, p.name, "s-bench", None, PeopleIndex())
        if task == "ingest":
            tmp = tempfile.mkdtemp(prefix="hx-bench-")
            writer = PartWriter(TableStore(Path(tmp)), "s-bench")
            sink = Sink("s-bench", on_batch=writer)
            WeChatBillReader().read(ctx, sink)
            sink.close()
            writer.commit()
        else:
            sink = Sink("s-bench", on_batch=lambda table, batch: None)
            WeChatBillReader().read(ctx, sink)
            sink.close()
        payments = sink.counts["payments"]
        assert not sink.rejects, sink.rejects[:3]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"task": task, "seconds": seconds, "cpu": cpu, "rows": payments, "peak_mb": peak_rss_kib() / 1024}


def peak_rss_kib() -> int:
    """Peak resident memory of this process (includes Arrow's allocations, unlike tracemalloc).

    /proc VmHWM is per address space, so it is not inherited from the parent that forked us
    (``ru_maxrss`` is: after fork+exec it still reports the parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_child(task: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="write the bill here and keep it")
    ap.add_argument("--reuse", action="store_true", help="use the bill already kept in --keep")
    ap.add_argument("--child", nargs=2, metavar=("TASK", "PATH"))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="hx-bench-") as tmp:
        path = (args.keep or Path(tmp)) / f"微信支付账单(20240101-20241231)-{args.rows}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (args.reuse and path.is_file()):
            t0 = time.perf_counter()
            generate(path, args.rows)
            print(
                f"generated {args.rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB "
                f"in {time.perf_counter() - t0:.1f} s"
            )
        results = {task: run_child(task, path) for task in ("baseline", "reader", "ingest")}
    report(results)


def report(results: dict[str, dict]) -> None:
    base = results["baseline"]
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(a busy machine stretches wall time; rows per CPU-second is the steadier figure)"
    )
    for task, r in results.items():
        print(
            f"{task:9s} {r['rows']:>9,} rows  "
            f"wall {r['seconds']:6.2f} s = {r['rows'] / r['seconds']:>9,.0f} rows/s  "
            f"CPU {r['cpu']:6.2f} s = {r['rows'] / r['cpu']:>9,.0f} rows/CPU-s  peak {r['peak_mb']:5.0f} MB  "
            f"×{r['seconds'] / base['seconds']:4.1f} wall / ×{r['cpu'] / base['cpu']:4.1f} CPU vs csv.reader"
        )
    reader = results["reader"]
    wall_ok = reader["rows"] / reader["seconds"] >= 100_000
    cpu_ok = reader["rows"] / reader["cpu"] >= 100_000
    ok_mem = max(r["peak_mb"] for r in results.values()) <= 2048
    print(
        f"targets: ≥100k rows/s {'OK' if wall_ok else 'MISSED'} (wall), "
        f"{'OK' if cpu_ok else 'MISSED'} (per CPU-second); "
        f"peak ≤2 GB {'OK' if ok_mem else 'MISSED'}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
