"""Money flows of the report's subjects: daily in/out series and counterparty edges.

Amounts are net of refunds (``amount_fen - refunded_fen``); refund rows themselves and failed
or closed payments are left out. A payment between two subject accounts is internal and is
not counted as in or out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


_FLOWS_SQL = """
WITH subj AS (SELECT unnest($1::VARCHAR[]) AS account_id),
p AS (
    SELECT payment_id, ts, kind, payer_account, payee_account, counterparty_name, memo,
           amount_fen - coalesce(refunded_fen, 0) AS net_fen,
           payer_account IN (SELECT account_id FROM subj) AS payer_in,
           payee_account IN (SELECT account_id FROM subj) AS payee_in
    FROM payments
    WHERE coalesce(kind, '') <> 'refund'
      AND NOT list_contains($2::VARCHAR[], coalesce(lower(status), ''))
      AND amount_fen IS NOT NULL
)
SELECT * FROM p WHERE (payer_in OR payee_in) AND NOT (payer_in AND payee_in) AND net_fen > 0
ORDER BY ts, payment_id
"""


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

    def label(self, account: str) -> str:
        if account in self.labels:
            return self.labels[account]
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
        """
    ).to_pylist()
    labels: dict[str, str] = {}
    for r in rows:
        if r["label"] and r["account_id"] and r["account_id"] not in labels:
            labels[r["account_id"]] = r["label"]
    return labels


def money_flows(inp: ReportInput) -> MoneyFlows:
    subjects = subject_accounts(inp)
    labels = account_labels(inp.dataset)
    rows = inp.dataset.sql(_FLOWS_SQL, [subjects, list(FAILED_STATUSES)]).to_pylist() if subjects else []
    flows = []
    for r in rows:
        out = bool(r["payer_in"])
        subject, other = (
            (r["payer_account"], r["payee_account"]) if out else (r["payee_account"], r["payer_account"])
        )
        other = other or (NAME_PREFIX + r["counterparty_name"] if r["counterparty_name"] else "（未知对方）")
        shown = name_only(other)
        if shown and other not in labels:
            labels[other] = shown
        flows.append(
            Flow(
                r["payment_id"],
                r["ts"],
                r["kind"] or "",
                subject,
                other,
                "out" if out else "in",
                int(r["net_fen"]),
                r["memo"] or "",
            )
        )
    return MoneyFlows(subjects=subjects, labels=labels, flows=flows)
