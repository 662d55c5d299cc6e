"""The demo case's attachments are found, each with evidence pointing into the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.dataset.store import read_table
from hongxian.testing.attachments import cjk_font


@pytest.mark.skipif(cjk_font() is None, reason="needs fonts-noto-cjk")
def test_demo_attachments_are_screened(tmp_path: Path):
    out = tmp_path / "demo-case"
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    att = read_table(out, "attachments").to_pylist()
    assert {Path(r["path"]).name for r in att} == {
        "工作要点.docx",
        "会议纪要.ofd",
        "通知.pdf",
        "8c1f2e.dat",
        "a3d907.dat",
    }
    assert all(r["message_id"] for r in att) and all(r["status"] == "ok" for r in att)
    findings = [json.loads(x) for x in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    notes = [(f["check_id"], e.get("note", "")) for f in findings for e in f["evidence"]]

    def found(check: str, place: str) -> bool:
        return any(c == check and place in n for c, n in notes)

    assert found("secrecy.unpublished-draft", "附件《工作要点.docx》")
    assert found("secrecy.classified-mark", "附件《会议纪要.ofd》第1页·页眉/模板（密级和保密期限）")
    assert found("secrecy.classified-mark", "附件《通知.pdf》第1页·版头（密级和保密期限）")
    assert found("secrecy.classified-mark", "图片《8c1f2e.dat》")
    assert found("privacy.identifiers", "图片《a3d907.dat》")
    assert "110101198506123416" not in (out / "findings.jsonl").read_text(encoding="utf-8")
