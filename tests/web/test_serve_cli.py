"""`hongxian serve CASE_DIR --host 127.0.0.1 --port N` starts a real server (subprocess)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx2 as httpx

from tests.web.webcase import WebCase


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_answers_on_loopback(web: WebCase) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from hongxian.cli import main; main()",
            "serve",
            str(web.case_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, last = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                last = httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1]
                time.sleep(0.2)
        assert last is not None and last.status_code == 200 and "登录审查系统" in last.text
        assert httpx.get(f"{base}/api/findings", timeout=5).status_code == 401
        r = httpx.get(f"{base}/findings", timeout=5)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Ffindings"
        css = httpx.get(f"{base}/static/style.css", timeout=5)
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_refuses_a_folder_without_case_toml(tmp_path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from hongxian.cli import main; main()",
            "serve",
            str(tmp_path),
            "--port",
            str(_free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "case.toml" in result.stderr
