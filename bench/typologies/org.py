"""A synthetic organisation (AMLSim-style stage 1): people, registries, groups and calendars.

Officials sit in units (a head and subordinates). Some officials serve people (grain sellers,
licensees: relations 管理服务对象) in a yearly business season (events 业务办理期). Everyone has kin
(亲属), some of whom run businesses. There are business owners without any registered relation,
village electorates (groups) with elections, gambling groups and family / work groups.
Accounts are ``w<person id>`` for registered people and ``u<n>`` for the ordinary population.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

YEARS = (2021, 2022, 2023)
SEASONS = {"summer": ((7, 1), (8, 10), "夏粮收购"), "autumn": ((10, 15), (11, 30), "秋粮收购")}


@dataclass
class Org:
    rng: random.Random
    people: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    group_members: list[dict] = field(default_factory=list)
    officials: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    subordinates: dict[str, list[str]] = field(default_factory=dict)
    served: dict[str, list[str]] = field(default_factory=dict)
    season_of: dict[str, str] = field(default_factory=dict)
    kin: dict[str, list[str]] = field(default_factory=dict)
    business: list[str] = field(default_factory=list)
    population: int = 0
    _n: int = 0

    def person(self, name: str, kind: str) -> str:
        self._n += 1
        pid = f"P{self._n:06d}"
        self.people.append(
            {
                "person_id": pid,
                "name": f"{name}{self._n}",
                "identity_kind": kind,
                "is_official": kind == "公职人员",
                "wechat_ids": [acct(pid)],
                "org_unit": None,
            }
        )
        return pid

    def relate(self, a: str, b: str, rel: str) -> None:
        self.relations.append({"person_id": a, "related_person_id": b, "relation": rel})

    def ordinary(self) -> str:
        return f"u{self.rng.randrange(self.population)}"

    def season_days(self, official: str, year: int) -> list[date]:
        (m1, d1), (m2, d2), _ = SEASONS[self.season_of[official]]
        start, end = date(year, m1, d1), date(year, m2, d2)
        return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def acct(pid: str) -> str:
    return "w" + pid


def build_org(rng: random.Random, units: int, population: int) -> Org:
    org = Org(rng, population=population)
    for u in range(units):
        unit = f"单位{u:04d}"
        head = org.person("主任", "公职人员")
        org.heads.append(head)
        org.officials.append(head)
        subs = [org.person("科员", "公职人员") for _ in range(rng.randint(3, 6))]
        org.officials += subs
        org.subordinates[head] = subs
        for s in subs:
            org.relate(head, s, "下级")
        for p in [head, *subs]:
            org.people[int(p[1:]) - 1]["org_unit"] = unit
    for o in org.officials:
        org.kin[o] = [
            org.person("亲属", rng.choice(["群众", "群众", "企业人员"])) for _ in range(rng.randint(2, 3))
        ]
        for k in org.kin[o]:
            org.relate(o, k, "亲属")
        if rng.random() < 0.4:
            _serve(org, o)
    org.business = [org.person("老板", rng.choice(["企业人员", "个体经营者"])) for _ in range(units * 6)]
    return org


def _serve(org: Org, official: str) -> None:
    rng = org.rng
    season = rng.choice(list(SEASONS))
    org.season_of[official] = season
    org.served[official] = [org.person("售粮户", "个体经营者") for _ in range(rng.randint(4, 12))]
    for s in org.served[official]:
        org.relate(official, s, "管理服务对象")
    (m1, d1), (m2, d2), name = SEASONS[season]
    for y in YEARS:
        org.events.append(
            {
                "event_id": f"S-{official}-{y}",
                "name": name,
                "event_type": "业务办理期",
                "start_date": date(y, m1, d1),
                "end_date": date(y, m2, d2),
                "person_ids": [official],
                "group_ids": [],
            }
        )


def election(org: Org, candidate: str, when: date, voters: int) -> tuple[str, str, list[str]]:
    """An election event with an electorate group of ``voters`` ordinary members; returns its ids."""
    eid = f"E-{candidate}-{when.isoformat()}"
    gid = f"el{len(org.events)}@chatroom"
    members = [org.ordinary() for _ in range(voters)]
    org.events.append(
        {
            "event_id": eid,
            "name": "村党支部换届",
            "event_type": "换届选举",
            "start_date": when,
            "end_date": when,
            "person_ids": [candidate],
            "group_ids": [gid],
        }
    )
    org.group_members += [
        {"group_id": gid, "account_id": m} for m in dict.fromkeys([acct(candidate), *members])
    ]
    return eid, gid, list(dict.fromkeys(members))
