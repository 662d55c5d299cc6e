"""The shipped codes: families/provision ids other developers cite, version in force, scope boundary."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from hongxian.rulebook.loader import default_root, load_rulebook
from hongxian.rulebook.models import Check, Ref

# The families and provision ids that checks cite (docs/extending.md, "A new text check").
CONTRACT = {
    "ccp-discipline": [
        "association",
        "election-canvassing",
        "gifts-accept",
        "gifts-give",
        "profit-activity",
        "kin-benefit",
        "leak-unpublished",
        "illegal-conduct",
    ],
    "zhejiang-wechat-ten": [f"item-{i}" for i in range(1, 11)],
    "tianjin-wechat-ten": [f"item-{i}" for i in range(1, 11)] + ["item-9-privacy"],
    "online-conduct-2017": [f"point-{i}" for i in range(1, 7)] + ["point-3-secrets"],
    "xianyang-workgroup-2015": ["real-name", "leave-on-transfer", "no-secrets"],
    "haikou-workgroup-2016": ["real-name", "owner", "no-secrets", "no-unrelated-content"],
    "yinchuan-workgroup-2019": ["real-name", "owner", "leave-on-transfer"],
    "xinxiang-workgroup-2024": ["real-name", "dissolve-when-done", "no-secrets"],
    "xiamen-red-packets": ["no-e-gifts"],
    "liaoyang-red-packets": ["no-work-red-packets"],
    "fengxin-red-packets": ["no-gambling", "no-bribes"],
    "hangzhou-red-packets-2015": ["served-parties", "no-festival-between-levels", "accumulation"],
    "hunan-online-ten-2023": [
        "no-leak",
        "no-cliques",
        "no-power-money-trade",
        "no-illegal-profit",
        "no-unreported-accounts",
    ],
    "state-secrets-law-2024": ["art-14", "art-20", "art-22", "art-29"],
    "secret-marking-1990": ["art-4"],
    "gbt-9704-2012": ["s7-2"],
    "pipl-2021": ["art-4", "art-28"],
}
SCREENED_FALSE = {
    "zhejiang-wechat-ten": ["item-1", "item-3", "item-4", "item-7", "item-10"],
    "tianjin-wechat-ten": ["item-1", "item-2", "item-3", "item-4", "item-8", "item-9"],
    "online-conduct-2017": ["point-1", "point-2", "point-3"],
}
OPINION_WORDS = re.compile("妄议|谣言|负能量|牢骚")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The real codes without checks, so these tests do not depend on other developers' checks."""
    root = tmp_path_factory.mktemp("codes-only")
    shutil.copytree(default_root() / "codes", root / "codes")
    return load_rulebook({}, root)


def _check(*refs: tuple[str, str]) -> Check:
    cases = [
        {"name": f"c{i}", "expect": e, "text": "x"}
        for i, e in enumerate(["fire", "fire", "no-fire", "no-fire"])
    ]
    return Check(
        id="t.check",
        category="integrity.gift_money",
        severity="medium",
        title="测试",
        refs=[Ref(code=c, provision=p) for c, p in refs],
        detector="none",
        cases=cases,
    )


@pytest.mark.parametrize("family", sorted(CONTRACT))
def test_contract_provisions_exist(book, family):
    for pid in CONTRACT[family]:
        assert book.has_provision(family, pid), f"{family}:{pid}"


@pytest.mark.parametrize("family", sorted(SCREENED_FALSE))
def test_opinion_provisions_not_screened(book, family):
    for pid in SCREENED_FALSE[family]:
        assert not book.provision_screened(Ref(code=family, provision=pid)), f"{family}:{pid}"


def test_opinion_words_only_in_unscreened_provisions(book):
    for code in book.codes:
        for p in code.provisions:
            if OPINION_WORDS.search(p.text + p.title) and p.screened:
                pytest.fail(f"{code.code_id}:{p.id} mentions opinion/rumour words but is screened")
            if not p.screened:
                assert p.not_screened_reason


def test_every_provision_has_article_and_unverified_marked(book):
    for code in book.codes:
        for p in code.provisions:
            assert p.article and p.title and p.text
            if "待核" in p.article:
                assert not p.verified, f"{code.code_id}:{p.id}"


@pytest.mark.parametrize(
    ("on", "version", "articles"),
    [
        (date(2016, 1, 1), "2015", ["第六十八条", "第八十三条"]),  # boundary days of every version
        (date(2016, 6, 1), "2015", ["第六十八条", "第八十三条"]),
        (date(2018, 9, 30), "2015", ["第六十八条", "第八十三条"]),
        (date(2018, 10, 1), "2018", ["第七十四条", "第八十八条"]),
        (date(2019, 3, 1), "2018", ["第七十四条", "第八十八条"]),
        (date(2023, 12, 31), "2018", ["第七十四条", "第八十八条"]),
        (date(2024, 1, 1), "2023", ["第八十二条", "第九十七条"]),  # in force from 2024-01-01
        (date(2024, 1, 15), "2023", ["第八十二条", "第九十七条"]),
        (date(2024, 3, 1), "2023", ["第八十二条", "第九十七条"]),
        (None, "2023", ["第八十二条", "第九十七条"]),
    ],
)
def test_conduct_date_selects_version(book, on, version, articles):
    refs = book.resolve_refs(
        _check(("ccp-discipline", "association"), ("ccp-discipline", "gifts-accept")), on
    )
    assert [r.code for r in refs] == [f"中国共产党纪律处分条例({version})"] * 2
    assert [r.article for r in refs] == articles
    assert refs[0].penalties == "情节严重的，给予警告、严重警告或者撤销党内职务处分"
    assert refs[1].penalties.startswith("情节较轻的，给予警告或者严重警告处分；情节较重的")
    all_numbers = {
        "2015": ["第六十八条", "第八十三条"],
        "2018": ["第七十四条", "第八十八条"],
        "2023": ["第八十二条", "第九十七条"],
    }
    for i, ref in enumerate(refs):
        expected = [f"中国共产党纪律处分条例({v}) {a[i]}" for v, a in all_numbers.items() if v != version]
        assert ref.other_versions == expected


def test_leak_unpublished_numbers(book):
    check = _check(("ccp-discipline", "leak-unpublished"))
    assert book.resolve_refs(check, date(2020, 2, 1))[0].article == "第一百二十八条"
    assert book.resolve_refs(check, date(2024, 6, 1))[0].article == "第一百四十四条"
    old = book.resolve_refs(check, date(2017, 1, 1))[0]
    assert old.article == "第一百二十一条（条号待核）" and old.verified is False


def test_unknown_number_shown_as_pending(book):
    ref = book.resolve_refs(_check(("ccp-discipline", "kin-benefit")), date(2019, 1, 1))[0]
    assert (ref.code, ref.article, ref.verified) == ("中国共产党纪律处分条例(2018)", "（条号待核）", False)
    assert ref.other_versions == [
        "中国共产党纪律处分条例(2015) 第八十八条第二款",
        "中国共产党纪律处分条例(2023) 第一百零四条",
    ]
    # 2015: relatives' business is handled under art. 88, second paragraph
    old = book.resolve_refs(_check(("ccp-discipline", "kin-benefit")), date(2016, 5, 1))[0]
    assert (old.code, old.article, old.verified) == ("中国共产党纪律处分条例(2015)", "第八十八条第二款", True)


@pytest.mark.parametrize(
    ("on", "code", "article"),
    [
        (date(2017, 5, 1), "中国共产党纪律处分条例(2015)", "第二十九条"),
        (date(2018, 10, 1), "中国共产党纪律处分条例(2018)", "第二十八条"),
        (date(2023, 12, 31), "中国共产党纪律处分条例(2018)", "第二十八条"),
        (date(2024, 1, 1), "中国共产党纪律处分条例(2023)", "第三十条"),
    ],
)
def test_gambling_general_clause_by_version(book, on, code, article):
    ref = book.resolve_refs(_check(("ccp-discipline", "illegal-conduct")), on)[0]
    assert (ref.code, ref.article, ref.verified) == (code, article, True)
    if code.endswith("(2015)"):
        assert "刑法" not in book.provision("ccp-discipline", "illegal-conduct", on).provision.text


def test_vote_buying_2023_is_article_83(book):
    ref = book.resolve_refs(_check(("ccp-discipline", "election-canvassing")), date(2024, 1, 1))[0]
    assert ref.article == "第八十三条"


def test_state_secrets_law_versions(book):
    check = _check(("state-secrets-law-2024", "art-29"))
    assert book.resolve_refs(check, date(2019, 1, 1))[0].article == "第二十六条"
    ref = book.resolve_refs(check, date(2024, 6, 1))[0]
    assert (ref.code, ref.article) == ("中华人民共和国保守国家秘密法(2024)", "第二十九条")


def test_local_code_citation(book):
    ref = book.resolve_refs(_check(("tianjin-wechat-ten", "item-9-privacy")), date(2020, 1, 1))[0]
    assert (ref.code, ref.article, ref.verified) == ("部机关党员干部使用微信“十严禁”行为规范", "第九条", True)


def test_precedents_linked(book):
    code, prec = book.precedents["zaijing-laoxiang-jingying"]
    assert "第六十八条" in prec.outcome and prec.provisions == ["ccp-discipline:association"]
    cited = book.provision("ccp-discipline", "association", date(2016, 1, 1))
    assert "zaijing-laoxiang-jingying" in cited.provision.precedents
    for pid in (
        "jiezhai-grain-station-red-packets",
        "guyun-village-election-red-packets",
        "yinchuan-bus-draft-notice",
        "deputy-mayor-chamber-red-packets",
    ):
        assert pid in book.precedents
