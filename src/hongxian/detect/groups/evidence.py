"""Evidence rows and related people of group findings."""

from __future__ import annotations

from hongxian.detect.groups.common import CaseView, excerpt
from hongxian.detect.groups.reasons import Assessment, who
from hongxian.detect.groups.signals import Hit
from hongxian.schema import Evidence, Subject

MAX_PER_KIND = 6
MAX_RELATED = 30


def message_evidence(hit: Hit, note: str) -> Evidence:
    msg = hit.message
    text, spans = excerpt(msg.text, [msg.to_original(s, e) for s, e in hit.spans])
    return Evidence(table="messages", id=msg.message_id, ts=msg.ts, excerpt=text, spans=spans, note=note)


class EvidenceList:
    """Evidence without duplicates (same table + id keeps the first note)."""

    def __init__(self) -> None:
        self.items: list[Evidence] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, ev: Evidence) -> None:
        key = (ev.table, ev.id)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(ev)

    def add_hits(self, hits: list[Hit], note: str, limit: int = MAX_PER_KIND) -> None:
        for hit in hits[:limit]:
            self.add(message_evidence(hit, f"{note}：{'、'.join(hit.words)}"))


def association_evidence(view: CaseView, a: Assessment) -> list[Evidence]:
    g, ev = a.group, EvidenceList()
    ev.add(Evidence(table="groups", id=g.group_id, note=f"群名“{g.name}”，成员 {g.size} 人"))
    for acc, role in a.roles.items():
        p = view.person_of(acc)
        if p is not None and (p.is_official or "群主" in role.roles):
            ev.add(Evidence(table="people", id=p.person_id, note=f"{'、'.join(role.roles)}；{p.label()}"))
        elif "群主" in role.roles:
            ev.add(Evidence(table="group_members", id=f"{g.group_id}/{acc}", note="群主"))
        ev.add_hits(role.hits, "组织者", limit=3)
    ev.add_hits([e.hits[0] for e in a.episodes], "线下活动")
    ev.add_hits(a.hosts, "做东", limit=3)
    ev.add_hits(a.exchange, "资源交换", limit=8)
    return ev.items


def related_people(view: CaseView, a: Assessment) -> list[Subject]:
    """People in roles: organisers and assistants, officials in exchanges, businesspeople hosting."""
    roles: dict[str, list[str]] = {}
    for acc, role in a.roles.items():
        roles.setdefault(acc, []).extend(role.roles)
    for hit in a.hosts:
        roles.setdefault(hit.message.sender, []).append("做东")
    for hit in a.exchange:
        p = view.person_of(hit.message.sender)
        if p is not None and p.is_official:
            roles.setdefault(hit.message.sender, []).append("资源交换")
    out: list[Subject] = []
    for acc, labels in roles.items():
        if not acc:
            continue
        text = "、".join(dict.fromkeys(labels))
        p = view.person_of(acc)
        if p is not None:
            out.append(Subject(kind="person", id=p.person_id, name=f"{p.name}（{text}）"))
        else:
            out.append(Subject(kind="account", id=acc, name=f"{who(view, a.group, acc)}（{text}）"))
    return out[:MAX_RELATED]
