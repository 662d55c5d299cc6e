"""The small registers behind the payment frame, prepared in Python (people, relations, events).

Everything here is a few thousand rows at most; the big ``payments`` table is only touched in SQL
(`frame.py`). Relations are normalised to directed codes:

- ``served`` (b is served by a), ``subordinate`` (b reports to a; 上级 is turned round);
- ``kin`` (亲属), ``spouse`` (配偶), ``close`` (特定关系人): both ways;
- ``employee``: a row (A, B, 雇员) or (A, B, 员工) says B works for A.

Routes (issue 19): money for an official does not always take the direct path. A *recipient* of
official O is O himself, O's spouse, kin or 特定关系人 (whose bill may be in the case); a *payer* for
a counterparty C is C himself, C's kin, spouse or employee. Family money stays out: a payer who is
family (kin or spouse) of the official or of the recipient never forms a route.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from hongxian.dataset.dataset import Dataset

OPEN_START, OPEN_END = -(10**9), 10**9
REL_CODE = {
    "管理服务对象": "served",
    "下级": "subordinate",
    "上级": "superior",
    "亲属": "kin",
    "配偶": "spouse",
    "特定关系人": "close",
    "雇员": "employee",
    "员工": "employee",
}
SYMMETRIC = ("kin", "spouse", "close")
FAMILY = ("kin", "spouse")
RECIPIENT_VIA = ("spouse", "kin", "close")
PAYER_VIA = ("kin", "spouse", "employee")


def day_no(d: date | None, default: int) -> int:
    return default if d is None else (d - date(1970, 1, 1)).days


def party_map(ds: Dataset) -> dict[str, str]:
    """Account → person: accounts.person_id, people.微信号, and unambiguous 微信昵称 (``wxname:``)."""
    mapping: dict[str, str] = {}
    for row in ds["accounts"].select(["account_id", "person_id"]).to_pylist():
        if row["person_id"]:
            mapping.setdefault(row["account_id"], row["person_id"])
    nick_owner: dict[str, set[str]] = {}
    for p in ds["people"].select(["person_id", "wechat_ids", "wechat_nicknames"]).to_pylist():
        for wid in p["wechat_ids"] or ():
            mapping.setdefault(wid, p["person_id"])
        for nick in p["wechat_nicknames"] or ():
            nick_owner.setdefault(nick, set()).add(p["person_id"])
    for nick, owners in nick_owner.items():
        if len(owners) == 1:
            mapping.setdefault("wxname:" + nick, next(iter(owners)))
    return mapping


@dataclass(frozen=True)
class Rel:
    a: str
    b: str
    rel: str
    start_day: int
    end_day: int


def relations(ds: Dataset) -> list[Rel]:
    out: list[Rel] = []
    for r in ds["relations"].to_pylist():
        rel = REL_CODE.get(r["relation"])
        if rel is None:
            continue
        s, e = day_no(r["start_date"], OPEN_START), day_no(r["end_date"], OPEN_END)
        a, b = r["person_id"], r["related_person_id"]
        if rel == "superior":  # (A, B, 上级): B is A's superior, so A reports to B
            out.append(Rel(b, a, "subordinate", s, e))
        elif rel in SYMMETRIC:
            out += [Rel(a, b, rel, s, e), Rel(b, a, rel, s, e)]
        else:
            out.append(Rel(a, b, rel, s, e))
    return out


def neighbours(rels: Iterable[Rel], codes: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """person → {other person: relation code} over the given codes (first code wins)."""
    out: dict[str, dict[str, str]] = {}
    for r in rels:
        if r.rel in codes:
            out.setdefault(r.a, {}).setdefault(r.b, r.rel)
    return out


def officials(ds: Dataset, people: dict[str, dict], party: dict[str, str]) -> list[str]:
    """公职人员, holders of served/subordinate relations, election candidates, and owners of exports
    other than a spouse, relative or 特定关系人 of one of those (not themselves 公职人员)."""
    ids = {pid for pid, p in people.items() if p["is_official"] or p["identity_kind"] == "公职人员"}
    ids |= {r["person_id"] for r in ds["relations"].to_pylist() if r["relation"] in ("管理服务对象", "下级")}
    ids |= {r["related_person_id"] for r in ds["relations"].to_pylist() if r["relation"] == "上级"}
    for e in ds["events"].to_pylist():
        if e["event_type"] in ("换届选举", "民主推荐"):
            ids |= set(e["person_ids"] or ())
    owners = {party.get(o, o) for o in ds["payments"].column("owner_account").unique().to_pylist() if o}
    # a spouse's, relative's or 特定关系人's export is in the case for the official's sake
    near = neighbours(relations(ds), RECIPIENT_VIA)
    proxies = {p for o in ids for p in near.get(o, {})}
    ids |= {o for o in owners if o not in proxies}
    return sorted(ids)


def recipients(offs: list[str], rels: list[Rel]) -> list[tuple[str, str, str | None]]:
    """(official, recipient, via): the official himself (via NULL) and his spouse, kin, 特定关系人."""
    near = neighbours(rels, RECIPIENT_VIA)
    out: list[tuple[str, str, str | None]] = []
    for o in offs:
        out.append((o, o, None))
        out += [(o, k, via) for k, via in sorted(near.get(o, {}).items()) if k != o]
    return out


def family_pairs(rels: list[Rel]) -> list[tuple[str, str]]:
    """(a, b): b is a's kin or spouse (both ways)."""
    return sorted({(r.a, r.b) for r in rels if r.rel in FAMILY})


def routes(rels: list[Rel], recips: list[tuple[str, str, str | None]]) -> list[tuple]:
    """Counterparty routes: (official, recipient, via_recipient, cp, cp_class, payer, via_payer,
    start_day, end_day) for every served/subordinate relation of an official, through the
    official's recipients and the counterparty's payers, family money left out."""
    family = neighbours(rels, FAMILY)
    payers = neighbours(rels, PAYER_VIA)
    by_official: dict[str, list[tuple[str, str | None]]] = {}
    for o, rcp, via in recips:
        by_official.setdefault(o, []).append((rcp, via))
    out: list[tuple] = []
    for r in rels:
        if r.rel not in ("served", "subordinate") or r.a not in by_official:
            continue
        o, cp = r.a, r.b
        cp_payers = [(cp, None)] + [(p, via) for p, via in sorted(payers.get(cp, {}).items()) if p != cp]
        for rcp, via_r in by_official[o]:
            blocked = {o, rcp} | set(family.get(o, {})) | set(family.get(rcp, {}))
            for payer, via_p in cp_payers:
                if payer in blocked:
                    continue
                out.append((o, rcp, via_r, cp, r.rel, payer, via_p, r.start_day, r.end_day))
    return out


def table(names: list[str], rows: list[tuple], ints: Iterable[str] = ()) -> pa.Table:
    """An Arrow table of string columns (``ints`` are int64) from row tuples."""
    as_int = set(ints)
    return pa.table(
        {
            n: pa.array([r[i] for r in rows], pa.int64() if n in as_int else pa.string())
            for i, n in enumerate(names)
        }
    )
