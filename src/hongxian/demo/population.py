"""The synthetic organisation of the demo case: people and the case registers.

Everything is generated from a seeded `random.Random`, so the demo case is identical on every
machine. Names, ids and numbers are made up; the situations mirror published disciplinary cases
(粮站红包, 古云村换届红包, 在京老乡精英会, 公交公司讨论稿).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏海燕斌浩亮飞文波"
    "宁凯俊峰晨雪琳丹健鑫欣阳"
)


@dataclass
class Person:
    person_id: str
    name: str
    org_unit: str = ""
    position: str = ""
    rank: str = ""
    political: str = "群众"
    kind: str = "群众"
    duties: str = ""
    hometown: str = ""
    wxid: str = ""
    nickname: str = ""
    alipay: str = ""
    phone: str = ""
    status: str = "在职"
    departed_on: str = ""
    tags: set[str] = field(default_factory=set)

    def row(self) -> list[str]:
        return [
            self.person_id,
            self.name,
            self.org_unit,
            self.position,
            self.rank,
            self.political,
            self.kind,
            self.duties,
            self.hometown,
            self.wxid,
            self.nickname,
            self.alipay,
            self.phone,
            self.status,
            self.departed_on,
        ]


PEOPLE_HEADER = [
    "人员编号",
    "姓名",
    "单位",
    "职务",
    "职级",
    "政治面貌",
    "身份类别",
    "职责",
    "籍贯",
    "微信号",
    "微信昵称",
    "支付宝账号",
    "手机号",
    "在职状态",
    "调离日期",
]


class Population:
    """People by id plus named groups of ids the scenario refers to."""

    def __init__(self, seed: int = 2016):
        self.rng = random.Random(seed)
        self.people: dict[str, Person] = {}
        self.groups: dict[str, list[str]] = {}
        self._used_names: set[str] = set()
        self._next = 1

    def _name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
            )
            if name not in self._used_names:
                self._used_names.add(name)
                return name

    def add(self, role: str, name: str | None = None, **kw) -> Person:
        pid = f"P{self._next:03d}"
        self._next += 1
        name = name or self._name()
        self._used_names.add(name)
        phone = "1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9))
        p = Person(
            pid,
            name,
            wxid=kw.pop("wxid", f"wxid_{pid.lower()}{self.rng.randrange(1000, 9999)}"),
            nickname=kw.pop("nickname", name),
            phone=kw.pop("phone", phone),
            **kw,
        )
        p.tags.add(role)
        self.people[pid] = p
        self.groups.setdefault(role, []).append(pid)
        return p

    def many(self, role: str, n: int, **kw) -> list[Person]:
        return [self.add(role, **kw) for _ in range(n)]

    def by_role(self, role: str) -> list[Person]:
        return [self.people[i] for i in self.groups.get(role, [])]


def official(unit: str, position: str, rank: str = "科员", **kw) -> dict:
    return {
        "org_unit": unit,
        "position": position,
        "rank": rank,
        "political": "中共党员",
        "kind": "公职人员",
        **kw,
    }


def business(company: str, **kw) -> dict:
    return {"org_unit": company, "position": "总经理", "kind": "企业人员", **kw}


def build_population(seed: int = 2016) -> Population:
    pop = Population(seed)
    # 1. Grain station (seed 001): deputy head, his kin, six grain sellers, colleagues.
    pop.add(
        "grain_official",
        "张宾",
        **official(
            "界首县靳寨粮站",
            "副站长",
            "股级",
            duties="夏粮收购验质、入库",
            hometown="安徽界首",
            nickname="张站长",
        ),
    )
    pop.many("grain_seller", 6, kind="个体经营者", org_unit="粮食经纪", position="粮食经纪人")
    pop.many("grain_kin", 2, hometown="安徽界首")
    pop.many("grain_colleague", 8, **official("界首县靳寨粮站", "检验员"))
    # 2. Village election (seed 003 / txmon §0): branch secretary, 41 branch members, his family.
    pop.add(
        "village_secretary", "李建国", **official("仙塘镇古云村", "党支部书记", "村干部", hometown="广东东源")
    )
    pop.many("village_member", 41, political="中共党员", org_unit="仙塘镇古云村", kind="群众")
    pop.many("village_family", 5, org_unit="仙塘镇古云村")
    # 3. 在京老乡精英会 (seed 000): bureau-level founder, assistants, officials and businessmen.
    pop.add(
        "association_founder", "董立新", **official("中直机关某部委", "司长", "局级", hometown="河南信阳")
    )
    pop.many("association_assistant", 3, **official("中直机关某部委", "主任科员", hometown="河南信阳"))
    units = (
        "国家某局",
        "北京市某区发改委",
        "某部规划司",
        "北京市某区住建委",
        "某部财务司",
        "北京市某区国资委",
    )
    for i in range(60):
        pop.add(
            "association_official",
            **official(
                units[i % len(units)],
                pop.rng.choice(("处长", "副处长", "调研员")),
                pop.rng.choice(("处级", "副处级")),
                hometown="河南信阳",
            ),
        )
    for _ in range(55):
        pop.add(
            "association_business",
            **business(
                f"信阳{pop.rng.choice(('建工', '置业', '商贸', '科技', '建材'))}有限公司", hometown="河南信阳"
            ),
        )
    # 4. County transport bureau + bus company (seed 001 case 3): work groups, register problems.
    pop.add(
        "bus_manager",
        "范宏伟",
        **official("银川市公共交通有限公司", "运营管理部部长", "中层", kind="公职人员"),
    )
    pop.many("bus_staff", 25, org_unit="银川市公共交通有限公司", position="调度员", kind="企业人员")
    pop.add("bureau_head", "马志刚", **official("县交通运输局", "局长", "正科"))
    pop.many("bureau_staff", 22, **official("县交通运输局", "科员"))
    pop.add("bureau_departed", **official("县交通运输局", "科员", status="调离", departed_on="2023-05-31"))
    pop.many("bureau_subordinate_giver", 3, **official("县交通运输局", "股长"))
    pop.many("transport_business", 4, **business("县客运有限公司"))
    # 5. Township office: privacy leak, selling goods, gambling group, unreported account.
    pop.add("privacy_leaker", "周丽", **official("某镇社会事务办", "办事员"))
    pop.add("seller_official", "吴小燕", **official("某镇财政所", "会计"))
    pop.add("gambling_official", "郭鹏", **official("某镇农业服务中心", "技术员"))
    pop.many("gambler", 9, kind="群众")
    pop.add("account_official", "韩磊", **official("县市场监管局", "副局长", "副科"))
    pop.many("residents", 30, kind="群众")
    pop.many("family_members", 6, kind="群众")
    return pop
