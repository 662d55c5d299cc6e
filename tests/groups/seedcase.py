"""A real-format case folder for the group detectors (seed 000's 在京老乡精英会 and friends).

Writes people.csv / groups.csv / accounts.csv (the Chinese headers of docs/case-format.md) and a
WeChat PC 3.x export (``exports/WeChat Files/<wxid>/Msg/MicroMsg.db`` with Contact + ChatRoom/RoomData,
``Msg/Multi/MSG0.db``) written by `hongxian.testing.wechat_db.WeChatDbBuilder`.

Groups:
- ``LAOXIANG`` 在京老乡精英会: 410 members (260 officials from 40 units, 150 businesspeople), owner
  董某 (局级) who calls himself 秘书长 and names 3 assistants; 4 whole-group 联谊 and 2 small dinners
  2015–2017, businessmen hosting, officials introducing projects, "有事找群员", joins over 2½ years.
- ``WORK`` 某县财政局工作群 (registered): wrong owner, a 小王 display name, a member 调离 still in.
- ``FLOOD`` 防汛专班 (registered 专项工作群, 解散日期 2023-10-31) still used in December.
- ``UNREG`` 财政局办公室工作群: not in groups.csv, all finance officials.
- ``FAMILY`` 相亲相爱一家人 and ``COLLEAGUES`` 财政局同事聚餐群: must not fire.
Accounts: 张局长's nickname names his bureau (unregistered), the bureau's 发布 account is
registered, a businessman called 李主任, and an official who says "我是某县住建局局长" in a chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hongxian.testing.wechat_db import WeChatDbBuilder

TZ = ZoneInfo("Asia/Shanghai")
OWNER = "wxid_dong0001"
LAOXIANG, WORK, FLOOD, UNREG = (
    "20150208001@chatroom",
    "20220101001@chatroom",
    "20230601001@chatroom",
    "20230701001@chatroom",
)
FAMILY, COLLEAGUES = "20200101001@chatroom", "20210101001@chatroom"
CASE_TOML = """\
[case]
id = "T-GROUPS-001"
title = "在京老乡精英会等微信群筛查"

[authorisation]
approved_by = "某纪工委第二审查调查室"
approved_on = 2018-06-01
basis = "立案审查"
"""
PEOPLE_HEADER = (
    "人员编号,姓名,单位,职务,职级,政治面貌,身份类别,职责,籍贯,"
    "微信号,微信昵称,支付宝账号,手机号,在职状态,调离日期"
)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红"
UNITS = [
    f"{a}{b}"
    for a in ("国家某部", "北京市某区", "某省驻京办", "中直某委")
    for b in (
        "办公厅",
        "规划司",
        "财务司",
        "人事局",
        "发改委",
        "住建委",
        "交通局",
        "水务局",
        "商务局",
        "国资委",
    )
]


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def _name(i: int) -> str:
    return (
        SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)]
    )


def laoxiang_people() -> list[dict]:
    """董某 + 259 officials (40 units, every 8th 处级, every 50th 厅局级) + 150 businesspeople."""
    rows = [
        dict(
            id="P000",
            name="董某",
            unit="中直机关某部委",
            post="局长",
            rank="局级",
            kind="公职人员",
            wxid=OWNER,
        )
    ]
    for i in range(1, 260):
        rank = "厅局级" if i % 50 == 0 else "处级" if i % 8 == 0 else "科级"
        rows.append(
            dict(
                id=f"P{i:03d}",
                name=_name(i),
                unit=UNITS[i % len(UNITS)],
                post="干部",
                rank=rank,
                kind="公职人员",
                wxid=f"wxid_lx{i:04d}",
            )
        )
    for i in range(260, 410):
        rows.append(
            dict(
                id=f"P{i:03d}",
                name=_name(i),
                unit=f"某某{i}实业有限公司",
                post="董事长",
                rank="",
                kind="企业人员",
                wxid=f"wxid_lx{i:04d}",
            )
        )
    rows[10]["name"], rows[11]["name"], rows[12]["name"] = "刘晓", "陈晨", "杨阳"  # the three assistants
    return rows


FINANCE = [  # id, name, unit, post, rank, status, departed, wxid
    ("F01", "张建国", "某县财政局", "局长", "正科级", "在职", "", "wxid_fin01"),
    ("F02", "王小明", "某县财政局", "科员", "", "在职", "", "wxid_fin02"),
    ("F03", "李红", "某县财政局", "副局长", "副科级", "在职", "", "wxid_fin03"),
    ("F04", "赵强", "某县财政局", "科员", "", "调离", "2022-06-30", "wxid_fin04"),
    ("F05", "孙丽", "某县财政局", "科员", "", "在职", "", "wxid_fin05"),
    ("F06", "周平", "某县财政局", "股长", "", "在职", "", "wxid_fin06"),
    ("B01", "李富贵", "某建材公司", "办公室主任", "", "在职", "", "wxid_biz01"),
    ("K01", "钱家乐", "某县住建局", "局长", "正科级", "在职", "", "wxid_zj01"),
]


def write_people(path: Path) -> None:
    lines = [PEOPLE_HEADER]
    for r in laoxiang_people():
        lines.append(
            f"{r['id']},{r['name']},{r['unit']},{r['post']},{r['rank']},中共党员,{r['kind']},,某省某县,"
            f"{r['wxid']},{r['name']},,,在职,"
        )
    for pid, name, unit, post, rank, status, departed, wxid in FINANCE:
        kind = "企业人员" if pid.startswith("B") else "公职人员"
        lines.append(
            f"{pid},{name},{unit},{post},{rank},中共党员,{kind},,某县,{wxid},{name},,,{status},{departed}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_registers(case: Path) -> None:
    (case / "groups.csv").write_text(
        "群ID,群名称,群类型,群主人员编号,管理员人员编号,登记日期,解散日期,备注名规范\n"
        f"{WORK},某县财政局工作群,工作群,F01,F03,2022-01-01,,单位+姓名\n"
        f"{FLOOD},防汛专班,专项工作群,F01,,2023-06-01,2023-10-31,部门+姓名\n",
        encoding="utf-8",
    )
    (case / "accounts.csv").write_text(
        "账号,平台,人员编号,身份,报告日期\nczj_fabu,微信,F03,某县财政局官方账号,2022-03-01\n",
        encoding="utf-8",
    )


def build_laoxiang(b: WeChatDbBuilder) -> None:
    people = laoxiang_people()
    shown = {r["wxid"]: r["name"] for r in people}
    shown.update({"wxid_lx0010": "小刘", "wxid_lx0011": "小陈", "wxid_lx0012": "小杨"})
    for r in people[1:]:
        b.add_contact(r["wxid"], nickname=r["name"])
    b.add_group(LAOXIANG, "在京老乡精英会", [(r["wxid"], shown[r["wxid"]]) for r in people], owner=OWNER)
    _joins(b, people)
    _laoxiang_talk(b)


def _joins(b: WeChatDbBuilder, people: list[dict]) -> None:
    """20 founders on 2015-02-08, then about 13 a month to 2017-06 (system notices)."""
    rest = people[1:]
    b.add_system(
        LAOXIANG, f'"董某"邀请"{"、".join(r["name"] for r in rest[:20])}"加入了群聊', ts=at(2015, 2, 8, 21)
    )
    for k, start in enumerate(range(20, len(rest), 13)):
        chunk = rest[start : start + 13]
        day = at(2015, 3, 1, 20) + timedelta(days=30 * k)
        b.add_system(LAOXIANG, f'"董某"邀请"{"、".join(r["name"] for r in chunk)}"加入了群聊', ts=day)


LAOXIANG_TALK = [  # (sender, when, text); None = the owner 董某
    (None, at(2015, 2, 8, 21, 5), "各位老乡，今晚聚餐大家提议建个群，以后常联系。"),
    (
        None,
        at(2015, 2, 15, 9),
        "感谢大家推举，我来当这个秘书长，指定小刘、小陈、小杨担任秘书长助理，全群联谊每年组织1-2次。",
    ),
    (None, at(2015, 2, 15, 9, 5), "咱们在京老乡要抱团，有事找群员！"),
    ("wxid_lx0010", at(2015, 3, 20, 10), "通知：3月28日晚6点在京华大酒店举行全群联谊，请各位老乡接龙报名。"),
    ("wxid_lx0300", at(2015, 3, 21, 11), "这次联谊我做东，酒水我来安排。"),
    ("wxid_lx0008", at(2015, 6, 2, 15), "城南改造工程项目下月招标，我给咱们老乡企业介绍一下。"),
    ("wxid_lx0301", at(2015, 6, 20, 16), "感谢周处长帮忙引荐，项目的事有眉目了。"),
    ("wxid_lx0011", at(2015, 12, 10, 9), "年底全群联谊定在12月19日晚上，地点在国际饭店三楼宴会厅。"),
    ("wxid_lx0016", at(2016, 3, 3, 14), "老家那个物流园审批卡住了，哪位老乡能帮忙打招呼？"),
    ("wxid_lx0024", at(2016, 3, 3, 15), "手续的事我来打招呼，你把材料发我。"),
    ("wxid_lx0302", at(2016, 4, 15, 17), "周五晚上小范围聚餐，地点在湘府会所，我来买单。"),
    ("wxid_lx0012", at(2016, 10, 8, 9), "10月15日全群联谊，地点还是京华大酒店，请大家准时参加。"),
    ("wxid_lx0303", at(2016, 11, 2, 18), "多谢王局长关照，贷款批下来了。"),
    ("wxid_lx0040", at(2017, 5, 5, 11), "有个水务工程项目，老乡企业可以准备一下投标。"),
    ("wxid_lx0304", at(2017, 5, 20, 19), "明晚7点老乡小聚，我做东，地点在鸿宾楼包间。"),
    ("wxid_lx0010", at(2017, 9, 15, 9), "9月23日全群联谊，地点在国际饭店，欢迎新老乡。"),
]
CHATTER = ["早上好", "收到", "谢谢秘书长", "老乡们周末愉快", "大家注意天气降温", "赞", "欢迎新朋友", "哈哈哈"]


def _laoxiang_talk(b: WeChatDbBuilder) -> None:
    for sender, when, text in LAOXIANG_TALK:
        b.add_text(LAOXIANG, text, sender=sender, ts=when)
    for k in range(60):  # ordinary chatter, one message every ~2 weeks
        b.add_text(
            LAOXIANG,
            CHATTER[k % len(CHATTER)],
            sender=f"wxid_lx{(k * 37) % 409 + 1:04d}",
            ts=at(2015, 2, 20, 8) + timedelta(days=15 * k),
        )


def build_workgroups(b: WeChatDbBuilder) -> None:
    for _, name, _, _, _, _, _, wxid in FINANCE:
        b.add_contact(wxid, nickname=name)
    b.add_contact("wxid_fin01", nickname="某县财政局张局长")
    b.add_contact("wxid_fin03", nickname="李红", alias="czj_fabu")
    b.add_contact("wxid_biz01", nickname="李主任")
    work = [
        ("wxid_fin01", "财政局-张建国"),
        ("wxid_fin02", "小王"),
        ("wxid_fin03", "某县财政局李红"),
        ("wxid_fin04", "财政局赵强"),
        ("wxid_fin05", "财政局-孙丽"),
    ]
    b.add_group(WORK, "某县财政局工作群", work, owner="wxid_fin05", include_owner=False)
    b.add_text(WORK, "请各股室周五前报送预算执行情况。", sender="wxid_fin01", ts=at(2023, 3, 1, 9))
    b.add_text(WORK, "收到。", sender="wxid_fin04", ts=at(2023, 3, 1, 9, 5))
    flood = [("wxid_fin01", "办公室张建国"), ("wxid_fin06", "预算股周平")]
    b.add_group(FLOOD, "防汛专班", flood, owner="wxid_fin01", include_owner=False)
    b.add_text(FLOOD, "今晚暴雨，请各责任人到岗。", sender="wxid_fin01", ts=at(2023, 7, 1, 18))
    b.add_text(FLOOD, "年底聚餐的事大家商量一下。", sender="wxid_fin06", ts=at(2023, 12, 5, 18))
    b.add_text(FLOOD, "好的。", sender="wxid_fin01", ts=at(2023, 12, 5, 18, 10))
    unreg = [
        ("wxid_fin01", "张建国"),
        ("wxid_fin02", "王小明"),
        ("wxid_fin05", "孙丽"),
        ("wxid_fin06", "周平"),
    ]
    b.add_group(UNREG, "财政局办公室工作群", unreg, owner="wxid_fin06", include_owner=False)
    b.add_text(UNREG, "明天上午的会改到三楼会议室。", sender="wxid_fin06", ts=at(2023, 7, 3, 17))


def build_private_groups(b: WeChatDbBuilder) -> None:
    b.add_group(
        FAMILY,
        "相亲相爱一家人",
        [
            ("wxid_fin01", "老大"),
            ("wxid_biz01", "妹夫"),
            ("wxid_lx0300", "表哥"),
            ("wxid_fam01", "大嫂"),
            ("wxid_fam02", "二姐"),
            ("wxid_fam03", "小侄子"),
        ],
        owner="wxid_fin01",
        include_owner=False,
    )
    b.add_text(FAMILY, "除夕晚上6点在老家饭店聚餐，我做东。", sender="wxid_lx0300", ts=at(2023, 1, 20, 12))
    b.add_text(FAMILY, "谢谢大哥帮忙，孩子上学的手续办好了。", sender="wxid_biz01", ts=at(2023, 2, 20, 12))
    b.add_group(
        COLLEAGUES,
        "财政局同事聚餐群",
        [
            (w, None)
            for w in ("wxid_fin01", "wxid_fin02", "wxid_fin03", "wxid_fin05", "wxid_fin06", "wxid_fin04")
        ],
        owner="wxid_fin02",
        include_owner=False,
    )
    b.add_text(COLLEAGUES, "周五晚上在单位旁边的饭店聚餐，AA制。", sender="wxid_fin02", ts=at(2023, 6, 1, 12))


def build_private_chats(b: WeChatDbBuilder) -> None:
    b.add_contact("wxid_zj01", nickname="钱家乐")
    b.add_text(
        "wxid_zj01", "我是某县住建局局长，项目审批的事你直接找我。", sender="wxid_zj01", ts=at(2023, 8, 1, 10)
    )
    b.add_text("wxid_biz01", "李主任，下午的货到了吗？", ts=at(2023, 8, 2, 10))


def write_case(case: Path) -> Path:
    """The whole case folder; returns it."""
    (case / "exports").mkdir(parents=True, exist_ok=True)
    (case / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    write_people(case / "people.csv")
    write_registers(case)
    b = WeChatDbBuilder(owner=OWNER, owner_nickname="董某", start=int(at(2015, 1, 1).timestamp()))
    build_laoxiang(b)
    build_workgroups(b)
    build_private_groups(b)
    build_private_chats(b)
    msg_dir = case / "exports" / "WeChat Files" / OWNER / "Msg"
    b.write_micro(msg_dir / "MicroMsg.db")
    b.write_msg(msg_dir / "Multi" / "MSG0.db")
    return case
