"""Per-subject dossiers (人员画像/线索档案): every finding on one person in one place.

Several checks often cite the same rows (five 200 元 packets are evidence of splitting, of festival
gifts and of a served party's gifts). A dossier groups a subject's findings, de-duplicates the
evidence behind them (each row once, with the findings citing it), gives one money total over the
distinct payment rows, a timeline and the links between findings that share evidence — so a committee
never adds the same packet up three times.

A finding belongs to the dossier of its subject; an account subject belongs to the person who owns
the account when the case data says so. Findings that name the person only as a related party are
listed separately (``mentioned``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from hongxian.review.casedata import CaseFacts, EvidenceFact, PaymentFact
from hongxian.review.status import SEVERITY_RANK
from hongxian.schema import Finding, Subject


@dataclass
class DossierFinding:
    finding: Finding
    status: str  # review status label (待审/确认/排除/上报)

    @property
    def id(self) -> str:
        return self.finding.finding_id


@dataclass
class DossierRow:
    """One distinct evidence row and the findings citing it."""

    table: str
    id: str
    ts: datetime | None
    amount_fen: int | None
    excerpt: str
    cited_by: list[str] = field(default_factory=list)
    fact: EvidenceFact | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.id)


@dataclass(frozen=True)
class FindingLink:
    a: str
    b: str
    shared: int  # evidence rows both findings cite


@dataclass
class Dossier:
    key: str  # "P001" for a person, "account:wxid…" / "group:…" otherwise
    kind: str
    name: str
    accounts: frozenset[str] = frozenset()
    findings: list[DossierFinding] = field(default_factory=list)
    rows: list[DossierRow] = field(default_factory=list)
    links: list[FindingLink] = field(default_factory=list)
    mentioned: list[DossierFinding] = field(default_factory=list)

    @property
    def citations(self) -> int:
        """Evidence rows as cited by the findings, counting repeats."""
        return sum(len(r.cited_by) for r in self.rows)

    @property
    def payments(self) -> list[DossierRow]:
        return [r for r in self.rows if r.table == "payments" and r.amount_fen is not None]

    def direction(self, r: DossierRow) -> str:
        """in / out seen from the subject's accounts, or unknown."""
        f = r.fact
        if isinstance(f, PaymentFact) and self.accounts:
            if f.payer_account in self.accounts:
                return "out"
            if f.payee_account in self.accounts:
                return "in"
        return "unknown"

    @property
    def money_fen(self) -> int:
        """One total over the distinct payment rows of all the dossier's findings."""
        return sum(r.amount_fen or 0 for r in self.payments)

    def money_by_direction(self) -> dict[str, int]:
        out = {"in": 0, "out": 0, "unknown": 0}
        for r in self.payments:
            out[self.direction(r)] += r.amount_fen or 0
        return out

    @property
    def cited_money_fen(self) -> int:
        """What adding up each finding's evidence would give (the double count a dossier avoids)."""
        return sum((r.amount_fen or 0) * len(r.cited_by) for r in self.payments)

    @property
    def severity(self) -> str:
        return max((f.finding.severity for f in self.findings), key=SEVERITY_RANK.__getitem__, default="info")

    @property
    def categories(self) -> list[str]:
        return sorted({f.finding.category for f in self.findings})

    @property
    def span(self) -> tuple[datetime | None, datetime | None]:
        times = [r.ts for r in self.rows if r.ts is not None]
        return (min(times), max(times)) if times else (None, None)

    def timeline(self) -> list[DossierRow]:
        return sorted(self.rows, key=lambda r: (r.ts is None, r.ts or datetime.min, r.table, r.id))


def subject_key(subject: Subject) -> str:
    """The dossier key of a finding's subject as pages link it: a person id, else ``kind:id`` (an owned
    account's key leads to its owner's dossier when the store resolves it)."""
    return subject.id if subject.kind == "person" else f"{subject.kind}:{subject.id}"


def _key(subject: Subject, owner_of: Mapping[str, str]) -> tuple[str, str]:
    if subject.kind == "person":
        return subject.id, "person"
    if subject.kind == "account" and subject.id in owner_of:
        return owner_of[subject.id], "person"
    return f"{subject.kind}:{subject.id}", subject.kind


def _links(findings: list[DossierFinding], rows: list[DossierRow]) -> list[FindingLink]:
    shared: dict[tuple[str, str], int] = {}
    for r in rows:
        for a, b in combinations(sorted(set(r.cited_by)), 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
    return [FindingLink(a, b, n) for (a, b), n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))]


def _rows(findings: list[DossierFinding]) -> list[DossierRow]:
    rows: dict[tuple[str, str], DossierRow] = {}
    for df in findings:
        for e in df.finding.evidence:
            row = rows.get((e.table, e.id))
            if row is None:
                row = rows[(e.table, e.id)] = DossierRow(e.table, e.id, e.ts, e.amount_fen, e.excerpt or "")
            if df.id not in row.cited_by:
                row.cited_by.append(df.id)
    return list(rows.values())


def owners(facts: CaseFacts | None, findings: Iterable[Finding]) -> dict[str, str]:
    """Account → person for the account subjects and related parties of these findings."""
    if facts is None:
        return {}
    wanted = sorted({s.id for f in findings for s in (f.subject, *f.related) if s.kind == "account"})
    return facts.owners(wanted) if wanted else {}


def build_dossiers(
    findings: Iterable[tuple[Finding, str]],
    facts: CaseFacts | None = None,
    *,
    clear: bool = False,
) -> list[Dossier]:
    """Dossiers for these (finding, status) pairs, the most severe and largest first."""
    items = [DossierFinding(f, st) for f, st in findings]
    owner_of = owners(facts, (d.finding for d in items))
    by_key: dict[str, Dossier] = {}
    for df in items:
        key, kind = _key(df.finding.subject, owner_of)
        d = by_key.get(key)
        if d is None:
            d = by_key[key] = Dossier(key, kind, df.finding.subject.name or df.finding.subject.id)
        d.findings.append(df)
    for df in items:
        for s in df.finding.related:
            key, _ = _key(s, owner_of)
            if key in by_key and df not in by_key[key].findings and df not in by_key[key].mentioned:
                by_key[key].mentioned.append(df)
    dossiers = list(by_key.values())
    for d in dossiers:
        d.rows = _rows(d.findings)
        d.links = _links(d.findings, d.rows)
        if facts is not None:
            found = facts.evidence((r.key for r in d.rows), clear=clear, context=0)
            for r in d.rows:
                r.fact = found.get(r.key)
            if d.kind == "person":
                d.accounts = frozenset(facts.accounts_of(d.key))
                d.name = facts.person_name(d.key) or d.name
    dossiers.sort(key=lambda d: (-SEVERITY_RANK[d.severity], -len(d.findings), -d.money_fen, d.key))
    return dossiers
