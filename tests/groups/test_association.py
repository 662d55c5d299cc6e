"""network.association on small canonical tables: bands, exclusions, version in force."""

from __future__ import annotations

from hongxian.dataset.dataset import Dataset
from hongxian.detect.groups.association import AssociationParams, assess, excluded
from hongxian.detect.groups.common import CaseView, composition
from tests.groups.conftest import screen
from tests.groups.rows import ROOM, group, members, msg, person

OFFICIALS = [
    person("O1", "董某", "某部委", rank="局级"),
    person("O2", "李某", "某区住建委", rank="处级"),
    person("O3", "周某", "某市发改委", rank="处级"),
]
BUSINESS = [person("B1", "王某", "某建筑公司", "企业人员"), person("B2", "赵某", "某地产公司", "企业人员")]
EVERYONE = OFFICIALS + BUSINESS


def laoxiang_rows(year: int = 2016, name: str = "在京老乡精英会", people=EVERYONE) -> dict:
    return {
        "people": people,
        "groups": [group(name, "wxid_o1", 12)],
        "group_members": members(people, extra=7),
        "messages": [
            msg(1, "wxid_o1", f"{year}-01-20T20:00:00", "我是本群秘书长，有事找群员！"),
            msg(2, "wxid_o1", f"{year}-02-01T09:00:00", "本周六晚6点在京华酒店聚餐联谊。"),
            msg(3, "wxid_b1", f"{year}-02-01T09:30:00", "这次我做东。"),
            msg(4, "wxid_o2", f"{year}-03-05T10:00:00", "城东那个工程项目的手续找我。"),
            msg(5, "wxid_o1", f"{year}-09-10T09:00:00", "下周五晚上老乡聚会，地点在会所。"),
        ],
    }


def run(rulebook, registry, **tables):
    return screen(Dataset.from_rows(**tables), rulebook, registry, "network.association")


def test_fires_and_cites_the_version_in_force(rulebook, registry):
    for year, article in ((2016, "第六十八条"), (2019, "第七十四条"), (2024, "第八十二条")):
        (f,) = run(rulebook, registry, **laoxiang_rows(year))
        ref = next(r for r in f.rule_refs if r.provision_id == "association")
        assert ref.article == article, year


def test_traditional_characters_are_normalised(rulebook, registry):
    (f,) = run(rulebook, registry, **laoxiang_rows(name="在京老鄉精英會"))
    assert "群名含“老乡”“精英会”" in f.explanation


def test_registered_family_and_colleague_groups_do_not_fire(rulebook, registry):
    rows = laoxiang_rows()
    rows["groups"] = [group("在京老乡精英会", "wxid_o1", 12, registered=True, declared_kind="工作群")]
    assert run(rulebook, registry, **rows) == []
    rows = laoxiang_rows()
    rows["group_register"] = [{"group_id": ROOM, "name": "在京老乡精英会", "group_type": "工作群"}]
    assert run(rulebook, registry, **rows) == []
    rows = laoxiang_rows(name="相亲相爱一家人")
    assert run(rulebook, registry, **rows) == []
    kin = laoxiang_rows(name="周末聚聚")
    kin["relations"] = [
        {"person_id": "O1", "related_person_id": p, "relation": "亲属"} for p in ("O2", "O3", "B1")
    ]
    assert run(rulebook, registry, **kin) == []
    same_unit = [person(f"C{i}", f"同事{i}", "某县财政局") for i in range(5)]
    rows = laoxiang_rows(name="财政局老同学", people=same_unit)
    rows["groups"] = [group("财政局老同学", "wxid_c0", 12)]
    assert run(rulebook, registry, **rows) == []


def test_no_official_no_finding(rulebook, registry):
    assert run(rulebook, registry, **laoxiang_rows(people=BUSINESS)) == []


def test_without_people_register_the_check_reports_missing_data(registry):
    rows = laoxiang_rows()
    del rows["people"]
    assert registry.get("network.association").missing_data(Dataset.from_rows(**rows)) == ["people"]


def test_hobby_group_with_one_dinner_does_not_fire(rulebook, registry):
    people = [person("O1", "董某", "某部委", rank="科级"), BUSINESS[0]]
    rows = {
        "people": people,
        "groups": [group("篮球兄弟", "wxid_o1", 15)],
        "group_members": members(people, extra=13),
        "messages": [
            msg(1, "wxid_o1", "2023-05-01T18:00:00", "周六打完球一起聚餐，地点在球馆旁边的饭店。"),
            msg(2, "wxid_b1", "2023-05-02T18:00:00", "帮忙带个护膝。"),
        ],
    }
    assert run(rulebook, registry, **rows) == []


def test_offline_and_exchange_without_a_name_cue_still_fire(rulebook, registry):
    rows = laoxiang_rows(name="周末茶叙")
    (f,) = run(rulebook, registry, **rows)
    assert "群名含" not in f.explanation and "线下" in f.explanation


def test_bands_grow_with_evidence():
    p = AssociationParams()
    full = Dataset.from_rows(**laoxiang_rows())
    bare_rows = laoxiang_rows()
    bare_rows["messages"] = []
    bare = Dataset.from_rows(**bare_rows)
    scores = []
    for ds in (bare, full):
        view = CaseView.build(ds)
        g = view.groups[ROOM]
        comp = composition(view, g)
        assert excluded(view, g, comp, p) is None
        scores.append(assess(view, g, comp, p).score(p.weights))
    assert scores[0] < scores[1]
    view = CaseView.build(full)
    a = assess(view, view.groups[ROOM], composition(view, view.groups[ROOM]), p)
    assert {s.key: s.band for s in a.subs} == {
        "name": 3,
        "composition": 3,
        "organisers": 3,
        "offline": 2,
        "exchange": 3,
        "size": 0,
    }
