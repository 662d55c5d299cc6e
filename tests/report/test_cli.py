"""`hongxian report` end to end on a case folder: from findings.jsonl and from the review store."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hongxian.canonical import table_from_rows
from hongxian.case import CasePaths
from hongxian.cli import app
from hongxian.dataset.store import TableStore
from hongxian.settings import Settings

from .conftest import HOSTILE, PHONE, make_dataset, make_findings

runner = CliRunner()


def _persist_dataset(case_dir: Path) -> None:
    ds = make_dataset()
    store = TableStore(CasePaths(case_dir).state)
    store.write_case_table("people", ds["people"])
    for name in ("accounts", "payments"):
        store.write_dataset_table(name, ds[name])
    store.write_sources(
        table_from_rows(
            "sources",
            [
                {
                    "source_id": "s-1",
                    "path": "exports/bill.csv",
                    "format": "wechat_pay_bill",
                    "rows_ok": 8,
                    "rows_rejected": 0,
                }
            ],
        )
    )


@pytest.fixture
def jsonl_case(case_dir: Path) -> Path:
    _persist_dataset(case_dir)
    lines = [rf.finding.model_dump_json() for rf in make_findings()]
    (case_dir / "findings.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return case_dir


def test_report_html_from_findings_jsonl(jsonl_case: Path):
    res = runner.invoke(app, ["report", str(jsonl_case), "--format", "html"])
    assert res.exit_code == 0, res.output
    out = jsonl_case / "reports" / "report-T-001.html"
    html = out.read_text(encoding="utf-8")
    assert "已生成 HTML 报告" in res.output
    assert "春节期间多次收受管理服务对象红包" in html and "在群聊中发布他人身份证号码" in html
    assert "exports/bill.csv" in html and "findings.jsonl（未经审查）" in html
    assert PHONE not in html and "<script" not in html


def test_report_person_filter_and_out(jsonl_case: Path, tmp_path: Path):
    out = tmp_path / "p1.xlsx"
    res = runner.invoke(
        app, ["report", str(jsonl_case), "--format", "xlsx", "--person", "P001", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    ids = [r[1] for r in wb["发现"].iter_rows(min_row=2, values_only=True)]
    assert ids == ["f-gift-1"]
    subjects = {r[4] for r in wb["资金往来"].iter_rows(min_row=2, values_only=True) if r[4]}
    assert subjects == {"wxid_zhang"}


def test_report_bad_findings_file_names_the_line(case_dir: Path):
    bad = case_dir / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    res = runner.invoke(app, ["report", str(case_dir), "--findings", str(bad)])
    assert res.exit_code == 1
    assert "第 1 行" in res.output


def test_report_without_findings_explains(case_dir: Path):
    res = runner.invoke(app, ["report", str(case_dir)])
    assert res.exit_code == 1
    assert "findings.jsonl" in res.output


@pytest.fixture
def store_case(case_dir: Path) -> Path:
    from hongxian.review.service import ReviewService, open_store

    _persist_dataset(case_dir)
    svc = ReviewService(open_store(case_dir, Settings()), Settings())
    svc.record_run([rf.finding for rf in make_findings()], "rb-store-42", {}, {})
    reviewer = svc.add_user("审查员乙", "审查员", "correct horse battery")
    svc.add_user("阅读者", "只读", "correct horse battery")
    version = svc.get_finding(reviewer, "f-priv-1").version
    svc.decide(reviewer, "f-priv-1", "排除", f"经核实系本人信息 {PHONE} {HOSTILE}", version)
    svc.store.dispose()
    return case_dir


def test_report_from_store_shows_decisions_and_is_audited(store_case: Path):
    from hongxian.review.service import ReviewService, open_store

    env = {"HONGXIAN_USER": "阅读者", "HONGXIAN_PASSWORD": "correct horse battery"}
    res = runner.invoke(app, ["report", str(store_case), "--format", "html"], env=env)
    assert res.exit_code == 0, res.output
    html = (store_case / "reports" / "report-T-001.html").read_text(encoding="utf-8")
    assert "审查库（含审查结论）" in html and "rb-store-42" in html
    assert "审查员乙" in html and "排除" in html and "经核实系本人信息" in html
    assert PHONE not in html and "<script" not in html
    svc = ReviewService(open_store(store_case, Settings()), Settings())
    admin = svc.add_user("管理者", "调查员", "correct horse battery")
    actions = [(e.actor, e.action) for e in svc.audit_entries(admin).items]
    assert ("阅读者", "report") in actions and ("阅读者", "export") in actions
    assert svc.verify_audit().ok
    svc.store.dispose()


def test_report_from_store_needs_a_user(store_case: Path):
    res = runner.invoke(app, ["report", str(store_case)], env={"HONGXIAN_USER": "", "HONGXIAN_PASSWORD": "x"})
    assert res.exit_code == 3
    assert "--user" in res.output
    res = runner.invoke(
        app, ["report", str(store_case), "--user", "阅读者"], env={"HONGXIAN_PASSWORD": "wrong"}
    )
    assert res.exit_code == 3


def test_generate_report_api_with_a_user_object(store_case: Path, tmp_path: Path):
    from hongxian.report import generate_report
    from hongxian.review.service import ReviewService, open_store

    svc = ReviewService(open_store(store_case, Settings()), Settings())
    user = svc.login("审查员乙", "correct horse battery")
    svc.store.dispose()
    result = generate_report(store_case, "xlsx", person="P002", out=tmp_path / "r.xlsx", user=user)
    assert result.findings == 1 and result.path.is_file()
    wb = openpyxl.load_workbook(result.path)
    rows = list(wb["审查记录"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[4]) for r in rows] == [("排除", "排除", "审查员乙")]
    assert PHONE not in rows[0][6]
