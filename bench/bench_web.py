"""Benchmark: web UI pages at 100k findings (SQLite), against the bare service call they wrap.

    .venv/bin/python bench/bench_web.py [--findings 100000] [--repeat 30]

Builds a case with N generated findings (the generator of bench_triage.py), then times through the
ASGI app in process (no network): the triage page (first page, category filter, severity+status,
person, page 200), the JSON API, the overview and one finding's detail page. Baseline per row: the
`ReviewService` call the route makes, timed in the same run; the ratio shows what rendering and
the request cycle add. Target: triage page p95 ≤ 150 ms plus rendering.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_triage import CASE_TOML, make_findings  # noqa: E402

from hongxian.review import INVESTIGATOR, FindingFilter, ReviewService, open_store  # noqa: E402
from hongxian.settings import Settings  # noqa: E402
from hongxian.web import create_app  # noqa: E402
from hongxian.web.security import COOKIE  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]


def _case(n: int) -> tuple[ReviewService, TestClient]:
    case_dir = Path(tempfile.mkdtemp(prefix="hx-bench-web-")) / "case"
    case_dir.mkdir(parents=True)
    (case_dir / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    settings = Settings()
    svc = ReviewService(
        open_store(case_dir, settings), settings, hasher=PasswordHasher(time_cost=1, memory_cost=64)
    )
    svc.add_user("bench", INVESTIGATOR, "bench-pass-1")
    t = time.perf_counter()
    svc.record_run(make_findings(n), "bench", {}, {})
    print(f"imported {n} findings in {time.perf_counter() - t:.1f} s")
    client = TestClient(create_app(case_dir, settings, service=svc), follow_redirects=False)
    r = client.post("/login", data={"username": "bench", "password": "bench-pass-1"})
    assert r.status_code == 303 and COOKIE in client.cookies
    return svc, client


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    svc, client = _case(args.findings)
    user = svc.login("bench", "bench-pass-1")
    first_id = svc.list_findings(user, per_page=1).items[0].finding_id
    cases = [
        ("/findings", FindingFilter(), 1),
        ("/findings?category=integrity.gambling", FindingFilter(category="integrity.gambling"), 1),
        ("/findings?severity=high&status=待审", FindingFilter(severity="high", status="待审"), 1),
        ("/findings?person=P00042", FindingFilter(person="P00042"), 1),
        ("/findings?person=人员00042 (by name)", FindingFilter(person="P00042"), 1),
        ("/findings?page=200", FindingFilter(), 200),
        ("/api/findings?category=secrecy.leak", FindingFilter(category="secrecy.leak"), 1),
    ]
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'service p95':>12} {'ratio':>6}")
    for path, flt, page in cases:
        url = path.split(" (")[0]
        web = timed(lambda p=url: client.get(p).raise_for_status(), args.repeat)
        base = timed(lambda f=flt, pg=page: svc.list_findings(user, f, "severity", pg, 50), args.repeat)
        print(
            f"{path:45} {statistics.median(web):8.1f} {p95(web):8.1f} {p95(base):12.1f} "
            f"{p95(web) / p95(base):6.2f}"
        )
    for path, fn in (
        ("/", lambda: svc.stats(user)),
        (f"/findings/{first_id}", lambda: svc.get_finding(user, first_id)),
        (f"/findings/{first_id}?back=/findings%3Fsort%3Dscore", lambda: svc.get_finding(user, first_id)),
        ("/dossiers", lambda: svc.dossier_index(user)),
        ("/dossiers/P00042", lambda: svc.dossier(user, "P00042")),
    ):
        web = timed(lambda p=path: client.get(p).raise_for_status(), args.repeat)
        base = timed(fn, args.repeat)
        print(
            f"{path:45} {statistics.median(web):8.1f} {p95(web):8.1f} {p95(base):12.1f} "
            f"{p95(web) / p95(base):6.2f}"
        )


if __name__ == "__main__":
    main()
