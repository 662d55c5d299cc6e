"""Errors that say what to do (issue 14 item 5): each case a new user actually ran into."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hongxian.cli import app
from tests.conftest import CASE_TOML, PEOPLE_HEADER

PEOPLE = PEOPLE_HEADER + (
    "\nP001,马志刚,某粮站,副站长,,中共党员,公职人员,,,wxid_ma,老马,,,在职,"
    "\nP002,李红,某粮站,会计,,群众,公职人员,,,wxid_li,李红,,,在职,\n"
)


def run(*args: str, env: dict | None = None, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), env=env, input=stdin)


@pytest.fixture
def people_case(case_dir: Path) -> Path:
    (case_dir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    return case_dir


def test_tables_before_ingest_ingests_first(people_case: Path):
    result = run("tables", str(people_case), "people")
    assert result.exit_code == 0, result.output
    assert "尚未导入" in result.output
    assert "P001" in result.output and "马志刚" in result.output


def test_tables_refuses_a_case_without_authorisation(people_case: Path):
    (people_case / "case.toml").write_text('[case]\nid = "x"\n', encoding="utf-8")
    result = run("tables", str(people_case), "people")
    assert result.exit_code == 2
    assert "[authorisation]" in result.output


def test_us_spelling_of_the_authorisation_section_is_named(people_case: Path):
    toml = CASE_TOML.replace("[authorisation]", "[authorization]")
    (people_case / "case.toml").write_text(toml, encoding="utf-8")
    result = run("ingest", str(people_case))
    assert result.exit_code == 2
    # the bracketed section names survive Rich (no markup swallowing)
    assert "[authorization]" in result.output and "[authorisation]" in result.output
    assert "Traceback" not in result.output


def test_missing_authorisation_keeps_the_section_name(people_case: Path):
    (people_case / "case.toml").write_text('[case]\nid = "x"\n', encoding="utf-8")
    result = run("screen", str(people_case))
    assert result.exit_code == 2
    assert "缺少 [authorisation] 授权信息" in result.output


def _with_findings(case: Path) -> Path:
    assert run("ingest", str(case)).exit_code == 0
    (case / "findings.jsonl").write_text("", encoding="utf-8")
    return case


def test_report_accepts_a_name(people_case: Path, tmp_path: Path):
    _with_findings(people_case)
    out = tmp_path / "r.html"
    result = run("report", str(people_case), "--person", "马志刚", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_report_refuses_an_unknown_person(people_case: Path, tmp_path: Path):
    _with_findings(people_case)
    out = tmp_path / "r.html"
    result = run("report", str(people_case), "--person", "王五", "--out", str(out))
    assert result.exit_code == 1
    assert "找不到人员“王五”" in result.output and "P001 马志刚" in result.output
    assert not out.exists()


def test_report_without_cjk_font_is_one_line(people_case: Path, tmp_path: Path):
    _with_findings(people_case)
    result = run(
        "report", str(people_case), "--out", str(tmp_path / "r.html"), env={"HONGXIAN_CJK_FONT": "无此字体"}
    )
    assert result.exit_code == 1
    assert "未找到中文字体" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_demo_report_step_degrades_without_font(people_case: Path, monkeypatch, capsys):
    from hongxian.cli import demo_cmd

    _with_findings(people_case)
    monkeypatch.setenv("HONGXIAN_CJK_FONT", "无此字体")
    demo_cmd._report(people_case, None)
    out = capsys.readouterr().out
    assert "未生成报告" in out and "未找到中文字体" in out and "report" in out


def test_empty_user_store_suggests_user_add(people_case: Path):
    _with_findings(people_case)
    result = run("review", "list", str(people_case), "--user", "demo", env={"HONGXIAN_PASSWORD": "x"})
    assert result.exit_code == 3
    assert "user add" in result.output


def test_unknown_category_lists_the_valid_ones_and_labels_work(people_case: Path):
    _with_findings(people_case)
    add = run(
        "user", "add", str(people_case), "demo", "--role", "审查员", "--password-stdin", stdin="pw-12345678\n"
    )
    assert add.exit_code == 0, add.output
    env = {"HONGXIAN_PASSWORD": "pw-12345678"}
    bad = run("review", "list", str(people_case), "--user", "demo", "--category", "红包", env=env)
    assert bad.exit_code == 1
    assert "红包赌博（integrity.gambling）" in bad.output and "泄密（secrecy.leak）" in bad.output
    good = run("review", "list", str(people_case), "--user", "demo", "--category", "红包赌博", env=env)
    assert good.exit_code == 0, good.output


def test_utf16_bill_says_why_it_was_skipped(people_case: Path, external_dir: Path):
    text = (external_dir / "double-entry-generator" / "example-wechat-records.csv").read_text(
        encoding="utf-8"
    )
    (people_case / "exports" / "bill.csv").write_bytes(text.encode("utf-16"))
    result = run("ingest", str(people_case))
    assert result.exit_code == 0, result.output
    assert "UTF-16" in result.output and "微信支付账单" in result.output


def test_mojibake_bill_says_why_it_was_skipped(people_case: Path, external_dir: Path):
    text = (external_dir / "double-entry-generator" / "example-wechat-records.csv").read_text(
        encoding="utf-8"
    )
    garbled = text.encode("utf-8").decode("gbk", errors="replace")
    (people_case / "exports" / "bill.csv").write_text(garbled, encoding="utf-8")
    result = run("ingest", str(people_case))
    assert result.exit_code == 0, result.output
    assert "乱码" in result.output


def test_web_login_on_an_empty_store_suggests_user_add(people_case: Path):
    from fastapi.testclient import TestClient

    from hongxian.settings import Settings
    from hongxian.web import create_app

    _with_findings(people_case)
    application = create_app(people_case, Settings())
    with TestClient(application) as client:
        r = client.post("/login", data={"username": "demo", "password": "demo-2024"})
    assert r.status_code == 401
    assert "user add" in r.text and "还没有任何用户" in r.text


def test_demo_report_step_names_the_debian_package_when_noto_is_absent(
    people_case: Path, monkeypatch, capsys
):
    from matplotlib import font_manager

    from hongxian.cli import demo_cmd
    from hongxian.report import charts

    _with_findings(people_case)
    monkeypatch.delenv(charts.FONT_ENV, raising=False)
    monkeypatch.setattr(charts, "FONT_DIRS", ())
    without_cjk = [f for f in font_manager.fontManager.ttflist if f.name not in charts.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without_cjk)
    demo_cmd._report(people_case, None)
    out = capsys.readouterr().out
    assert "未生成报告" in out and "fonts-noto-cjk" in out
    assert len([line for line in out.splitlines() if line.strip()]) == 1
