"""`hongxian rules`: JSON shape, search, validate with file:line errors, the case runner, docs staleness."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.cli.rules_cmd import run_all_cases
from hongxian.detect import default_registry
from hongxian.rulebook.docs import render_markdown
from hongxian.rulebook.loader import default_root, load_rulebook
from tests.rulebook.testdetectors import make_registry

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
ARTICLE = re.compile(
    r"^(第[一二三四五六七八九十百零]+条(第[一二三四五六七八九十]+款)?|[0-9.]+)?(（条号待核）)?$"
)


@pytest.fixture(scope="module")
def listing():
    result = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_shape(listing):
    assert set(listing) == {"codes", "checks"}
    for check in listing["checks"]:
        assert {"id", "category", "severity", "title", "screened", "rule_refs"} <= set(check)
        assert check["rule_refs"], check["id"]
        for ref in check["rule_refs"]:
            assert {"code", "article", "title", "penalties"} <= set(ref)
            assert ARTICLE.match(ref["article"]) and ref["article"], ref


def test_json_codes_carry_articles_as_published(listing):
    codes = {c["code_id"]: c for c in listing["codes"]}
    ccp2015 = {p["id"]: p for p in codes["ccp-discipline@2015"]["provisions"]}
    assert ccp2015["association"]["article"] == "第六十八条"
    assert ccp2015["association"]["penalties"] == "情节严重的，给予警告、严重警告或者撤销党内职务处分"
    assert ccp2015["leak-unpublished"]["article"] == "第一百二十一条（条号待核）"
    assert ccp2015["leak-unpublished"]["article_published"] == "第一百二十一条"
    tianjin = {p["id"]: p for p in codes["tianjin-wechat-ten"]["provisions"]}
    assert tianjin["item-9"]["screened"] is False and tianjin["item-9"]["not_screened_reason"]
    for code in listing["codes"]:
        for p in code["provisions"]:
            assert ARTICLE.match(p["article"]), (code["code_id"], p["id"], p["article"])


def test_search_filters_codes_and_provisions():
    result = CliRunner().invoke(app, ["rules", "--format", "json", "--search", "老乡会"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ids = {(c["code_id"], p["id"]) for c in data["codes"] for p in c["provisions"]}
    assert ("ccp-discipline@2015", "association") in ids
    assert ("ccp-discipline@2015", "gifts-accept") not in ids


def test_table_output_in_chinese():
    result = CliRunner().invoke(app, ["rules", "--search", "收受"])
    assert result.exit_code == 0, result.output
    assert "规范与条款" in result.stdout and "第八十三条" in result.stdout


def test_validate_reports_file_and_line(tmp_path: Path):
    root = tmp_path / "rb"
    shutil.copytree(default_root() / "codes", root / "codes")
    (root / "checks").mkdir()
    ok = CliRunner().invoke(app, ["rules", "validate", str(root)])
    assert ok.exit_code == 0 and "规则库有效" in ok.stdout
    shutil.copy(DATA / "broken" / "check_unknown_code.yaml", root / "checks" / "bad.yaml")
    bad = CliRunner().invoke(app, ["rules", "validate", str(root)])
    assert bad.exit_code == 1
    assert "checks/bad.yaml:6: 未知规范引用 no-such-code" in bad.output


def test_case_runner_reports_failures(tmp_path: Path):
    registry = make_registry()
    results = run_all_cases(load_rulebook(registry.params_models(), DATA / "good"), registry)
    assert len(results) == 8 and all(r["ok"] for r in results)
    root = tmp_path / "rb"
    shutil.copytree(DATA / "good", root)
    path = root / "checks" / "demo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'name: quiet-on-normal, expect: no-fire, text: "今天开会"',
            'name: quiet-on-normal, expect: no-fire, text: "机密★"',
        ),
        encoding="utf-8",
    )
    results = run_all_cases(load_rulebook(registry.params_models(), root), registry)
    failed = [(r["check"], r["case"]) for r in results if not r["ok"]]
    assert failed == [("secrecy.secret-word", "quiet-on-normal")]


def test_docs_are_current():
    """docs/rules.md must match the rulebook: regenerate with `hongxian rules docs --out docs/rules.md`."""
    expected = render_markdown(load_rulebook(default_registry().params_models()))
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md 已过期：请运行 hongxian rules docs --out docs/rules.md"


def test_docs_content(tmp_path: Path):
    root = tmp_path / "rb"
    shutil.copytree(default_root() / "codes", root / "codes")

    text = render_markdown(load_rulebook({}, root))
    assert (
        "| 组织、参加自发成立的老乡会、校友会、战友会（`association`） "
        "| 第六十八条 | 第七十四条 | 第八十二条 |" in text
    )
    assert "## 三、不筛查的条款" in text and "hongxian 不判断观点与真伪，由人依规依纪处理" in text
    assert "在京老乡精英会" in text and "第一百零三条（条号待核）" in text and "第三十条" in text
