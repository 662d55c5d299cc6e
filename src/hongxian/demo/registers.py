"""Demo case.toml and registers (people, relations, events, groups, accounts) as users write them."""

from __future__ import annotations

import csv
from pathlib import Path

from hongxian.demo.population import PEOPLE_HEADER, Population

CASE_TOML = """\
[case]
id = "2024-演示-001"
title = "某县党员干部微信使用问题（合成演示案件）"

[authorisation]
approved_by = "某县纪委监委第三审查调查室"
approved_on = 2024-07-01
basis = "立案审查"
case_number = "演示〔2024〕1号"

[[sources]]
path = "exports/张宾微信账单"
owner = "{grain}"

[[sources]]
path = "exports/马志刚手机备份"
owner = "{head}"
"""


def _write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def write_registers(pop: Population, root: Path, rooms: dict[str, str]) -> None:
    """rooms: scenario name → group id, for events and the work-group register."""
    p = pop.by_role
    grain, head, sec = p("grain_official")[0], p("bureau_head")[0], p("village_secretary")[0]
    (root / "case.toml").write_text(
        CASE_TOML.format(grain=grain.person_id, head=head.person_id), encoding="utf-8"
    )
    for biz in p("transport_business"):
        biz.alipay = f"{biz.phone[:3]}****{biz.phone[-4:]}"
    _write_csv(root / "people.csv", PEOPLE_HEADER, [x.row() for x in pop.people.values()])
    rel = [
        [grain.person_id, s.person_id, "管理服务对象", "2016-01-01", "", "夏粮收购售粮人"]
        for s in p("grain_seller")
    ]
    rel += [[grain.person_id, k.person_id, "亲属", "", "", ""] for k in p("grain_kin")]
    rel += [[sec.person_id, f.person_id, "亲属", "", "", ""] for f in p("village_family")]
    rel += [
        [head.person_id, s.person_id, "下级", "2023-01-01", "", ""]
        for s in p("bureau_staff") + p("bureau_subordinate_giver")
    ]
    rel += [
        [head.person_id, b.person_id, "管理服务对象", "2023-01-01", "", "客运经营许可"]
        for b in p("transport_business")
    ]
    _write_csv(
        root / "relations.csv", ["人员编号", "关联人员编号", "关系", "开始日期", "结束日期", "说明"], rel
    )
    events = [
        [
            "E01",
            "2016年夏粮收购",
            "业务办理期",
            "2016-05-25",
            "2016-07-31",
            "界首县靳寨粮站",
            grain.person_id,
            "",
        ],
        [
            "E02",
            "古云村党总支部换届选举",
            "换届选举",
            "2017-02-15",
            "2017-02-20",
            "仙塘镇古云村",
            sec.person_id,
            rooms["village"],
        ],
    ]
    _write_csv(
        root / "events.csv",
        ["事件编号", "名称", "类型", "开始日期", "结束日期", "单位", "相关人员", "群ID"],
        events,
    )
    bus = p("bus_manager")[0]
    groups = [
        [
            rooms["bureau_work"],
            "县交通运输局工作群",
            "工作群",
            head.person_id,
            "",
            "2023-01-05",
            "",
            "单位+姓名",
        ],
        [
            rooms["bureau_special"],
            "春运保障专项工作群",
            "专项工作群",
            head.person_id,
            "",
            "2023-12-01",
            "2024-03-01",
            "单位+姓名",
        ],
        [rooms["bus"], "公交公司运营工作群", "工作群", bus.person_id, "", "2019-06-01", "", "部门+姓名"],
    ]
    _write_csv(
        root / "groups.csv",
        ["群ID", "群名称", "群类型", "群主人员编号", "管理员人员编号", "登记日期", "解散日期", "备注名规范"],
        groups,
    )
    _write_csv(
        root / "accounts.csv",
        ["账号", "平台", "人员编号", "身份", "报告日期"],
        [["xjtj_gov", "微信", head.person_id, "县交通运输局官方账号", "2023-01-10"]],
    )
