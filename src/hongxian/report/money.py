"""Money flows of the report's subjects: daily in/out series and counterparty edges.

Every payment of a subject account (payer, payee or bill owner) is either a flow or counted in
``left_out`` with its reason, so the report can say exactly what it leaves out. Amounts are net of
refunds (``amount_fen - refunded_fen``); refund rows themselves, failed or closed payments and
payments between two subject accounts (internal) are left out. A red packet or collection into a
group chat has no payee account: the group (``group:<chat_id>``) is its counterparty.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from hongxian.dataset.dataset import Dataset
from hongxian.report.inputs import ReportInput, accounts_of_people, person_accounts

FAILED_STATUSES = ("failed", "closed", "cancelled", "失败", "已关闭", "已取消", "交易关闭", "支付失败")
NAME_PREFIX = "wxname:"
NAME_PREFIXES = ("wxname:", "alipayname:")  # counterparties known only by the name a bill shows


def name_only(account: str) -> str | None:
    """The shown name of an unresolved ``wxname:`` / ``alipayname:`` account, else None."""
    for prefix in NAME_PREFIXES:
        if account.startswith(prefix):
            return account[len(prefix) :]
    return None


MERCHANT_PREFIX = "merchants-of:"  # network chart only: one merchant node per subject
GROUP_PREFIX = "group:"  # a red packet or collection into a group chat: the group is the counterparty

# Every payment touching a subject account (as payer, payee or bill owner), with the reason it is
# left out of the flows (NULL: counted). Null-safe: a group red packet has no payee account.
_FLOWS_SQL = """
WITH subj AS (SELECT unnest($1::VARCHAR[]) AS account_id),
p AS (
    SELECT payment_id, ts, kind, payer_account, payee_account, owner_account, chat_id,
           counterparty_name, memo,
           amount_fen, amount_fen - coalesce(refunded_fen, 0) AS net_fen,
           coalesce(payer_account IN (SELECT account_id FROM subj), false) AS payer_in,
           coalesce(payee_account IN (SELECT account_id FROM subj), false) AS payee_in,
           coalesce(owner_account IN (SELECT account_id FROM subj), false) AS owner_in,
           direction,
           coalesce(lower(status), '') AS st
    FROM payments
)
SELECT *,
    CASE
        WHEN coalesce(kind, '') = 'refund' THEN 'refund'
        WHEN list_contains($2::VARCHAR[], st) THEN 'failed'
        WHEN amount_fen IS NULL THEN 'no_amount'
        WHEN payer_in AND payee_in THEN 'internal'
        WHEN NOT payer_in AND NOT payee_in AND direction NOT IN ('in', 'out') THEN 'no_direction'
        WHEN net_fen <= 0 THEN 'refunded'
    END AS left_out
FROM p WHERE payer_in OR payee_in OR owner_in
ORDER BY ts, payment_id
"""

LEFT_OUT_ZH = {
    "refund": "退款记录（金额已从原交易中扣除）",
    "failed": "交易失败、关闭或已取消",
    "no_amount": "账单未载明金额",
    "internal": "报告对象账户之间的内部往来",
    "no_direction": "无法判断收支方向",
    "refunded": "已全额退款",
}


@dataclass
class LeftOut:
    """Payments of the subjects that the flows leave out, per reason."""

    reason: str
    count: int = 0
    amount_fen: int = 0

    @property
    def reason_zh(self) -> str:
        return LEFT_OUT_ZH.get(self.reason, self.reason)


@dataclass
class Flow:
    payment_id: str
    ts: datetime
    kind: str
    subject_account: str
    counterparty: str
    direction: str  # "in" | "out" seen from the subject
    amount_fen: int
    memo: str


@dataclass
class Counterparty:
    account: str
    label: str
    in_fen: int = 0
    out_fen: int = 0
    count: int = 0

    @property
    def total_fen(self) -> int:
        return self.in_fen + self.out_fen


@dataclass
class MoneyFlows:
    subjects: list[str]
    labels: dict[str, str]
    flows: list[Flow] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def considered(self) -> int:
        """Payments of the subjects in the dataset: counted flows plus every left-out one."""
        return len(self.flows) + sum(x.count for x in self.left_out)

    @property
    def total_in(self) -> int:
        return sum(f.amount_fen for f in self.flows if f.direction == "in")

    @property
    def total_out(self) -> int:
        return sum(f.amount_fen for f in self.flows if f.direction == "out")

    def daily(self) -> list[tuple[date, int, int]]:
        """(day, in_fen, out_fen) for every day with a flow, in date order."""
        return self.series("day")

    def series(self, bucket: str = "day") -> list[tuple[date, int, int]]:
        """(bucket start, in_fen, out_fen) per day / week (Monday) / month with a flow."""
        slots: dict[date, list[int]] = {}
        for f in self.flows:
            key = bucket_start(f.ts.date(), bucket)
            slot = slots.setdefault(key, [0, 0])
            slot[0 if f.direction == "in" else 1] += f.amount_fen
        return [(d, v[0], v[1]) for d, v in sorted(slots.items())]

    def counterparties(self) -> list[Counterparty]:
        """Counterparties by total amount, largest first."""
        acc: dict[str, Counterparty] = {}
        for f in self.flows:
            cp = acc.setdefault(f.counterparty, Counterparty(f.counterparty, self.label(f.counterparty)))
            if f.direction == "in":
                cp.in_fen += f.amount_fen
            else:
                cp.out_fen += f.amount_fen
            cp.count += 1
        return sorted(acc.values(), key=lambda c: (-c.total_fen, c.account))

    def edges(self) -> list[tuple[str, str, int, int]]:
        """(payer, payee, sum_fen, count) per ordered account pair."""
        acc: dict[tuple[str, str], list[int]] = {}
        for f in self.flows:
            pair = (
                (f.counterparty, f.subject_account)
                if f.direction == "in"
                else (f.subject_account, f.counterparty)
            )
            slot = acc.setdefault(pair, [0, 0])
            slot[0] += f.amount_fen
            slot[1] += 1
        return [(a, b, v[0], v[1]) for (a, b), v in sorted(acc.items(), key=lambda kv: -kv[1][0])]

    def for_network(self) -> MoneyFlows:
        """The flows as the network chart draws them: merchants are not relations, so each subject's
        merchant payments go to that subject's own 商户消费 node instead of joining subjects who merely
        paid the same platform merchant."""
        labels = dict(self.labels)
        flows = []
        for f in self.flows:
            if f.kind == "merchant":
                node = f"{MERCHANT_PREFIX}{f.subject_account}"
                labels[node] = f"商户消费（{self.label(f.subject_account)}）"
                f = replace(f, counterparty=node)
            flows.append(f)
        return MoneyFlows(subjects=self.subjects, labels=labels, flows=flows, left_out=self.left_out)

    def label(self, account: str) -> str:
        if account in self.labels:
            return self.labels[account]
        if account.startswith(GROUP_PREFIX):
            return f"群聊（{account[len(GROUP_PREFIX) :]}）"
        return name_only(account) or account


def bucket_start(d: date, bucket: str) -> date:
    if bucket == "week":
        return d - timedelta(days=d.weekday())
    if bucket == "month":
        return d.replace(day=1)
    return d


def subject_accounts(inp: ReportInput) -> list[str]:
    """Accounts whose money flows the report shows (person filter, finding subjects, bill owners)."""
    ds = inp.dataset
    if inp.person:
        return sorted(person_accounts(ds, inp.person))
    subjects = [rf.finding.subject for rf in inp.findings]
    found = accounts_of_people(ds, [s.id for s in subjects if s.kind == "person"])
    found |= {s.id for s in subjects if s.kind == "account"}
    if not found:
        rows = ds.sql(
            "SELECT DISTINCT owner_account FROM payments WHERE owner_account IS NOT NULL"
        ).to_pylist()
        found = {r["owner_account"] for r in rows}
    return sorted(found)


def account_labels(ds: Dataset) -> dict[str, str]:
    """Display label per account: the person's name, else the account's display name."""
    rows = ds.sql(
        """
        SELECT a.account_id, coalesce(pe.name, nullif(a.remark, ''), nullif(a.display_name, ''),
                                      nullif(a.nickname, '')) AS label
        FROM accounts a LEFT JOIN people pe ON pe.person_id = a.person_id
        UNION ALL
        SELECT unnest(wechat_ids), name FROM people
        UNION ALL
        SELECT 'group:' || group_id, '群聊：' || coalesce(nullif(name, ''), group_id) FROM groups
        """
    ).to_pylist()
    labels: dict[str, str] = {}
    for r in rows:
        if r["label"] and r["account_id"] and r["account_id"] not in labels:
            labels[r["account_id"]] = r["label"]
    return labels


def _counterparty(r: dict, out: bool) -> str:
    other = r["payee_account"] if out else r["payer_account"]
    if other:
        return other
    if r["chat_id"]:
        return GROUP_PREFIX + r["chat_id"]
    if r["counterparty_name"]:
        return NAME_PREFIX + r["counterparty_name"]
    return "（未知对方）"


def _is_out(r: dict) -> bool:
    if r["payer_in"] or r["payee_in"]:
        return bool(r["payer_in"])
    return r["direction"] == "out"  # only the bill owner is known: the bill's own direction


def _subject_of(r: dict, out: bool) -> str:
    if r["payer_in"] or r["payee_in"]:
        return r["payer_account"] if out else r["payee_account"]
    return r["owner_account"] if r.get("owner_account") else (r["payer_account"] or r["payee_account"])


def money_flows(inp: ReportInput) -> MoneyFlows:
    """Every payment of the subjects: counted as a flow, or listed under `left_out` with its reason."""
    subjects = subject_accounts(inp)
    labels = account_labels(inp.dataset)
    rows = inp.dataset.sql(_FLOWS_SQL, [subjects, list(FAILED_STATUSES)]).to_pylist() if subjects else []
    flows: list[Flow] = []
    left: dict[str, LeftOut] = {}
    for r in rows:
        if r["left_out"]:
            slot = left.setdefault(r["left_out"], LeftOut(r["left_out"]))
            slot.count += 1
            slot.amount_fen += int(r["amount_fen"] or 0)
            continue
        out = _is_out(r)
        other = _counterparty(r, out)
        shown = name_only(other)
        if shown and other not in labels:
            labels[other] = shown
        flows.append(
            Flow(
                r["payment_id"],
                r["ts"],
                r["kind"] or "",
                _subject_of(r, out),
                other,
                "out" if out else "in",
                int(r["net_fen"]),
                r["memo"] or "",
            )
        )
    order = list(LEFT_OUT_ZH)
    return MoneyFlows(
        subjects=subjects,
        labels=labels,
        flows=flows,
        left_out=sorted(left.values(), key=lambda x: order.index(x.reason) if x.reason in order else 99),
    )
