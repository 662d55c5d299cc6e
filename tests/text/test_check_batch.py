"""`hongxian check --batch` (JSON Lines in, one result per line out) and the compiled-checker cache."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from hongxian.cli.check_cmd import run
from hongxian.selfcheck import SelfChecker, cache_dir, load_self_checker

LINES = [
    json.dumps({"id": "a", "text": "这份讨论稿先别外传"}, ensure_ascii=False),
    json.dumps({"id": "b", "text": "明天上午九点开会"}, ensure_ascii=False),
    "",
    "{not json",
    json.dumps({"id": "c"}),
]


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HONGXIAN_CACHE_DIR", str(folder))
    return folder


def test_batch_file_one_result_per_line_and_errors_named(tmp_path: Path) -> None:
    src = tmp_path / "drafts.jsonl"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert run(["--batch", str(src)], out=out) == 1
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r.get("id") for r in results[:2]] == ["a", "b"]
    assert results[0]["hits"] and results[0]["hits"][0]["category"] == "secrecy.leak"
    assert results[1]["hits"] == []
    assert results[2]["line"] == 4 and "JSON" in results[2]["error"]
    assert results[3]["line"] == 5 and '"text"' in results[3]["error"]


def test_batch_from_stdin_clean_is_exit_0(monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"text": "收到，谢谢"}, ensure_ascii=False) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(line))
    out = io.StringIO()
    assert run(["--batch", "-"], out=out) == 0
    assert json.loads(out.getvalue()) == {"hits": []}


def test_unreadable_batch_file_is_exit_2(tmp_path: Path) -> None:
    err = io.StringIO()
    assert run(["--batch", str(tmp_path / "missing.jsonl")], err=err) == 2
    assert "无法读取" in err.getvalue()
    assert run(["--batch", "-", "文本"], err=err) == 2


def test_checker_cache_is_written_reused_and_rebuilt_when_damaged(_cache: Path) -> None:
    first = load_self_checker()
    files = list(_cache.glob("selfcheck-*.pickle"))
    assert len(files) == 1 and cache_dir() == _cache
    assert isinstance(pickle.loads(files[0].read_bytes()), SelfChecker)
    again = load_self_checker()
    text = "老王身份证号640104199003071236"
    assert [h.check_id for h in again.check(text)] == [h.check_id for h in first.check(text)]
    files[0].write_bytes(b"damaged")
    rebuilt = load_self_checker()
    assert [h.check_id for h in rebuilt.check(text)] == [h.check_id for h in first.check(text)]
    assert isinstance(pickle.loads(files[0].read_bytes()), SelfChecker)


def test_console_script_runs_check_without_the_typer_app(tmp_path: Path, _cache: Path) -> None:
    code = (
        "import sys; sys.argv=['hongxian','check','--format','json','本群玩扫雷，中雷赔1.8倍'];"
        "from hongxian.cli import main\n"
        "try:\n main()\n"
        "except SystemExit as e:\n"
        " assert 'typer' not in sys.modules and 'rich' not in sys.modules\n"
        " raise"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(_cache))
    assert res.returncode == 1, res.stderr
    assert json.loads(res.stdout)["hits"][0]["category"] == "integrity.gambling"


def _env(cache: Path) -> dict:
    import os

    return {**os.environ, "HONGXIAN_CACHE_DIR": str(cache)}


def test_lone_surrogate_in_json_input_is_checked_and_printable(tmp_path: Path) -> None:
    """JSON may carry a lone UTF-16 surrogate (\\ud800); it is checked as U+FFFD, offsets kept, and the
    result can be written as UTF-8 (it used to crash the keyword automaton, then the output)."""
    src = tmp_path / "drafts.jsonl"
    src.write_text('{"text": "\\ud800群里玩扫雷，十包五雷，一块一包，输了转账"}\n', encoding="utf-8")
    out = io.StringIO()
    assert run(["--batch", str(src)], out=out) == 1
    printed = out.getvalue().encode("utf-8").decode("utf-8")
    hit = json.loads(printed)["hits"][0]
    assert hit["category"] == "integrity.gambling"
    assert hit["spans"][0][0] == 4  # 扫雷 after the replaced surrogate and 群里玩
