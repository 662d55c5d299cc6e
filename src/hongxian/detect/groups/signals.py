"""Message-level signals inside a group: organiser roles, offline gatherings, resource exchange.

Each function reads the group's normalised messages and returns plain records the association
detector turns into bands, evidence and Chinese reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from hongxian.detect.groups.common import CaseView, Group, KeywordSet, Message

WHEN_RE = re.compile(
    r"(\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号]|周[一二三四五六日末]|星期[一二三四五六日天]|今晚|明晚|今天|"
    r"明天|后天|本周|下周|这周|月底|\d{1,2}[:：]\d{2}|\d{1,2}点|中午|晚上|春节|中秋)"
)
PLACE_RE = re.compile(
    r"(酒店|饭店|酒楼|酒家|会所|餐厅|茶楼|茶馆|宾馆|包间|包厢|农家乐|山庄|俱乐部|会馆|地址|地点|\w{1,6}厅)"
)


@dataclass
class Hit:
    message: Message
    words: list[str]
    spans: list[tuple[int, int]]


@dataclass
class Role:
    account_id: str
    roles: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    def add(self, role: str, hit: Hit | None = None) -> None:
        if role not in self.roles:
            self.roles.append(role)
        if hit is not None and all(h.message.message_id != hit.message.message_id for h in self.hits):
            self.hits.append(hit)


def _hit(msg: Message, kw: KeywordSet) -> Hit | None:
    found = kw.find(msg.norm)
    if not found:
        return None
    return Hit(msg, list(dict.fromkeys(w for w, _, _ in found)), [(s, e) for _, s, e in found])


class NameFinder:
    """Finds members mentioned by group display name or people.csv name inside a message."""

    def __init__(self, view: CaseView, group: Group):
        names: dict[str, str] = {}
        for m in group.members:
            p = view.person_of(m.account_id)
            for n in (m.display_name, p.name if p else None):
                n = view.normalise(n) if n else ""
                if len(n) >= 2:
                    names.setdefault(n, m.account_id)
        self._names = names
        self._kw = KeywordSet(names)

    def accounts_in(self, text: str) -> list[str]:
        return list(dict.fromkeys(self._names[w] for w in self._kw.hits(text)))


def organiser_roles(
    view: CaseView, group: Group, titles: list[str], assistant_cues: list[str]
) -> dict[str, Role]:
    """Owner, self-described 秘书长/会长/召集人 and their assistants (messages and display names)."""
    roles: dict[str, Role] = {}

    def role(acc: str) -> Role:
        return roles.setdefault(acc, Role(acc))

    if group.owner_account:
        role(group.owner_account).add("群主")
    title_kw, assist_kw = view.kw(titles), view.kw(assistant_cues)
    for m in group.members:
        shown = view.normalise(m.display_name)
        for w in assist_kw.hits(shown) or title_kw.hits(shown):
            role(m.account_id).add(f"群名片“{w}”" if w in titles else "助理")
    claim = re.compile(r"(我|本人)[^，。！？,.!?\n]{0,8}(" + "|".join(map(re.escape, titles)) + ")")
    appoint = re.compile(
        r"(推举|推选|选举|担任|任命|指定|由)[^。！？!?\n]{0,20}("
        + "|".join(map(re.escape, titles + assistant_cues))
        + ")"
    )
    names: NameFinder | None = None
    for msg in view.messages(group.group_id):
        title_hits, assist_hits = title_kw.find(msg.norm), assist_kw.find(msg.norm)
        if not (title_hits or assist_hits):
            continue
        _claims(msg, claim, role)
        if appoint.search(msg.norm):
            names = names or NameFinder(view, group)
            _appointments(msg, names, title_hits, assist_hits, role)
    return roles


def _claims(msg: Message, claim: re.Pattern, role) -> None:
    m = claim.search(msg.norm)
    if m is None or not msg.sender:
        return
    if msg.norm[m.end() : m.end() + 2] == "助理":
        role(msg.sender).add("助理", Hit(msg, [m.group(2) + "助理"], [(m.start(2), m.end() + 2)]))
    else:
        role(msg.sender).add(f"自称“{m.group(2)}”", Hit(msg, [m.group(2)], [m.span(2)]))


def _appointments(msg: Message, names: NameFinder, title_hits: list, assist: list, role) -> None:
    mentioned = [a for a in names.accounts_in(msg.norm) if a != msg.sender]
    if not mentioned:
        return
    spans = [(s, e) for _, s, e in (assist or title_hits)]
    label = "助理" if assist else f"被推举为“{title_hits[0][0]}”"
    for acc in mentioned:
        role(acc).add(label, Hit(msg, [label], spans))
    if assist and msg.sender:
        role(msg.sender).add("指定助理", Hit(msg, ["指定助理"], spans))


@dataclass
class Episode:
    """One offline gathering: the messages organising it (within `gap_days` of each other)."""

    hits: list[Hit]

    @property
    def day(self) -> date:
        ts = self.hits[0].message.ts
        assert ts is not None  # offline_episodes keeps dated messages only
        return ts.date()


def offline_episodes(view: CaseView, group: Group, cues: list[str], gap_days: int) -> list[Episode]:
    kw = view.kw(cues)
    episodes: list[Episode] = []
    for msg in view.messages(group.group_id):
        hit = _hit(msg, kw)
        if hit is None or msg.ts is None or not (WHEN_RE.search(msg.norm) or PLACE_RE.search(msg.norm)):
            continue
        last = episodes[-1].hits[-1].message.ts if episodes else None
        if last is not None and msg.ts - last <= timedelta(days=gap_days):
            episodes[-1].hits.append(hit)
        else:
            episodes.append(Episode([hit]))
    return episodes


def hosts(view: CaseView, group: Group, cues: list[str]) -> list[Hit]:
    """Messages by businesspeople about paying for / hosting a dinner (做东, 买单, 我请)."""
    kw = view.kw(cues)
    out = []
    for msg in view.messages(group.group_id):
        p = view.person_of(msg.sender)
        hit = _hit(msg, kw) if p is not None and p.is_business else None
        if hit:
            out.append(hit)
    return out


def exchange_hits(
    view: CaseView,
    group: Group,
    cues: list[str],
    thanks_re: str,
    thanks_chars: tuple[str, ...] = ("谢", "亏"),
) -> list[Hit]:
    """Messages naming resources (项目, 工程, 手续 …) or thanking for a favour (感谢…帮忙)."""
    kw, thanks = view.kw(cues), re.compile(thanks_re)
    out = []
    for msg in view.messages(group.group_id):
        hit = _hit(msg, kw)
        t = thanks.search(msg.norm) if any(c in msg.norm for c in thanks_chars) else None
        if t is not None and hit is None:
            hit = Hit(msg, ["感谢关照"], [t.span()])
        elif t is not None and hit is not None:
            hit.words.append("感谢关照")
            hit.spans.append(t.span())
        if hit:
            out.append(hit)
    return out
