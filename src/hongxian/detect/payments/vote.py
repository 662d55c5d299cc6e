"""P2 — vote buying: fan-out from a candidate (or kin / 特定关系人) to the electorate around an election.

Elections and democratic recommendations come from events.csv (相关人员 = candidates, 群ID = the
groups whose members are the electorate). Window: [start − ``lead_days``, end + ``tail_days``].
A festival never excuses a payment: there is no festival exemption (the Dongyuan case happened on
元宵节). Features: voters reached, coverage of the electorate, amount per voter, red packets posted
into the election groups, no such sending in the same window a year before, and canvassing words in
the sender's messages in the window (a plain keyword check; the text detectors own the rest).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import pyarrow as pa
from pydantic import Field

from hongxian.calendar import event_windows
from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.payments.common import Candidate, group_rows, to_finding
from hongxian.detect.payments.explain import kind_counts, relative_to_event, yuan
from hongxian.detect.payments.features import like_any
from hongxian.detect.payments.frame import PaymentFrame, Relations, frame_of
from hongxian.detect.payments.scoring import ScoredParams, score
from hongxian.detect.payments.sql import DAY, in_list
from hongxian.schema import SEVERITIES, Evidence, Finding


class VoteParams(ScoredParams):
    lead_days: int = Field(default=45, ge=0)
    tail_days: int = Field(default=3, ge=0)
    min_voters: int = Field(default=3, ge=1)
    kinds: list[str] = Field(default_factory=lambda: ["red_packet", "transfer", "gift_card", "qr"])
    canvass_words: list[str] = Field(
        default_factory=lambda: ["投我一票", "投我", "拉票", "支持我", "选我", "投给我", "请支持"]
    )


HELPER_RELATIONS = ("亲属", "配偶", "特定关系人")


def _helpers(frame: PaymentFrame) -> dict[str, dict[str, str]]:
    """Candidate → {helper: role}: kin, spouse, 特定关系人 (both ways) and employees (雇员/员工)."""
    helpers: dict[str, dict[str, str]] = {}
    for r in frame.ds["relations"].to_pylist():
        a, b = r["person_id"], r["related_person_id"]
        if r["relation"] in HELPER_RELATIONS:
            helpers.setdefault(a, {})[b] = "亲属/特定关系人"
            helpers.setdefault(b, {})[a] = "亲属/特定关系人"
        elif r["relation"] in ("雇员", "员工"):
            helpers.setdefault(a, {})[b] = "雇员"
    return helpers


def _unit_members(frame: PaymentFrame, unit: str | None) -> set[str]:
    return {pid for pid, p in frame.people.items() if unit and p.get("org_unit") == unit}


def _tables(frame: PaymentFrame, p: VoteParams) -> tuple[dict[str, pa.Table], set[str]]:
    """The election tables, and the elections whose electorate was inferred from the registers
    (no member list of the election groups in the exports: the people of the event's 单位)."""
    helpers = _helpers(frame)
    members: dict[str, set[str]] = {}
    for m in frame.ds["group_members"].select(["group_id", "account_id"]).to_pylist():
        members.setdefault(m["group_id"], set()).add(frame.party.get(m["account_id"], m["account_id"]))
    senders, elect, wins, groups = [], [], [], []
    inferred: set[str] = set()
    for w in event_windows(frame.ds["events"], ["换届选举", "民主推荐"]):
        p_w = w.padded(p.lead_days, p.tail_days)
        wins.append((w.key, p_w.start_sec, p_w.end_sec))
        for c in w.person_ids:
            senders.append((w.key, c, c, "本人"))
            senders += [(w.key, c, h, role) for h, role in sorted(helpers.get(c, {}).items())]
        own = set(w.person_ids).union(*(set(helpers.get(c, {})) for c in w.person_ids))
        voters = set().union(*(members.get(g, set()) for g in w.group_ids))
        if not voters and _unit_members(frame, w.org_unit) - own:
            voters = _unit_members(frame, w.org_unit)
            inferred.add(w.key)
        elect += [(w.key, v) for v in sorted(voters - own)]
        groups += [(w.key, g) for g in w.group_ids]
    tables = {
        "hx_p2_sender": _tab(["election", "candidate", "sender", "role"], senders),
        "hx_p2_voter": _tab(["election", "voter"], elect),
        "hx_p2_win": _tab(["election", "start_sec", "end_sec"], wins, ints={"start_sec", "end_sec"}),
        "hx_p2_group": _tab(["election", "group_id"], groups),
    }
    return tables, inferred


def _tab(names: list[str], rows: list[tuple], ints: AbstractSet[str] = frozenset()) -> pa.Table:
    return pa.table(
        {
            n: pa.array([r[i] for r in rows], pa.int64() if n in ints else pa.string())
            for i, n in enumerate(names)
        }
    )


def _rows_sql(t: Relations, p: VoteParams, shift: int = 0) -> str:
    """Payments from senders to voters (or packets into the election groups) in the window − shift."""
    base = f"""
      SELECT s.election, s.candidate, s.role, f.payment_id, f.ts, f.tsec, f.kind, f.amount_fen, f.memo,
             f.origin, f.returned, f.chat_id, f.ext_id, f.src, f.dst, {{target}} AS via
      FROM {t.flow} f
      JOIN hx_p2_sender s ON s.sender = f.src
      JOIN hx_p2_win w ON w.election = s.election
       AND f.tsec >= w.start_sec - {shift} AND f.tsec < w.end_sec - {shift}
      {{join}}
      WHERE f.kind IN {in_list(p.kinds)} AND f.src <> COALESCE(f.dst, '')"""
    voter = base.format(
        target="'voter'",
        join="""JOIN hx_p2_voter v ON v.election = s.election AND v.voter = f.dst
      LEFT JOIN hx_p2_sender c
        ON c.election = s.election AND c.candidate = s.candidate AND c.sender = f.dst""",
    )
    group = base.format(
        target="'group'", join="JOIN hx_p2_group g ON g.election = s.election AND g.group_id = f.chat_id"
    )
    return f"{voter} AND c.sender IS NULL UNION ALL {group} AND f.dst IS NULL"


def _canvass(frame: PaymentFrame, p: VoteParams) -> list[dict]:
    if not frame.ds.has("messages"):
        return []
    return frame.rows(f"""
        SELECT s.election, s.candidate, m.message_id, m.ts, m.text, m.chat_id
        FROM messages m
        LEFT JOIN {frame.t.party} a ON a.account_id = m.sender_account
        JOIN hx_p2_sender s ON s.sender = COALESCE(a.person_id, m.sender_account)
        JOIN hx_p2_win w ON w.election = s.election
         AND {frame.dialect.epoch_sec("m.ts")} >= w.start_sec
         AND {frame.dialect.epoch_sec("m.ts")} < w.end_sec
        WHERE {like_any("m.text", p.canvass_words)}""")


def _features(rows: list[dict], electorate: int, baseline: int, canvass: int, min_voters: int) -> dict:
    acc = [r for r in rows if not r["returned"]]
    voters = {r["dst"] for r in acc if r["via"] == "voter"}
    shares = {r["ext_id"] for r in acc if r["via"] == "voter" and r["ext_id"]}
    posts = [r for r in acc if r["via"] == "group"]
    known = [
        r for r in acc if r["amount_fen"] is not None and not (r["via"] == "group" and r["ext_id"] in shares)
    ]
    reach = len(voters) or (electorate if posts else 0)
    amount = sum(r["amount_fen"] for r in known) if known else None
    return {
        "n_voters": len(voters),
        "coverage": len(voters) / electorate if electorate else None,
        "n_group_packets": len(posts),
        "per_voter_yuan": amount / reach / 100 if amount and reach else None,
        "no_baseline": 1 if baseline == 0 else 0,
        "canvass": canvass,
        "fanout": 1 if len(voters) >= min_voters or posts or (canvass and voters) else 0,
        "electorate": electorate,
        "amount_fen": amount,
    }


def run(ctx: DetectContext, bound_checks: list[BoundCheck]) -> list[Finding]:
    frame = frame_of(ctx)
    out: list[Finding] = []
    for bound in bound_checks:
        p: VoteParams = bound.params
        tables, inferred = _tables(frame, p)
        for name, table in tables.items():
            frame.con.register(name, table)
        rows = group_rows(frame.rows(_rows_sql(frame.t, p)), "election", "candidate")
        base = group_rows(frame.rows(_rows_sql(frame.t, p, 365 * DAY)), "election", "candidate")
        talk = group_rows(_canvass(frame, p), "election", "candidate")
        events = event_windows(frame.ds["events"], ["换届选举", "民主推荐"])
        names = {w.key: w.name for w in events}
        dates = {w.key: (w.start, w.end) for w in events}
        units = {w.key: w.org_unit for w in events}
        sizes = {
            r["election"]: r["n"]
            for r in frame.rows("SELECT election, COUNT(*) AS n FROM hx_p2_voter GROUP BY election")
        }
        cands = []
        for key in sorted(set(rows) | set(talk)):
            rs, msgs = rows.get(key, []), talk.get(key, [])
            feats = _features(rs, sizes.get(key[0], 0), len(base.get(key, [])), len(msgs), p.min_voters)
            feats["election_name"] = names.get(key[0], key[0])
            feats["election_dates"] = dates.get(key[0])
            feats["inferred"] = units.get(key[0]) if key[0] in inferred else None
            card = score(feats, p)
            if card.fired and rs:
                cands.append((key, rs, msgs, feats, card))
        out += [_finding(ctx, bound, frame, *c) for c in cands]
    return out


def _finding(ctx, bound, frame: PaymentFrame, key, rows, msgs, feats, card) -> Finding:
    election, candidate = key
    acc = [r for r in rows if not r["returned"] and r["via"] == "voter"]
    first, last = min(r["ts"] for r in rows), max(r["ts"] for r in rows)
    voters = f"{feats['n_voters']} 名选民" + (
        f"（选民共 {feats['electorate']} 人，覆盖 {feats['coverage']:.0%}）"
        if feats["coverage"] is not None
        else ""
    )
    to_voters = f"向 {voters}发出{kind_counts(acc)}" if acc else "未见直接发给选民的款项"
    posts = f"，在选举群发红包 {feats['n_group_packets']} 个" if feats["n_group_packets"] else ""
    total = f"合计 {yuan(feats['amount_fen'])} 元" if feats["amount_fen"] is not None else "金额未知"
    per = f"，人均 {feats['per_voter_yuan']:.2f} 元" if feats["per_voter_yuan"] else ""
    when = f"{feats['election_name']}期间"
    if feats.get("election_dates"):
        start, end = feats["election_dates"]
        when = relative_to_event(first, last, start, end, feats["election_name"])
    summary = (
        f"{when}候选人 {frame.name(candidate)} 方面{to_voters}"
        f"{posts}，{total}{per}"
        + (f"；同期发送拉票言论 {len(msgs)} 条" if msgs else "")
        + "。节日不构成免责理由"
        + (
            f"。导出数据中没有选举群的成员名单，选民按 events.csv 所列单位“{feats['inferred']}”"
            "及 people.csv 的在册人员推断，置信度相应降低"
            if feats["inferred"]
            else ""
        )
    )
    talk = [
        Evidence(
            table="messages", id=m["message_id"], ts=m["ts"], excerpt=(m["text"] or "")[:80], note="拉票言论"
        )
        for m in msgs
    ]
    c = Candidate(
        candidate,
        election,
        feats,
        rows,
        card,
        summary,
        related=[r["dst"] for r in rows if r["dst"]] + [r["src"] for r in rows if r["src"] != candidate],
        extra_evidence=talk,
        notes={
            r["payment_id"]: f"由候选人的{r['role']}{frame.name(r['src'])}发出"
            for r in rows
            if r["role"] != "本人"
        },
    )
    finding = to_finding(ctx, bound, frame, c)
    return _lowered(finding) if feats["inferred"] else finding


def _lowered(finding: Finding) -> Finding:
    """One severity step down and 0.8 × the score: the electorate was inferred, not read."""
    order = list(SEVERITIES)
    severity = (
        order[max(0, order.index(finding.severity) - 1)] if finding.severity in order else finding.severity
    )
    return finding.model_copy(update={"severity": severity, "score": round(finding.score * 0.8, 4)})


DETECTORS = [
    Detector(
        name="payments.vote_buying",
        params_model=VoteParams,
        needs=("payments",),
        run=run,
        description="选举、民主推荐期间候选人及其亲属向选民（选举群成员）发红包/转账，节日不免责",
    )
]


def register(registry: DetectorRegistry) -> None:
    for detector in DETECTORS:
        registry.register(detector)
