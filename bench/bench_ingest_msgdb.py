"""Benchmark: ``hongxian ingest`` of a WeChat MSG.db, as a user runs it, at growing sizes.

    .venv/bin/python bench/bench_ingest_msgdb.py [--sizes 10000,100000,1000000] [--workdir DIR] [--reuse]

For each size, a case folder holds a real-schema MSG shard built with `hongxian.testing.wechat_db`
(a realistic mix: one-to-one and group texts with BytesExtra senders, images, links / files as
LZ4 XML, transfers with their status messages, red packets, claim notices) and two commands are
timed, each a separate process measured by `measure`:

* baseline: ``python -c`` with a bare sqlite3 ``SELECT`` of the columns the reader needs, every
  row fetched (interpreter start included, like the command);
* ingest:   ``hongxian ingest CASE`` — reading, Parquet parts and the whole dataset build.

Prints per size: rows, wall seconds and rows/s, CPU seconds, peak RSS, the wall and CPU ratios to
the baseline of the same run, µs per row and the marginal µs per row between sizes (flat when
linear). Targets (issues 2, 18): ≤ 30 s for 1M messages end to end, peak ≤ 2 GB, linear growth.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from measure import curve, growth, hongxian_command, measure
from rich.progress import track

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


SELECT_PASS = (
    "import sqlite3, sys\n"
    "con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro&immutable=1', uri=True)\n"
    "cur = con.execute('SELECT localId, StrTalker, Type, SubType, IsSender, CreateTime, StrContent, '\n"
    "                  'CompressContent, BytesExtra, MsgSvrID FROM MSG')\n"
    "n = 0\n"
    "while chunk := cur.fetchmany(4096):\n"
    "    n += len(chunk)\n"
    "print(n)\n"
)


def prepare(work: Path, n: int, reuse: bool) -> tuple[Path, Path]:
    case = work / f"case-{n}"
    db = case / "exports" / "WeChat Files" / OWNER / "Msg" / "Multi" / "MSG0.db"
    if not (reuse and db.is_file()):
        shutil.rmtree(case, ignore_errors=True)
        db.parent.mkdir(parents=True, exist_ok=True)
        (case / "case.toml").write_text(CASE_TOML, encoding="utf-8")
        t0 = time.perf_counter()
        create_msg_db(db, track(rows(n), total=n, description="  building", transient=True))
        print(
            f"  built {db.name}: {n:,} messages, {db.stat().st_size / 2**20:.0f} MiB "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    shutil.rmtree(case / ".hongxian", ignore_errors=True)
    return case, db


def outcome(case: Path) -> str:
    import duckdb

    ds = case / ".hongxian" / "dataset"
    con = duckdb.connect()
    counts = {}
    for table in ("messages", "payments"):
        path = str(ds / f"{table}.parquet").replace("'", "''")
        row = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()
        counts[table] = row[0] if row else 0
    return f"{counts['messages']:,} messages, {counts['payments']:,} payments"


def run_size(work: Path, n: int, reuse: bool) -> dict:
    print(f"size {n:,}", flush=True)
    case, db = prepare(work, n, reuse)
    base = measure([sys.executable, "-c", SELECT_PASS, str(db.resolve())])
    print(f"  baseline sqlite3 SELECT {base['seconds']:.2f} s", flush=True)
    ingest = measure([*hongxian_command(), "ingest", str(case)])
    ingest["written"] = outcome(case)
    print(f"  hongxian ingest {ingest['seconds']:.2f} s", flush=True)
    return {"n": n, "base": base, "cmd": ingest}


def report(runs: list[dict]) -> None:
    curve(runs, extra="written")
    big = runs[-1]
    limit = 30 * big["n"] / 1_000_000
    secs = big["cmd"]["seconds"]
    peak = max(r["cmd"]["peak_mb"] for r in runs)
    print(
        f"targets on {big['n']:,} messages: ≤{limit:.0f} s "
        f"{'OK' if secs <= limit else 'MISSED'} ({secs:.1f} s); "
        f"peak ≤2 GB {'OK' if peak <= 2048 else 'MISSED'} ({peak:.0f} MB); {growth(runs)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--workdir", type=Path, help="keep the case folders here (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="reuse MSG0.db files already in --workdir")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hx-bench-msgdb-"))
    try:
        report([run_size(work, n, args.reuse) for n in sizes])
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
