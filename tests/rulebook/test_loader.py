"""Loader: validation with file:line errors (semgrep-style broken rulebooks), version, lookup, cases."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date
from pathlib import Path

import pytest

from hongxian.detect.cases import case_dataset, run_case
from hongxian.rulebook.loader import RulebookError, load_rulebook
from tests.rulebook.testdetectors import make_registry

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BROKEN = sorted((DATA / "broken").glob("*.yaml"))


@pytest.fixture(scope="module")
def book():
    return load_rulebook(make_registry().params_models(), GOOD)


def _expected(path: Path) -> str:
    m = re.match(r"# expect: (.+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert m, f"{path.name}: first line must be '# expect: <error text>'"
    return m.group(1).strip()


@pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_rulebook_names_file_and_line(broken: Path, tmp_path: Path):
    root = tmp_path / "rb"
    shutil.copytree(GOOD, root)
    sub = "codes" if broken.name.startswith("code_") else "checks"
    shutil.copy(broken, root / sub / broken.name)
    with pytest.raises(RulebookError) as err:
        load_rulebook(make_registry().params_models(), root)
    expected = _expected(broken)
    assert any(expected in line for line in err.value.errors), "\n".join(err.value.errors)


def test_all_errors_reported_at_once(tmp_path: Path):
    root = tmp_path / "rb"
    shutil.copytree(GOOD, root)
    for name in ("check_unknown_ref.yaml", "check_unknown_detector.yaml"):
        shutil.copy(DATA / "broken" / name, root / "checks" / name)
    with pytest.raises(RulebookError) as err:
        load_rulebook(make_registry().params_models(), root)
    assert len(err.value.errors) == 2
    assert str(err.value).startswith("规则库加载失败（2 处错误）")


def test_good_rulebook_loads(book):
    assert [c.id for c in book.checks] == ["secrecy.secret-word", "gift-money.red-packets"]
    assert [c.version for c in book.families["demo-discipline"]] == ["2015", "2018", "2023"]
    assert book.check("gift-money.red-packets").detector == "test_amount"
    bound = {b.check.id: b for b in book.bound_checks()}
    assert bound["gift-money.red-packets"].params.min_total_fen == 20000
    assert re.fullmatch(r"[0-9a-f]{12}", book.version)
    with pytest.raises(KeyError):
        book.check("nope")


def test_version_changes_with_content(tmp_path: Path, book):
    root = tmp_path / "rb"
    shutil.copytree(GOOD, root)
    assert load_rulebook(make_registry().params_models(), root).version == book.version
    path = root / "checks" / "demo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("severity: high", "severity: critical"), encoding="utf-8"
    )
    assert load_rulebook(make_registry().params_models(), root).version != book.version


def test_disabled_check_not_bound_by_default(tmp_path: Path):
    root = tmp_path / "rb"
    shutil.copytree(GOOD, root)
    path = root / "checks" / "demo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  severity: high\n", "  severity: high\n  enabled: false\n"
        ),
        encoding="utf-8",
    )
    rb = load_rulebook(make_registry().params_models(), root)
    assert [b.check.id for b in rb.bound_checks()] == ["gift-money.red-packets"]
    assert len(rb.bound_checks(enabled_only=False)) == 2


@pytest.mark.parametrize(
    ("on", "article", "version"),
    [
        (date(2016, 6, 1), "第八十三条", "2015"),
        (date(2019, 1, 1), "第八十八条", "2018"),
        (date(2024, 1, 31), "第八十八条", "2018"),
        (date(2024, 3, 1), "第九十七条（条号待核）", "2023"),
        (date(2010, 1, 1), "第八十三条", "2015"),
        (None, "第九十七条（条号待核）", "2023"),
    ],
)
def test_version_in_force(book, on, article, version):
    ref = book.resolve_refs(book.check("gift-money.red-packets"), on)[0]
    assert ref.article == article
    assert ref.code == f"示例纪律条例({version})"
    assert ref.code_id == f"demo-discipline@{version}"
    assert ref.verified is (version != "2023")
    others = {"2015": "第八十三条", "2018": "第八十八条", "2023": "第九十七条（条号待核）"}
    assert ref.other_versions == [f"示例纪律条例({v}) {a}" for v, a in others.items() if v != version]
    assert ref.penalties.startswith("情节较轻的，给予警告或者严重警告处分；情节较重的，给予撤销")


def test_missing_provision_falls_to_nearest_version(book):
    # leak-unpublished does not exist in the 2015 demo version: the nearest version that has it (2018) is
    # cited.
    ref = book.resolve_refs(book.check("secrecy.secret-word"), date(2016, 6, 1))[0]
    assert (ref.code, ref.article) == ("示例纪律条例(2018)", "第一百二十八条")
    assert ref.other_versions == ["示例纪律条例(2023) 第一百四十四条"]
    # association is missing in 2018: conduct in 2019 → 2015 (nearest, earlier preferred on ties)
    cited = book.provision("demo-discipline", "association", date(2019, 1, 1))
    assert cited.code.version == "2015"


def test_single_version_code_ref(book):
    ref = book.resolve_refs(book.check("gift-money.red-packets"), date(2016, 1, 1))[1]
    assert (ref.code, ref.article, ref.title) == ("示例十条", "第六条", "不违规收受微信红包")
    assert ref.penalties is None and ref.other_versions == []


def test_case_dataset_parses_times_and_fills_columns(book):
    case = book.check("gift-money.red-packets").cases[0]
    pay = case_dataset(case)["payments"]
    ts = pay.column("ts").to_pylist()
    assert [t.isoformat() for t in ts] == ["2017-03-01T09:00:00+08:00", "2017-03-02T09:00:00+08:00"]
    assert pay.column("memo").null_count == 2
    text_case = book.check("secrecy.secret-word").cases[0]
    msg = case_dataset(text_case)["messages"].to_pylist()[0]
    assert (msg["sender_account"], msg["chat_id"], msg["text"]) == (
        "wxid_case_sender",
        "case-chat@chatroom",
        "请阅 机密★10年 文件",
    )
    assert msg["ts"].isoformat() == "2024-06-01T10:00:00+08:00"


def test_run_case_returns_only_that_checks_findings(book):
    reg = make_registry()
    check = book.check("gift-money.red-packets")
    findings = run_case(check, check.cases[0], reg, book)
    assert [f.check_id for f in findings] == ["gift-money.red-packets"]
    # conduct in 2017 → 2018 numbers are not yet in force: the 2015 article is cited
    assert findings[0].rule_refs[0].article == "第八十三条"
    assert run_case(check, check.cases[2], reg, book) == []


def test_conduct_datetime_is_read_in_china_time(book):
    from datetime import datetime

    check = book.check("gift-money.red-packets")
    # 2018-09-30 17:00 UTC is 2018-10-01 01:00 in Beijing: the 2018 version is in force.
    assert book.resolve_refs(check, datetime(2018, 9, 30, 17, tzinfo=UTC))[0].article == "第八十八条"
    assert book.resolve_refs(check, datetime(2018, 9, 30, 15, tzinfo=UTC))[0].article == "第八十三条"
    first = book.resolve_refs(check, date(2019, 1, 1))[0]
    first.other_versions.append("mutated")
    assert "mutated" not in book.resolve_refs(check, date(2019, 1, 1))[0].other_versions
