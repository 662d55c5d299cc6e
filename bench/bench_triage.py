"""Benchmark: the triage queue at 100k findings on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_triage.py [--findings 100000] [--repeat 40] [--backends sqlite,postgres]

Builds a case with N generated findings (9 categories, 4 severities, 40 checks, 2,000 people, varied
masked excerpts) imported through `ReviewService.record_run` (one transaction), marks ~12 % of them
decided, then times `ReviewService.list_findings` (a count plus one page of 50 rows, as the web UI
calls it) for: first page, filter by category, severity+status, person, text search (2 characters,
1 character, 4 and 8 characters, an ASCII id, combined with a category, its page 20), deep pages (200 in
three orders/filters, 1000), the case overview statistics (`ReviewService.stats`) and one detail view.
Baseline: a bare ``SELECT count(*) FROM findings`` on the same connection pool.

PostgreSQL: uses HONGXIAN_TEST_PG_URL, or starts a throwaway server with scripts/start-postgres.sh
(stopped at the end). Prints p50/p95 per query and p95 / baseline p95. Target: p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text

from hongxian.review import INVESTIGATOR, FindingFilter, ReviewService, User, open_store
from hongxian.schema import CATEGORIES, Finding
from hongxian.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 150.0
CASE_TOML = (
    '[case]\nid = "BENCH"\ntitle = "基准"\n'
    '[authorisation]\napproved_by = "基准"\napproved_on = 2024-01-01\nbasis = "立案审查"\n'
)
PHRASES = [
    "节日快乐，一点心意[红包]",
    "扫雷 100 元 5 包，踩雷翻倍",
    "内部文件，勿外传",
    "代购面膜，需要的私聊",
    "老乡会周六聚餐",
    "身份证 3301**********1234",
    "手机 138****5678",
    "拉票：请支持老张",
]


def make_findings(n: int, seed: int = 11) -> list[Finding]:
    rnd = random.Random(seed)
    checks = [(f"{c.split('.')[1]}.check-{k}", c) for c in CATEGORIES for k in range(5)][:40]
    out = []
    for i in range(n):
        check, cat = checks[rnd.randrange(len(checks))]
        person = f"P{rnd.randrange(2000):05d}"
        ev = [
            {
                "table": "messages",
                "id": f"m-{i}-{k}",
                "ts": "2024-02-10T08:00:00+08:00",
                "excerpt": f"{rnd.choice(PHRASES)} #{rnd.randrange(10**6)}",
                "spans": [[0, 4]],
            }
            for k in range(rnd.randint(1, 4))
        ]
        out.append(
            Finding.model_validate(
                {
                    "finding_id": f"f-{i:08d}",
                    "check_id": check,
                    "category": cat,
                    "severity": rnd.choices(["low", "medium", "high", "critical"], [40, 35, 20, 5])[0],
                    "score": round(rnd.random(), 4),
                    "title": f"线索标题 {check}",
                    "explanation": "说明：数值依据若干",
                    "subject": {"kind": "person", "id": person, "name": f"人员{person[1:]}"},
                    "window": {
                        "start": f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T10:00:00+08:00"
                    },
                    "evidence": ev,
                    "rule_refs": [{"code": "条例", "article": "第九十七条"}],
                    "related": [{"kind": "person", "id": f"P{rnd.randrange(2000):05d}"}]
                    if i % 5 == 0
                    else [],
                }
            )
        )
    return out


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def run_backend(name: str, url: str | None, findings: list[Finding], repeat: int) -> None:
    case = Path(tempfile.mkdtemp(prefix="hx-bench-")) / "case"
    case.mkdir()
    (case / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    settings = Settings(database_url=url)
    svc = ReviewService(open_store(case, settings), settings)
    t = time.perf_counter()
    summary = svc.record_run(findings, "bench", {}, {})
    print(f"\n[{name}] import {summary.new:,} findings: {time.perf_counter() - t:.1f} s")
    with svc.store.engine.begin() as conn:  # bench shortcut: mark ~12 % decided in bulk
        conn.execute(text("UPDATE findings SET status = 'confirmed' WHERE id % 10 = 0"))
        conn.execute(text("UPDATE findings SET status = 'dismissed' WHERE id % 50 = 1"))
    svc.store.analyze()
    user = User(id=0, name="bench", role=INVESTIGATOR)
    person = findings[123].subject.id

    def count() -> None:
        with svc.store.read() as s:
            s.execute(text("SELECT count(*) FROM findings")).scalar()

    queries = {
        "baseline count(*)": count,
        "first page": lambda: svc.list_findings(user),
        "category": lambda: svc.list_findings(user, FindingFilter(category="integrity.gambling")),
        "severity+status": lambda: svc.list_findings(
            user, FindingFilter(severity=["high", "critical"], status="待审")
        ),
        "person": lambda: svc.list_findings(user, FindingFilter(person=person)),
        "text search": lambda: svc.list_findings(user, FindingFilter(q="扫雷")),
        "text 1 char": lambda: svc.list_findings(user, FindingFilter(q="雷")),
        "text 4 chars": lambda: svc.list_findings(user, FindingFilter(q="内部文件")),
        "text 8 chars": lambda: svc.list_findings(user, FindingFilter(q="内部文件，勿外传")),
        "text ASCII id": lambda: svc.list_findings(user, FindingFilter(q=person)),
        "text + category": lambda: svc.list_findings(
            user, FindingFilter(q="扫雷", category="integrity.gambling")
        ),
        "text page 20": lambda: svc.list_findings(user, FindingFilter(q="扫雷"), page=20),
        "page 200": lambda: svc.list_findings(user, page=200),
        "page 200 newest": lambda: svc.list_findings(user, sort="newest", page=200),
        "page 200 category": lambda: svc.list_findings(
            user, FindingFilter(category="integrity.gambling"), page=200
        ),
        "page 1000": lambda: svc.list_findings(user, page=1000),
        "stats (overview)": lambda: svc.stats(user),
        "detail view": lambda: svc.get_finding(user, findings[777].finding_id),
    }
    base = None
    print(f"{'query':<20}{'p50 ms':>9}{'p95 ms':>9}{'×base':>8}  target ≤ {TARGET_MS:.0f} ms")
    for label, fn in queries.items():
        xs = timed(fn, repeat)
        q95 = p95(xs)
        base = base or q95
        flag = "" if label.startswith("baseline") else ("ok" if q95 <= TARGET_MS else "SLOW")
        print(f"{label:<20}{statistics.median(xs):>9.1f}{q95:>9.1f}{q95 / base:>8.1f}  {flag}")
    svc.store.dispose()
    shutil.rmtree(case.parent, ignore_errors=True)


def _postgres_url() -> tuple[str, str | None]:
    url = os.environ.get("HONGXIAN_TEST_PG_URL")
    if url:
        return url, None
    out = subprocess.run(
        ["bash", str(ROOT / "scripts/start-postgres.sh")], capture_output=True, text=True, check=True
    )
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return env["HONGXIAN_TEST_PG_URL"], env["HONGXIAN_PG_DIR"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--backends", default="sqlite,postgres")
    args = ap.parse_args()
    t = time.perf_counter()
    findings = make_findings(args.findings)
    print(f"generated {len(findings):,} findings in {time.perf_counter() - t:.1f} s")
    backends = args.backends.split(",")
    if "sqlite" in backends:
        run_backend("sqlite", None, findings, args.repeat)
    if "postgres" in backends:
        base, pg_dir = _postgres_url()
        db = f"hx_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        try:
            run_backend("postgres", base.rsplit("/", 1)[0] + "/" + db, findings, args.repeat)
        finally:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
            if pg_dir:
                subprocess.run(
                    ["bash", str(ROOT / "scripts/start-postgres.sh"), "--stop", pg_dir], check=False
                )


if __name__ == "__main__":
    sys.exit(main())
