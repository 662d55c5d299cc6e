"""The repository stands on its own: nothing in it points at, or reads from, a folder beside it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import get_args

import jsonschema
from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.schema import (
    CATEGORIES,
    SEVERITIES,
    Evidence,
    Finding,
    findings_json_schema,
    findings_schema_text,
)

ROOT = Path(__file__).resolve().parents[2]
# Built from parts so that this file does not match its own patterns.
OUTSIDE = re.compile(
    "|".join(
        (
            r"\.\./" + "shared",
            r"(?<![\w.-])" + "shared/" + r"(?:testdata|research|seeds|findings|CASE|DESIGN)",
            r"(?<![\w/.-])" + "research/" + r"\w+\.md",
            "CASE_" + "FORMAT",
            "/work/" + r"(?:shared|main|wt)",
        )
    )
)


def tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [ROOT / p for p in out.decode("utf-8").split("\0") if p]


def test_no_file_points_outside_the_repository():
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.suffix in {".xlsx", ".npz", ".db", ".png"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for no, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()[:120]}")
    assert not offenders, "\n".join(offenders)


def test_the_pattern_catches_what_it_should():
    for bad in (
        "../" + "shared/" + "testdata",
        "see " + "shared/" + "CASE_" + "FORMAT.md",
        "research/" + "formats.md §4",
    ):
        assert OUTSIDE.search(bad), bad
    for fine in ("xl/sharedStrings.xml", "docs/formats.md §4", "/usr/share/fonts"):
        assert not OUTSIDE.search(fine), fine


def test_vendored_samples_are_inside_with_their_licences(external_dir: Path):
    assert ROOT in external_dir.resolve().parents
    for project, licence in (
        ("double-entry-generator", "Apache License"),
        ("beancount-daoru", "MIT License"),
    ):
        folder = external_dir / project
        assert licence in (folder / "LICENSE").read_text(encoding="utf-8")
        assert any(p.suffix in {".csv", ".xlsx"} for p in folder.iterdir())
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    assert "double-entry-generator" in notice and "beancount-daoru" in notice


def test_docs_the_code_points_to_exist():
    for doc in ("docs/case-format.md", "docs/formats.md", "docs/extending.md"):
        assert (ROOT / doc).is_file(), doc
    cited = set()
    for path in (ROOT / "src").rglob("*.py"):
        cited |= set(re.findall(r"docs/[\w./-]+\.md", path.read_text(encoding="utf-8")))
    assert cited and all((ROOT / c).is_file() for c in cited), cited


def test_schema_command_prints_the_shipped_schema():
    result = CliRunner().invoke(app, ["schema", "findings"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == findings_json_schema()
    assert result.output == findings_schema_text()


def test_schema_matches_the_finding_model():
    schema = findings_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert set(props) == set(Finding.model_fields)
    required = {name for name, f in Finding.model_fields.items() if f.is_required()}
    assert set(schema["required"]) == required
    assert tuple(props["category"]["enum"]) == CATEGORIES
    assert tuple(props["severity"]["enum"]) == SEVERITIES
    tables = _evidence_tables(schema)
    assert tables == list(get_args(Evidence.model_fields["table"].annotation)), tables


def _evidence_tables(schema: dict) -> list[str]:
    """The enum of an evidence row's table, wherever the schema defines the evidence item."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            table = (
                node.get("properties", {}).get("table") if isinstance(node.get("properties"), dict) else None
            )
            if isinstance(table, dict) and "enum" in table:
                found.append(table["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert len(found) == 1, found
    return found[0]


def test_schema_refuses_what_the_model_refuses():
    schema = findings_json_schema()
    good = {
        "finding_id": "f1",
        "check_id": "gift.red-packets",
        "category": "integrity.gift_money",
        "severity": "high",
        "score": 0.9,
        "title": "收受管理服务对象红包",
        "subject": {"kind": "person", "id": "P001"},
        "evidence": [{"table": "payments", "id": "p1", "amount_fen": 20000}],
        "rule_refs": [{"code": "中国共产党纪律处分条例（2023）", "article": "第九十七条"}],
        "explanation": "共 3 笔，合计 600.00 元。",
    }
    Finding.model_validate(good)
    jsonschema.validate(good, schema)
    for bad in ({**good, "score": 1.5}, {**good, "extra": 1}, {**good, "evidence": []}):
        try:
            jsonschema.validate(bad, schema)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"schema accepted {bad}")
