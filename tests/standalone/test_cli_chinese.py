"""Typer/Click's own words in Chinese (issue 12 item 9): help, usage and the errors a user meets, through
the real console script and through CliRunner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.cli.zh import translate

ENGLISH = re.compile(
    r"Show this message|Usage:|Try '|for help|Invalid value|Missing (argument|option|parameter)"
    r"|No such (option|command)|Possible options|\bError\b|\bOptions\b|\bCommands\b|\bArguments\b"
    r"|\[default:|\[env var:|requires an argument|does not exist|Did you mean"
)
HONGXIAN = Path(sys.executable).with_name("hongxian")


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "100", "LANG": "C", "LC_ALL": "C"}  # no Chinese locale needed
    return subprocess.run([str(HONGXIAN), *args], capture_output=True, text=True, env=env, timeout=60)


def test_help_is_chinese() -> None:
    r = cli("--help")
    assert r.returncode == 0
    assert "用法：hongxian [选项] 命令 [参数]..." in r.stdout
    assert "显示本帮助并退出。" in r.stdout and "─ 选项 ─" in r.stdout and "─ 命令 ─" in r.stdout
    assert not ENGLISH.search(r.stdout), ENGLISH.search(r.stdout)


def test_command_help_writes_defaults_and_envvars_in_chinese() -> None:
    r = cli("report", "--help")
    assert r.returncode == 0
    assert "用法：hongxian report [选项]" in r.stdout and "─ 参数 ─" in r.stdout
    assert "默认：html" in r.stdout and "环境变量：" in r.stdout
    assert not ENGLISH.search(r.stdout), ENGLISH.search(r.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("foo",), "没有命令“foo”。"),
        (("report", "--bogus"), "没有选项 --bogus（可用的选项："),
        (("report",), "缺少参数 'case_dir'。"),
        (("report", "/no/such/case"), "'case_dir' 的值无效：路径“/no/such/case”不存在。"),
        (("serve", ".", "--port", "abc"), "'--port' / '-p' 的值无效：应为整数。"),
        (("review", "lst"), "没有命令“lst”。是否要用 'list'？"),
    ],
)
def test_usage_errors_are_chinese(args: tuple[str, ...], message: str) -> None:
    r = cli(*args)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr, r.stderr
    assert "─ 错误 ─" in r.stderr and "用法：hongxian" in r.stderr and "查看帮助。" in r.stderr
    assert not ENGLISH.search(r.stderr), ENGLISH.search(r.stderr)


def test_clirunner_sees_the_same_words() -> None:
    result = CliRunner().invoke(app, ["report", "--bogus"])
    assert result.exit_code == 2
    assert "没有选项 --bogus" in result.output and not ENGLISH.search(result.output)


def test_unknown_messages_pass_through_and_known_ones_translate() -> None:
    assert translate("Option '--out' requires an argument.") == "选项 --out 需要一个值。"
    assert translate("Got unexpected extra argument (x)") == "多余的参数：x"
    assert translate("案件目录不存在") == "案件目录不存在"
