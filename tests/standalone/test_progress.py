"""Progress on long work (issue 14 item 6): screen, report and ingest report their steps; quiet off a TTY."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.cli.common import progress_bar
from hongxian.report.api import generate_report
from hongxian.screen import screen_case
from tests.conftest import PEOPLE_HEADER

PEOPLE = PEOPLE_HEADER + "\nP001,测试人,某局,科员,,中共党员,公职人员,,,wxid_test,测试,xx@gmail.com,,在职,\n"


def _case(case_dir: Path, external_dir: Path) -> Path:
    (case_dir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    shutil.copy(external_dir / "double-entry-generator" / "example-wechat-records.csv", case_dir / "exports")
    return case_dir


def test_screen_reports_each_detector_then_done(case_dir: Path, external_dir: Path):
    calls: list[tuple[str, int, int]] = []
    screen_case(_case(case_dir, external_dir), progress=lambda *a: calls.append(a))
    screening = [c for c in calls if c[0].startswith("检查") or c[0] == "完成"]
    assert screening[-1][0] == "完成" and screening[-1][1] == screening[-1][2] > 0
    assert [c[1] for c in screening] == list(range(screening[-1][2] + 1))


def test_report_reports_its_stages(case_dir: Path, external_dir: Path, tmp_path: Path):
    case = _case(case_dir, external_dir)
    assert CliRunner().invoke(app, ["ingest", str(case)]).exit_code == 0
    (case / "findings.jsonl").write_text("", encoding="utf-8")
    calls: list[tuple[str, int, int]] = []
    generate_report(case, "html", out=tmp_path / "r.html", progress=lambda *a: calls.append(a))
    assert [c[1] for c in calls] == [0, 1, 2] and calls[-1][0] == "完成"


def test_no_bar_when_not_a_terminal(case_dir: Path, external_dir: Path):
    result = CliRunner().invoke(app, ["screen", str(_case(case_dir, external_dir))])
    assert result.exit_code == 0, result.output
    assert "━" not in result.output and "筛查 检查" not in result.output


def test_progress_bar_callback_is_silent_off_a_terminal(capsys):
    with progress_bar("筛查") as step:
        step("检查 某项", 1, 3)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
