"""What the text detectors know about a case besides the messages: who is who, groups, elections.

Built once per screen from the dataset's small tables (people, accounts, groups, group_register,
events); for the self-check and rule cases it is simply empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hongxian.schema import Subject

if TYPE_CHECKING:
    from hongxian.dataset.dataset import Dataset

ELECTION_TYPES = ("换届选举", "民主推荐")
WORK_GROUP_KINDS = ("工作群", "专项工作群", "临时工作群")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str | None
    is_official: bool | None
    org_unit: str | None
    position: str | None
    phone: str | None


@dataclass(frozen=True)
class Election:
    event_id: str
    name: str
    event_type: str
    start: date | None
    end: date | None
    org_unit: str | None
    person_ids: frozenset[str]
    group_ids: frozenset[str]


class MsgMeta:
    """One message's metadata. The timestamp may be given as microseconds since the epoch and is
    turned into an Asia/Shanghai datetime only when asked for (most metas never need it)."""

    __slots__ = ("message_id", "sender", "chat_id", "is_group", "_ts", "_us")

    def __init__(
        self,
        message_id: str,
        sender: str | None,
        chat_id: str | None,
        ts: datetime | None,
        is_group: bool | None,
        us: int | None = None,
    ):
        self.message_id, self.sender, self.chat_id, self.is_group = message_id, sender, chat_id, is_group
        self._ts, self._us = ts, us

    @property
    def ts(self) -> datetime | None:
        if self._ts is None and self._us is not None:
            self._ts = datetime.fromtimestamp(self._us / 1_000_000, SHANGHAI)
        return self._ts


@dataclass
class TextEnv:
    people: dict[str, Person] = field(default_factory=dict)
    account_person: dict[str, str] = field(default_factory=dict)
    account_names: dict[str, str] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    work_groups: set[str] = field(default_factory=set)
    elections: list[Election] = field(default_factory=list)
    assume_official: bool = False
    """Self-check: the author is the official checking a draft."""

    @classmethod
    def from_dataset(cls, ds: Dataset) -> TextEnv:
        env = cls()
        for p in ds["people"].to_pylist():
            env.people[p["person_id"]] = Person(
                p["person_id"], p["name"], p["is_official"], p["org_unit"], p["position"], p["phone"]
            )
            for wx in p["wechat_ids"] or ():
                env.account_person.setdefault(wx, p["person_id"])
        for a in ds["accounts"].to_pylist():
            if a["person_id"]:
                env.account_person[a["account_id"]] = a["person_id"]
            name = a["remark"] or a["display_name"] or a["nickname"]
            if name:
                env.account_names[a["account_id"]] = name
        for g in ds["group_register"].to_pylist():
            env.group_names[g["group_id"]] = g["name"]
            env.work_groups.add(g["group_id"])
        for g in ds["groups"].to_pylist():
            if g["name"]:
                env.group_names[g["group_id"]] = g["name"]
            if g["registered"] or (g["declared_kind"] or "") in WORK_GROUP_KINDS:
                env.work_groups.add(g["group_id"])
        env.elections = [_election(e) for e in ds["events"].to_pylist() if e["event_type"] in ELECTION_TYPES]
        return env

    def person_of(self, account: str | None) -> Person | None:
        pid = self.account_person.get(account or "")
        return self.people.get(pid) if pid else None

    def own_phone(self, account: str | None) -> str | None:
        """The last 11 digits of the registered phone of the sender's person: a number equal to it is
        the sender's own, not other people's data (the privacy rule and the learned check both ask)."""
        person = self.person_of(account)
        digits = "".join(ch for ch in (person.phone or "") if ch.isdigit()) if person else ""
        return digits[-11:] or None

    def subject(self, account: str | None) -> Subject:
        person = self.person_of(account)
        if person is not None:
            return Subject(kind="person", id=person.person_id, name=person.name)
        acc = account or "未知发送人"
        return Subject(kind="account", id=acc, name=self.account_names.get(acc))

    def is_official(self, account: str | None) -> bool | None:
        if self.assume_official:
            return True
        person = self.person_of(account)
        return None if person is None else person.is_official

    def chat_label(self, meta: MsgMeta) -> str:
        chat = meta.chat_id or ""
        if chat.startswith("chatname:"):  # export without a chat id: the conversation's name
            return f"在「{self.group_names.get(chat, chat.removeprefix('chatname:'))}」"
        if meta.is_group or chat.endswith("@chatroom"):
            return f"在「{self.group_names.get(chat, chat or '未知群')}」"
        other = self.account_names.get(chat) or chat or "对方"
        return f"在与「{other}」的私聊中"

    def known_names(self) -> list[str]:
        return [p.name for p in self.people.values() if p.name]

    def elections_at(self, meta: MsgMeta, lead_days: int) -> list[Election]:
        """Election/recommendation events whose window (minus a lead time) covers the message and that
        concern its chat, its sender or the sender's unit."""
        if meta.ts is None:
            return []
        day = meta.ts.date()
        person = self.person_of(meta.sender)
        out = []
        for e in self.elections:
            if e.start and (day - e.start).days < -lead_days or e.end and day > e.end:
                continue
            if (
                meta.chat_id in e.group_ids
                or (person and person.person_id in e.person_ids)
                or (person and e.org_unit and person.org_unit == e.org_unit)
                or not (e.group_ids or e.person_ids or e.org_unit)
            ):
                out.append(e)
        return out


def _election(e: dict) -> Election:
    return Election(
        e["event_id"],
        e["name"] or e["event_id"],
        e["event_type"],
        e["start_date"],
        e["end_date"],
        e["org_unit"],
        frozenset(e["person_ids"] or ()),
        frozenset(e["group_ids"] or ()),
    )
