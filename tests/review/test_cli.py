"""`hongxian review|user|audit` end to end on a real case folder (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from hongxian.cli import review_cmd
from hongxian.review import ReviewService, open_store
from hongxian.settings import Settings
from hongxian.store import resolve_url
from tests.review.factory import make_finding, write_jsonl
from tests.store.backends import FAST_HASHER

runner = CliRunner()


@pytest.fixture
def cli(case_dir: Path, settings: Settings):
    app = typer.Typer()
    review_cmd.register(app)
    env = {"HONGXIAN_DATABASE_URL": settings.database_url} if settings.database_url else {}

    def invoke(*args: str, stdin: str | None = None, password: str | None = None, code: int = 0):
        e = dict(env)
        if password is not None:
            e["HONGXIAN_PASSWORD"] = password
        result = runner.invoke(app, [str(a) for a in args], input=stdin, env=e)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _bootstrap(cli, case_dir: Path) -> None:
    cli("user", "add", case_dir, "admin", "--role", "管理员", "--password-stdin", stdin="admin-pass-1\n")
    for name, role, pw in (("rev", "审查员", "rev-pass-12"), ("inv", "调查员", "inv-pass-12")):
        cli(
            "user",
            "add",
            case_dir,
            name,
            "--role",
            role,
            "--password-stdin",
            "--user",
            "admin",
            stdin=pw + "\n",
            password="admin-pass-1",
        )


SQLITE_ONLY = pytest.mark.parametrize("db_url", [None], ids=["sqlite"])  # the CLI is backend-agnostic


@SQLITE_ONLY
def test_users_need_an_admin_after_the_first(cli, case_dir: Path) -> None:
    _bootstrap(cli, case_dir)
    out = cli(
        "user",
        "add",
        case_dir,
        "x",
        "--role",
        "只读",
        "--password-stdin",
        "--user",
        "rev",
        stdin="x-pass-1234\n",
        password="rev-pass-12",
        code=3,
    )
    assert "无权管理用户" in out
    out = cli(
        "user", "add", case_dir, "x", "--role", "只读", "--password-stdin", stdin="x-pass-1234\n", code=3
    )
    assert "需要操作人" in out
    out = cli(
        "user",
        "add",
        case_dir,
        "x",
        "--role",
        "组长",
        "--password-stdin",
        "--user",
        "admin",
        stdin="x-pass-1234\n",
        password="admin-pass-1",
        code=1,
    )
    assert "未知角色" in out
    out = cli("user", "list", case_dir, "--user", "admin", password="admin-pass-1")
    assert "审查员" in out and "调查员" in out


@SQLITE_ONLY
def test_review_workflow(cli, case_dir: Path, tmp_path: Path) -> None:
    _bootstrap(cli, case_dir)
    jsonl = write_jsonl(tmp_path / "findings.jsonl", [make_finding(i) for i in range(3)])
    out = cli(
        "review",
        "import",
        case_dir,
        jsonl,
        "--rulebook-version",
        "rb-9",
        "--user",
        "inv",
        stdin="inv-pass-12\n",
    )
    assert "新增 3" in out
    cli("review", "import", case_dir, jsonl, "--user", "rev", stdin="rev-pass-12\n", code=3)
    out = cli("review", "list", case_dir, "--user", "rev", "--json", stdin="rev-pass-12\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["finding_id"] for r in rows] == ["f-000002", "f-000001", "f-000000"] and rows[0][
        "status_label"
    ] == "待审"
    out = cli("review", "show", case_dir, "f-000001", "--user", "rev", stdin="rev-pass-12\n")
    assert "收受管理服务对象红包" in out and "第九十七条" in out and "已脱敏" in out
    out = cli(
        "review", "decide", case_dir, "f-000001", "排除", "--user", "rev", stdin="rev-pass-12\n", code=1
    )
    assert "排除线索必须填写理由" in out
    out = cli(
        "review",
        "decide",
        case_dir,
        "f-000001",
        "排除",
        "--reason",
        "系正常往来",
        "--version",
        "1",
        "--user",
        "rev",
        stdin="rev-pass-12\n",
    )
    assert "排除" in out and "版本 2" in out
    out = cli(
        "review",
        "decide",
        case_dir,
        "f-000001",
        "确认",
        "--reason",
        "x",
        "--version",
        "1",
        "--user",
        "inv",
        password="inv-pass-12",
        code=4,
    )
    assert "已被他人处理" in out
    out = cli(
        "review", "list", case_dir, "--status", "排除", "--user", "rev", "--json", stdin="rev-pass-12\n"
    )
    assert [json.loads(x)["finding_id"] for x in out.splitlines()] == ["f-000001"]
    out = cli(
        "review",
        "show",
        case_dir,
        "f-000002",
        "--reveal",
        "核实",
        "--user",
        "rev",
        stdin="rev-pass-12\n",
        code=3,
    )
    assert "无权查看未脱敏个人信息" in out
    out = cli(
        "review",
        "suppress",
        case_dir,
        "--check",
        "gift.red-packet",
        "--subject",
        "person:P001",
        "--reason",
        "暂缓",
        "--days",
        "3",
        "--user",
        "rev",
        stdin="rev-pass-12\n",
    )
    assert "屏蔽规则 #1" in out
    out = cli("review", "list", case_dir, "--user", "rev", "--json", stdin="rev-pass-12\n")
    assert out.strip() == ""
    cli("review", "list", case_dir, "--user", "rev", stdin="wrong-pass\n", code=3)
    out = cli("audit", "list", case_dir, "--user", "admin", "--per-page", "100", password="admin-pass-1")
    assert "结论冲突" in out and "查看线索" in out and "设置屏蔽规则" in out
    assert "校验通过" in cli("audit", "verify", case_dir)


def test_audit_verify_exits_non_zero_on_tampering(
    cli, case_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    _bootstrap(cli, case_dir)
    jsonl = write_jsonl(tmp_path / "findings.jsonl", [make_finding(1)])
    cli("review", "import", case_dir, jsonl, "--user", "inv", stdin="inv-pass-12\n")
    cli("audit", "verify", case_dir)
    engine = create_engine(resolve_url(case_dir, settings.database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE action = 'run_import'"))
    engine.dispose()
    out = cli("audit", "verify", case_dir, code=1)
    assert "审计日志被篡改" in out and "本条记录被修改" in out


def test_real_executable_audit_verify(case_dir: Path, tmp_path: Path) -> None:
    """The installed `hongxian` command (SQLite): exit 0, then non-zero after an edit in SQL."""
    exe = str(Path(sys.executable).parent / "hongxian")
    store = open_store(case_dir, Settings())
    ReviewService(store, Settings(), hasher=FAST_HASHER).add_user("admin", "管理员", "admin-pass-1")
    store.dispose()
    assert subprocess.run([exe, "audit", "verify", str(case_dir)], capture_output=True).returncode == 0
    engine = create_engine(resolve_url(case_dir, None))
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = :d WHERE id = 1"), {"d": '{"role":"admin","x":1}'})
    engine.dispose()
    bad = subprocess.run([exe, "audit", "verify", str(case_dir)], capture_output=True, text=True)
    assert bad.returncode == 1 and "审计日志被篡改" in bad.stderr
