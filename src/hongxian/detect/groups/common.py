"""Shared helpers of the group detectors: text normalisation, keyword sets, who-is-who, group views.

Everything here is built per run from the `Dataset` (no module state): `CaseView.build(dataset)`
collects the people, the account → person map, the groups with their members and the group
messages once, and the three detectors read from it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import ahocorasick_rs

from hongxian.dataset.dataset import Dataset
from hongxian.detect.groups.messages import Message, MessageStore, SpanMap, identity_span
from hongxian.normalize import normalize, normalize_many

SYSTEM_ACCOUNTS = frozenset(
    {
        "filehelper",
        "weixin",
        "fmessage",
        "medianote",
        "floatbottle",
        "newsapp",
        "notifymessage",
        "qqmail",
        "tmessage",
        "qmessage",
        "qqsync",
        "@publicUser",
    }
)
EXCERPT_CHARS = 80


class Normaliser:
    """Text as matchers see it (`hongxian.normalize`: NFKC, t2s, evasion separators removed), with a
    map from a span of the normalised text back to the original text."""

    def __call__(self, text: str | None) -> str:
        return normalize(text).text if text else ""

    def mapped(self, text: str | None) -> tuple[str, SpanMap]:
        if not text:
            return "", identity_span
        n = normalize(text)
        return n.text, n.span

    def mapped_many(self, texts: list[str | None]) -> list[tuple[str, SpanMap]]:
        """`mapped` over a batch (one C-level pass finds the few texts that need work)."""
        batch = normalize_many([t or "" for t in texts])
        out, changed = batch.texts, batch.changed
        return [
            (changed[i].text, changed[i].span) if i in changed else (t, identity_span)
            for i, t in enumerate(out)
        ]


class KeywordSet:
    """Aho-Corasick over a fixed word list (already normalised); finds all overlapping hits."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted({w for w in words if w})
        self._ac = ahocorasick_rs.AhoCorasick(self.words) if self.words else None

    def find(self, text: str) -> list[tuple[str, int, int]]:
        if self._ac is None or not text:
            return []
        return [(self.words[i], s, e) for i, s, e in self._ac.find_matches_as_indexes(text, overlapping=True)]

    def hits(self, text: str) -> list[str]:
        """Distinct matched words in order of first appearance."""
        return list(dict.fromkeys(w for w, _, _ in self.find(text)))

    def __contains__(self, text: str) -> bool:
        return bool(self.find(text))


# ----------------------------------------------------------------- people and accounts

_RANK_LEVELS = (
    ("省部", 5),
    ("部级", 5),
    ("厅", 4),
    ("司局", 4),
    ("局级", 4),
    ("地厅", 4),
    ("县处", 3),
    ("处级", 3),
    ("处", 3),
    ("乡科", 2),
    ("科级", 2),
    ("科", 2),
    ("股", 1),
)


def rank_level(rank: str | None) -> int:
    """0 unknown, 1 股级, 2 科级, 3 处级, 4 厅局级, 5 省部级 (from the 职级 text)."""
    for cue, level in _RANK_LEVELS:
        if rank and cue in rank:
            return level
    return 0


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    org_unit: str | None
    position: str | None
    rank: str | None
    identity_kind: str | None
    is_official: bool
    employment_status: str | None
    departed_on: date | None
    wechat_ids: tuple[str, ...]

    @property
    def is_business(self) -> bool:
        return self.identity_kind in ("企业人员", "个体经营者")

    @property
    def level(self) -> int:
        return rank_level(self.rank)

    def label(self) -> str:
        """张某（某局，局长，局级）"""
        bits = [b for b in (self.org_unit, self.position, self.rank) if b]
        return f"{self.name}（{'，'.join(bits)}）" if bits else self.name


def _person(row: dict) -> Person:
    return Person(
        row["person_id"],
        row["name"] or row["person_id"],
        row.get("org_unit"),
        row.get("position"),
        row.get("rank"),
        row.get("identity_kind"),
        bool(row.get("is_official")),
        row.get("employment_status"),
        row.get("departed_on"),
        tuple(row.get("wechat_ids") or ()),
    )


@dataclass
class Member:
    group_id: str
    account_id: str
    display_name: str | None
    joined_at: datetime | None
    left_at: datetime | None

    @property
    def evidence_id(self) -> str:
        return f"{self.group_id}/{self.account_id}"


@dataclass
class Group:
    group_id: str
    name: str
    owner_account: str | None
    member_count: int
    registered: bool
    declared_kind: str | None
    announcement: str | None
    members: list[Member] = field(default_factory=list)

    @property
    def size(self) -> int:
        return max(self.member_count, len(self.members))

    def current_members(self) -> list[Member]:
        return [m for m in self.members if m.left_at is None]


@dataclass
class CaseView:
    people: dict[str, Person]
    account_person: dict[str, str]
    accounts: dict[str, dict]
    groups: dict[str, Group]
    kin: dict[str, set[str]]
    normalise: Normaliser
    store: MessageStore
    registered: frozenset[str] = frozenset()
    _keywords: dict[tuple[str, ...], KeywordSet] = field(default_factory=dict)

    @classmethod
    def build(cls, dataset: Dataset) -> CaseView:
        norm = Normaliser()
        people = {r["person_id"]: _person(r) for r in dataset["people"].to_pylist()}
        accounts = {r["account_id"]: r for r in dataset["accounts"].to_pylist() if r["account_id"]}
        registered = frozenset(dataset["group_register"]["group_id"].to_pylist())
        return cls(
            people,
            _account_map(people, accounts),
            accounts,
            _groups(dataset),
            _kin(dataset),
            norm,
            MessageStore(dataset, norm),
            registered,
        )

    def person_of(self, account_id: str | None) -> Person | None:
        pid = self.account_person.get(account_id or "")
        return self.people.get(pid) if pid else None

    def accounts_of(self, person_id: str) -> set[str]:
        return {a for a, p in self.account_person.items() if p == person_id}

    def messages(self, group_id: str) -> list[Message]:
        """The group's messages with text, in time order, normalised (loaded on first use, then cached)."""
        return self.store.of(group_id)

    def last_message_time(self) -> datetime | None:
        return self.store.last_time()

    def kw(self, words: Iterable[str]) -> KeywordSet:
        """A keyword set, built once per word list for this run."""
        key = tuple(words)
        if key not in self._keywords:
            self._keywords[key] = KeywordSet(key)
        return self._keywords[key]


def _account_map(people: dict[str, Person], accounts: dict[str, dict]) -> dict[str, str]:
    """account id / 微信号 → person id: people.csv 微信号, the dataset's resolution, a unique 微信昵称."""
    out: dict[str, str] = {}
    for p in people.values():
        for w in p.wechat_ids:
            out.setdefault(w, p.person_id)
    for acc, row in accounts.items():
        if row.get("person_id") in people:
            out.setdefault(acc, row["person_id"])
        elif row.get("alias") and row["alias"] in out:
            out.setdefault(acc, out[row["alias"]])
    return out


def _groups(dataset: Dataset) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for r in dataset["groups"].to_pylist():
        groups[r["group_id"]] = Group(
            r["group_id"],
            r["name"] or "",
            r["owner_account"],
            r["member_count"] or 0,
            bool(r["registered"]),
            r["declared_kind"],
            r["announcement"],
        )
    for r in dataset["group_members"].to_pylist():
        g = groups.get(r["group_id"])
        if g is None:
            g = groups[r["group_id"]] = Group(r["group_id"], "", None, 0, False, None, None)
        g.members.append(
            Member(r["group_id"], r["account_id"], r["display_name"], r["joined_at"], r["left_at"])
        )
    return groups


def _kin(dataset: Dataset) -> dict[str, set[str]]:
    kin: dict[str, set[str]] = defaultdict(set)
    for r in dataset["relations"].to_pylist():
        if r["relation"] == "亲属":
            kin[r["person_id"]].add(r["related_person_id"])
            kin[r["related_person_id"]].add(r["person_id"])
    return dict(kin)


# ----------------------------------------------------------------- composition and formatting


@dataclass
class Composition:
    size: int
    identified: list[Person]
    officials: list[Person]
    business: list[Person]
    units: Counter

    @property
    def top_unit_share(self) -> float:
        """Share of identified members who belong to the most common unit."""
        if not self.identified or not self.units:
            return 0.0
        return self.units.most_common(1)[0][1] / len(self.identified)

    @property
    def official_units(self) -> int:
        return len({p.org_unit for p in self.officials if p.org_unit})

    def leaders(self, min_level: int = 3) -> list[Person]:
        return [p for p in self.officials if p.level >= min_level]


def composition(view: CaseView, group: Group) -> Composition:
    seen: dict[str, Person] = {}
    for m in group.members:
        p = view.person_of(m.account_id)
        if p is not None:
            seen.setdefault(p.person_id, p)
    ident = list(seen.values())
    return Composition(
        group.size,
        ident,
        [p for p in ident if p.is_official],
        [p for p in ident if p.is_business],
        Counter(p.org_unit for p in ident if p.org_unit),
    )


def excerpt(text: str, spans: Iterable[tuple[int, int]] = ()) -> tuple[str, list[tuple[int, int]]]:
    """At most EXCERPT_CHARS characters around the first span; spans shifted into the excerpt."""
    spans = sorted(spans)
    start = max(0, spans[0][0] - 20) if spans and len(text) > EXCERPT_CHARS else 0
    cut = text[start : start + EXCERPT_CHARS]
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= start + EXCERPT_CHARS]
    return cut, inside


def quoted(words: Iterable[str]) -> str:
    return "".join(f"“{w}”" for w in words)


def year_range(days: Iterable[date]) -> str:
    years = sorted({d.year for d in days})
    if not years:
        return ""
    return f"{years[0]} 年" if years[0] == years[-1] else f"{years[0]}–{years[-1]} 年"


def strip_separators(text: str) -> str:
    return re.sub(r"[\s\-—_·•|/\\()（）\[\]【】<>《》:：,，.。]+", "", text)
