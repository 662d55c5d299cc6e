"""SIGKILL in the middle of importing a large run: the store stays consistent and a rerun completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from hongxian.review import REVIEWER, ReviewService
from hongxian.settings import Settings
from hongxian.store.models import EvidenceRow, RunRow, StoredFinding
from tests.review.factory import make_finding

ROOT = Path(__file__).resolve().parents[2]
N = 6_000
CHILD = """
import sys
from pathlib import Path
from hongxian.review import ReviewService, open_store
from hongxian.settings import Settings
from tests.review.factory import make_finding

case_dir, url, n = Path(sys.argv[1]), sys.argv[2] or None, int(sys.argv[3])
settings = Settings(database_url=url)
svc = ReviewService(open_store(case_dir, settings), settings)
findings = [make_finding(i, evidence=[f"pay-{i}-0", f"pay-{i}-1"]) for i in range(n)]

def progress(done, total):
    if done >= 3000:
        print(f"importing {done}/{total}", flush=True)
        sys.stdin.readline()  # hold the open transaction until the parent kills us

svc.record_run(findings, "rb-2", {}, {"exports/big.csv": "cd" * 32}, progress=progress)
print("finished", flush=True)
"""


def _counts(service: ReviewService) -> tuple[int, int, int]:
    with service.store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(StoredFinding)),
            s.scalar(select(func.count()).select_from(EvidenceRow)),
            s.scalar(select(func.count()).select_from(RunRow)),
        )


def test_sigkill_mid_import_leaves_store_consistent(
    case_dir: Path, settings: Settings, service: ReviewService, users
) -> None:
    service.record_run([make_finding(i) for i in range(10)], "rb-1", {}, {})
    service.decide(users[REVIEWER], "f-000003", "确认", "属实", 1)
    before = _counts(service)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(case_dir), settings.database_url or "", str(N)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("importing "), line
        child.send_signal(signal.SIGKILL)
        assert child.wait(60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    assert _counts(service) == before
    assert service.verify_audit().ok
    assert service.get_finding(users[REVIEWER], "f-000003").status == "confirmed"
    # the rerun completes
    summary = service.record_run(
        [make_finding(i, evidence=[f"pay-{i}-0", f"pay-{i}-1"]) for i in range(N)],
        "rb-2",
        {},
        {"exports/big.csv": "cd" * 32},
    )
    assert (summary.new, summary.updated, summary.reopened, summary.unchanged) == (N - 10, 9, 1, 0)
    assert _counts(service) == (N, 2 * N, 2)
    assert service.get_finding(users[REVIEWER], "f-000003").status == "pending"
    assert service.verify_audit().ok
