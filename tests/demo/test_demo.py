"""`hongxian demo` end to end: every category is planted and found, outputs are valid."""

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.dataset.store import read_table
from hongxian.schema import CATEGORIES, findings_json_schema


def test_demo_runs_the_whole_flow(tmp_path: Path):
    out = tmp_path / "demo-case"
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    findings = [
        json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    schema = findings_json_schema()
    for f in findings:
        jsonschema.validate(f, schema)
    assert {f["category"] for f in findings} == set(CATEGORIES)
    assert (out / "reports").is_dir() and any((out / "reports").glob("*.html"))
    assert "demo-2024" in result.output and "hongxian serve" in result.output
    sources = read_table(out, "sources").to_pylist()
    formats = {s["format"] for s in sources}
    assert any("CSV" in f and "微信支付" in f for f in formats)
    assert any("2025" in f for f in formats) and any("2026" in f for f in formats)
    assert any("支付宝" in f for f in formats)
    assert sum(s["rows_rejected"] for s in sources) == 0
    people = read_table(out, "people")
    assert 250 <= people.num_rows <= 400
    # the grain-station case: 14 × ¥200 + 2 × ¥2,000 from six served parties
    served = [
        f
        for f in findings
        if f["check_id"] == "gift-money.served-party-fan-in" and "张宾" in f["explanation"]
    ]
    assert served and "6,800.00" in served[0]["explanation"]
    _assert_no_failed_logins(out)


def _assert_no_failed_logins(out: Path) -> None:
    """The demo creates its accounts without trial logins: the audit log starts clean."""
    from hongxian.review import ReviewService, open_store
    from hongxian.settings import Settings

    settings = Settings()
    service = ReviewService(open_store(out, settings), settings)
    try:
        admin = service.login("admin", "demo-2024")
        assert "login_failed" not in [e.action for e in service.audit_entries(admin).items]
    finally:
        service.store.dispose()


def test_demo_refuses_to_overwrite_a_foreign_folder(tmp_path: Path):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "keep.txt").exists()
