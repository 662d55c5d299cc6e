"""Benchmark: a 1M-message MSG.db through `hongxian ingest` vs a bare sqlite3 pass.

    .venv/bin/python bench/bench_ingest_msgdb.py [--rows 1000000] [--workdir DIR] [--keep]

Builds a real-schema MSG shard with `hongxian.testing.wechat_db` (a realistic mix: one-to-one
and group texts with BytesExtra senders, images, links / files / quotes as LZ4 XML, transfers,
red packets, claim notices), then in a child process each:

* baseline: ``SELECT`` of the columns the reader needs, every row fetched (sqlite3 only);
* reader: `WeChatDbReader` into an in-memory-free sink (batches dropped) — the parsing cost;
* pipeline: `ingest_case` (reader + Parquet parts + DuckDB dataset rebuild).

Prints, per child (imports excluded from the timing): rows/s over wall time, rows per CPU-second
(process time of all threads), peak memory (/proc VmHWM), the wall and CPU ratios to the
baseline measured in the same run, and the load average (the machine may be shared). Targets
(issue 2): pipeline ≤ 30 s for 1M messages, peak ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hongxian.testing.wechat_db import (
    START_TS,
    bytes_extra,
    claim_text,
    create_msg_db,
    lz4_block,
    msg_row,
    red_packet_xml,
    transfer_xml,
)
from hongxian.testing.wechat_db import appmsg_xml as app

CASE_TOML = """[case]\nid = "BENCH"\ntitle = "基准"\n[authorisation]\napproved_by = "基准"\n
approved_on = 2024-01-01\nbasis = "本人自查"\n"""
OWNER = "wxid_bench_owner"
PHRASES = [
    "今晚的事按老规矩办",
    "收到",
    "好的，明天上午开会",
    "材料已经报上去了",
    "辛苦大家",
    "这个周末有空吗",
    "领导说下周检查",
    "文件在群文件里",
    "[强]",
    "哈哈哈",
]


def _templates(rng: random.Random) -> dict[str, list]:
    peers = [f"wxid_peer{i:05d}" for i in range(2000)]
    rooms = [f"{40000000000 + i}@chatroom" for i in range(300)]
    return {
        "peers": peers,
        "rooms": rooms,
        "extras": [bytes_extra(p) for p in peers[:500]],
        "links": [
            lz4_block(app(5, f"关于印发第{i}号通知", "摘要", f"https://mp.weixin.qq.com/s/{i}"))
            for i in range(200)
        ],
        "files": [lz4_block(app(6, f"第{i}期考核名单.xlsx")) for i in range(100)],
    }


def rows(n: int, seed: int = 7):
    """`msg_row` tuples with a realistic type mix; streamed (never all in memory)."""
    rng = random.Random(seed)
    t = _templates(rng)
    for i in range(1, n + 1):
        ts = START_TS + i * 3
        r = rng.random()
        group = rng.random() < 0.55
        talker = rng.choice(t["rooms"]) if group else rng.choice(t["peers"])
        is_sender = 1 if rng.random() < 0.3 else 0
        extra = rng.choice(t["extras"]) if group and not is_sender else bytes_extra(None)
        svrid = 7_000_000_000_000_000_000 + i
        if r < 0.70:
            yield msg_row(i, talker, 1, 0, is_sender, ts, f"{rng.choice(PHRASES)} {i}", None, extra, svrid)
        elif r < 0.80:
            yield msg_row(
                i,
                talker,
                3,
                0,
                is_sender,
                ts,
                '<?xml version="1.0"?><msg><img length="1"/></msg>',
                None,
                extra,
                svrid,
            )
        elif r < 0.88:
            yield msg_row(i, talker, 49, 5, is_sender, ts, "", rng.choice(t["links"]), extra, svrid)
        elif r < 0.91:
            yield msg_row(i, talker, 49, 6, is_sender, ts, "", rng.choice(t["files"]), extra, svrid)
        elif r < 0.93:  # every transfer has two status messages: ids repeat in pairs
            xml = transfer_xml(
                1 + 2 * (i % 2),
                rng.randint(1, 10**6),
                f"10000500012024{i // 2:017d}",
                f"1000050001240320{i // 2:020d}",
                "资料费",
            )
            yield msg_row(i, talker, 49, 2000, is_sender, ts, "", lz4_block(xml), extra, svrid)
        elif r < 0.95:
            xml = red_packet_xml(f"10000398012024{i:017d}", "恭喜发财，大吉大利", OWNER)
            yield msg_row(i, talker, 49, 2001, is_sender, ts, xml, None, extra, svrid)
        elif r < 0.97:
            text = claim_text("老周", "你", f"10000398012024{i - 1:017d}")
            yield msg_row(i, talker, 10000, 0, 0, ts, text, None, None, svrid)
        else:
            yield msg_row(
                i, talker, 47, 0, is_sender, ts, '<msg><emoji cdnurl="http://x"/></msg>', None, extra, svrid
            )


# ---------------------------------------------------------------- child measurements


def _baseline(db: Path) -> dict:
    import sqlite3

    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    cur = con.execute(
        "SELECT localId, StrTalker, Type, SubType, IsSender, CreateTime, StrContent, "
        "CompressContent, BytesExtra, MsgSvrID FROM MSG"
    )
    n = 0
    while chunk := cur.fetchmany(4096):
        n += len(chunk)
    con.close()
    return {"rows": n}


def _reader(db: Path) -> dict:
    from hongxian.ingest.base import PeopleIndex, Sink, SourceContext
    from hongxian.ingest.wechat_db import WeChatDbReader

    sink = Sink("s-bench", on_batch=lambda table, batch: None)
    WeChatDbReader().read(SourceContext(db, db.name, "s-bench", OWNER, PeopleIndex()), sink)
    sink.close()
    return {
        "rows": sink.counts["messages"],
        "payments": sink.counts["payments"],
        "rejects": len(sink.rejects),
    }


def _pipeline(case_dir: Path) -> dict:
    from hongxian.ingest.pipeline import ingest_case

    report = ingest_case(case_dir)
    return {
        "rows": report.table_counts["messages"],
        "payments": report.table_counts["payments"],
        "status": [s.status for s in report.sources],
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process (/proc VmHWM: per address space, includes Arrow's and
    DuckDB's allocations; ``ru_maxrss`` would report the forking parent's peak after exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, target: str) -> None:
    import hongxian.dataset.build  # noqa: F401  imports (pyarrow, duckdb) are not what is measured
    import hongxian.ingest.pipeline  # noqa: F401

    fn = {"baseline": _baseline, "reader": _reader, "pipeline": _pipeline}[kind]
    t0, c0 = time.perf_counter(), time.process_time()  # process time: all threads (DuckDB's too)
    result = fn(Path(target))
    result["seconds"], result["cpu"] = time.perf_counter() - t0, time.process_time() - c0
    result["peak_mb"] = peak_rss_mb()
    print(json.dumps(result))


def run_child(kind: str, target: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(target)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(base: dict, reader: dict, pipe: dict, rows: int) -> None:
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(a busy machine stretches wall time; rows per CPU-second is the steadier figure)"
    )
    for name, r in (
        ("sqlite3 SELECT (baseline)", base),
        ("WeChatDbReader (parse only)", reader),
        ("ingest_case (pipeline)", pipe),
    ):
        print(
            f"{name:28s} {r['rows']:>9,} rows  "
            f"wall {r['seconds']:6.2f} s = {r['rows'] / r['seconds']:>8,.0f} rows/s  "
            f"CPU {r['cpu']:6.2f} s = {r['rows'] / r['cpu']:>8,.0f} rows/CPU-s  peak {r['peak_mb']:5.0f} MB  "
            f"×{r['seconds'] / base['seconds']:4.1f} wall / ×{r['cpu'] / base['cpu']:4.1f} CPU vs sqlite3"
        )
    print(f"payments from chat: {reader['payments']:,}; rejects: {reader['rejects']}")
    limit = 30 * rows / 1_000_000
    print(
        f"targets: pipeline ≤{limit:.0f} s {'OK' if pipe['seconds'] <= limit else 'MISSED'} (wall; "
        f"{'OK' if pipe['cpu'] <= limit else 'MISSED'} in CPU time); "
        f"peak ≤2 GB {'OK' if max(r['peak_mb'] for r in (base, reader, pipe)) <= 2048 else 'MISSED'}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="keep an MSG0.db already in --workdir")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hx-bench-msgdb-"))
    case_dir = work / "case"
    db = case_dir / "exports" / "WeChat Files" / OWNER / "Msg" / "Multi" / "MSG0.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    (case_dir / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    shutil.rmtree(case_dir / ".hongxian", ignore_errors=True)
    t0 = time.perf_counter()
    if not (args.reuse and db.is_file()):
        n = create_msg_db(db, rows(args.rows))
        print(
            f"built {db.name}: {n:,} messages, {db.stat().st_size / 2**20:.0f} MiB "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    base = run_child("baseline", db)
    reader = run_child("reader", db)
    pipe = run_child("pipeline", case_dir)
    report(base, reader, pipe, args.rows)
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
