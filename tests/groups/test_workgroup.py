"""governance.workgroup on small canonical tables: name rules, departures, owner, dissolution."""

from __future__ import annotations

import pytest

from hongxian.dataset.dataset import Dataset
from hongxian.detect.groups.common import CaseView, Member
from hongxian.detect.groups.names import NameRule, check_display_name
from hongxian.detect.groups.workgroup import WorkgroupParams
from tests.groups.conftest import screen
from tests.groups.rows import ROOM, group, members, msg, person, ts

ZHANG = person("F1", "张建国", "某县财政局", position="局长")
WANG = person("F2", "王小明", "某县财政局")
ZHAO = person(
    "F4", "赵强", "某县财政局", employment_status="调离", departed_on=ts("2022-06-30T00:00:00").date()
)
SUFFIXES = WorkgroupParams().dept_suffixes


def _view(people) -> CaseView:
    return CaseView.build(Dataset.from_rows(people=people, group_members=members(people)))


@pytest.mark.parametrize(
    ("rule", "shown", "problem"),
    [
        ("单位+姓名", "财政局-张建国", None),
        ("单位+姓名", "某县财政局 张建国", None),
        ("单位+姓名", "县财政局张建国（局长）", None),
        ("单位+姓名", "小张", "未包含本人姓名“张建国”"),
        ("单位+姓名", "张建国", "缺少单位"),
        ("单位+姓名", "张建国-财政局", "顺序应为“单位+姓名”"),
        ("单位+姓名", "住建局张建国", "“住建局”不是本人单位（名册登记单位为“某县财政局”）"),
        ("单位+姓名", "", "未设置群备注名"),
        ("部门+姓名", "办公室张建国", None),
        ("股室+姓名", "预算股-张建国", None),
        ("部门+姓名", "阿国张建国", "“阿国”不是本人部门（名册登记单位为“某县财政局”）"),
    ],
)
def test_display_name_rules(rule, shown, problem):
    view = _view([ZHANG])
    member = Member(ROOM, "wxid_f1", shown, None, None)
    assert check_display_name(view, member, NameRule.parse(rule, SUFFIXES)) == problem


def test_unknown_member_is_not_judged_unless_name_missing():
    view = _view([ZHANG])
    rule = NameRule.parse("单位+姓名", SUFFIXES)
    assert check_display_name(view, Member(ROOM, "wxid_stranger", "随便", None, None), rule) is None
    assert check_display_name(view, Member(ROOM, "wxid_stranger", None, None, None), rule) == "未设置群备注名"


def _register(**kw) -> dict:
    return {
        "group_id": ROOM,
        "name": "某县财政局工作群",
        "group_type": "工作群",
        "owner_person_id": "F1",
        "name_rule": "单位+姓名",
        **kw,
    }


def _rows(people, shown, messages=(), owner="wxid_f1", **reg) -> dict:
    gm = [
        {"group_id": ROOM, "account_id": p["wechat_ids"][0], "display_name": s}
        for p, s in zip(people, shown, strict=True)
    ]
    return {
        "people": people,
        "group_register": [_register(**reg)],
        "groups": [group("某县财政局工作群", owner, len(people))],
        "group_members": gm,
        "messages": list(messages),
    }


def run(rulebook, registry, rows):
    return screen(Dataset.from_rows(**rows), rulebook, registry, "governance.workgroup")


def test_compliant_group_is_silent(rulebook, registry):
    assert run(rulebook, registry, _rows([ZHANG, WANG], ["财政局张建国", "财政局王小明"])) == []


def test_departed_member_respects_grace_and_data_end(rulebook, registry):
    people, shown = [ZHANG, ZHAO], ["财政局张建国", "财政局赵强"]
    early = [msg(1, "wxid_f1", "2022-07-10T09:00:00", "收到")]  # data end within 30 days of departure
    assert run(rulebook, registry, _rows(people, shown, early)) == []
    late = [msg(1, "wxid_f1", "2022-09-10T09:00:00", "收到")]
    (f,) = run(rulebook, registry, _rows(people, shown, late))
    assert "1 名已调离或退休人员未按规定及时退群：赵强（2022-06-30 调离，仍在群中）" in f.explanation
    assert {r.provision_id for r in f.rule_refs} == {"leave-on-transfer", "point-4", "report-to-organisation"}


def test_every_workgroup_finding_carries_the_national_penalty_ladder_marked_unverified(rulebook, registry):
    """The local work-group rules carry no penalties; the finding also cites what they rest on nationally
    (网络行为意见第四条) and the disciplinary provision with its ladder, the number kept 条号待核."""
    late = [msg(1, "wxid_f1", "2022-09-10T09:00:00", "收到")]
    (f,) = run(rulebook, registry, _rows([ZHANG, ZHAO], ["财政局张建国", "财政局赵强"], late))
    (ref,) = [r for r in f.rule_refs if r.provision_id == "report-to-organisation"]
    assert ref.code == "中国共产党纪律处分条例(2018)"  # conduct of 2022: the version in force then
    assert ref.penalties == "给予警告或者严重警告处分；情节严重的，给予撤销党内职务处分"
    assert not ref.verified and ref.article == "（条号待核）"  # marked once, never twice
    assert any(ref_.penalties for ref_ in f.rule_refs if ref_.provision_id == "report-to-organisation")
    assert [r.provision_id for r in f.rule_refs if r.code.startswith("关于规范党员干部网络行为")] == [
        "point-4"
    ]


def test_owner_mismatch_needs_a_known_account(rulebook, registry):
    people, shown = [ZHANG, WANG], ["财政局张建国", "财政局王小明"]
    (f,) = run(rulebook, registry, _rows(people, shown, owner="wxid_f2"))
    assert "实际群主为王小明（某县财政局），与登记的群主张建国（某县财政局，局长）不一致" in f.explanation
    assert (
        run(rulebook, registry, _rows([WANG], ["财政局王小明"], owner="wxid_unknown", owner_person_id="F9"))
        == []
    )


def test_temporary_group_after_dissolution(rulebook, registry):
    msgs = [
        msg(1, "wxid_f1", "2023-10-30T09:00:00", "最后一次通知"),
        msg(2, "wxid_f2", "2023-11-02T09:00:00", "还在吗"),
        msg(3, "wxid_f1", "2023-11-20T09:00:00", "在"),
    ]
    rows = _rows(
        [ZHANG, WANG],
        ["财政局张建国", "财政局王小明"],
        msgs,
        group_type="临时工作群",
        dissolved_on=ts("2023-10-31T00:00:00").date(),
    )
    (f,) = run(rulebook, registry, rows)
    assert (
        "临时工作群登记的解散日期为 2023-10-31，此后仍有 2 人发送消息 2 条（2023-11-02 至 2023-11-20）"
        in f.explanation
    )
    assert [e.id for e in f.evidence] == ["m2", "m3"]


def test_one_finding_per_group_with_evidence_per_problem(rulebook, registry):
    late = [msg(1, "wxid_f4", "2023-01-10T09:00:00", "收到")]
    (f,) = run(
        rulebook,
        registry,
        _rows([ZHANG, WANG, ZHAO], ["财政局张建国", "小王", "财政局赵强"], late, owner="wxid_f2"),
    )
    assert "存在 3 项工作群管理问题" in f.explanation
    assert [e.table for e in f.evidence].count("group_members") == 2
    assert f.subject.kind == "group" and f.subject.id == ROOM
