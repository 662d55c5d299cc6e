"""A fresh clone, alone in an empty folder, runs the README's commands (issue 14).

The clone has no folder beside it (none of the material used while developing). ``make demo`` runs
twice: first with the CJK font unavailable (``HONGXIAN_CJK_FONT`` names a font that is not
installed, and no system packages are installed), which must finish with one clear line instead of
a traceback; then with the font. Then ``make serve`` must answer HTTP, ``.venv/bin/hongxian`` must
work as the README says, and the whole test suite must collect inside the clone. The clone is of the
committed HEAD. Slow (it builds the clone's own .venv): about two minutes of CPU.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def sh(cmd: list[str], cwd: Path, timeout: int = 900, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HONGXIAN_", "VIRTUAL_ENV"))
    }
    full_env.update(env)
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if sh(["git", "rev-parse", "--git-dir"], ROOT).returncode != 0:
        pytest.skip("not a git checkout")
    empty = tmp_path_factory.mktemp("fresh")
    dest = empty / "hongxian"
    assert sh(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(dest)], empty).returncode == 0
    assert sorted(p.name for p in empty.iterdir()) == ["hongxian"]  # nothing beside it
    return dest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readme_quick_start_lists_the_commands_tested_here():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert re.findall(r"^make (\w+)", block, re.M) == ["demo", "serve", "test"]
    assert ".venv/bin/hongxian" in readme


def test_make_demo_without_the_cjk_font_degrades_to_one_line(clone: Path):
    run = sh(["make", "demo", "DEMO_PACKAGES="], clone, HONGXIAN_CJK_FONT="Font Not Installed Anywhere")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    assert "Traceback" not in out
    lines = [line for line in out.splitlines() if "未找到中文字体" in line]
    assert len(lines) == 1 and "未生成报告" in lines[0]
    assert not list((clone / "demo-case" / "reports").glob("*.html"))
    assert ".venv/bin/hongxian serve demo-case" in out  # the hint a user can paste


def test_make_demo_with_the_font_writes_the_report(clone: Path):
    run = sh(["make", "demo"], clone)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    assert "Traceback" not in out and "未找到中文字体" not in out
    assert list((clone / "demo-case" / "reports").glob("*.html"))
    assert (clone / "demo-case" / "findings.jsonl").stat().st_size > 0


def test_the_command_the_readme_names_works(clone: Path):
    run = sh([".venv/bin/hongxian", "schema", "findings"], clone)
    assert run.returncode == 0 and '"finding_id"' in run.stdout


def test_make_serve_answers(clone: Path):
    port = _free_port()
    proc = subprocess.Popen(
        ["make", "serve", f"PORT={port}"],
        cwd=clone,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as resp:
                    assert resp.status == 200
                    assert "登录" in resp.read().decode("utf-8")
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "make serve did not answer within 120 s"
                time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_the_test_suite_collects_in_the_clone(clone: Path):
    run = sh([".venv/bin/python", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"], clone)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert re.search(r"\d+ tests collected", run.stdout)
    assert "shared" not in run.stderr
