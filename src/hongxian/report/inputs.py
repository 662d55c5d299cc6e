"""What a report is made from: `ReportInput`.

A report input is built either from the review store (findings with their review status and
decisions, see `from_service`) or from a ``findings.jsonl`` file plus the case dataset (every
finding then has the status 待审). The optional person filter keeps the findings about one
person (人员编号) and the money flows of that person's accounts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from hongxian.case import CaseConfig
from hongxian.dataset.dataset import Dataset
from hongxian.schema import TZ, Finding, Subject

STATUSES: tuple[str, ...] = ("待审", "确认", "排除", "上报")
_STATUS_ALIASES = {
    "pending": "待审",
    "open": "待审",
    "new": "待审",
    "reopened": "待审",
    "unreviewed": "待审",
    "confirmed": "确认",
    "confirm": "确认",
    "dismissed": "排除",
    "dismiss": "排除",
    "escalated": "上报",
    "escalate": "上报",
    "reported": "上报",
}


class ReportError(Exception):
    """A report that cannot be produced (bad findings file, missing font…); message in Chinese."""


def status_zh(value: object) -> str:
    """The Chinese review status for a status value from the store (Chinese or English key)."""
    text = str(getattr(value, "value", value) or "").strip()
    if text in STATUSES:
        return text
    return _STATUS_ALIASES.get(text.lower(), text or "待审")


@dataclass(frozen=True)
class DecisionRecord:
    """One review decision: new status, who, when, why."""

    status: str
    user: str
    at: datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class SuppressedNote:
    """An active suppression rule and how many findings it keeps out of the report."""

    check_id: str
    subject: str  # "" when the rule covers every subject of the check
    reason: str
    by: str
    until: datetime
    findings: int


@dataclass
class ReportFinding:
    finding: Finding
    status: str = "待审"
    decisions: list[DecisionRecord] = field(default_factory=list)


@dataclass
class ReportInput:
    """Everything one report shows; `filtered()` applies the person filter."""

    case: CaseConfig
    findings: list[ReportFinding]
    dataset: Dataset
    generated_at: datetime = field(default_factory=lambda: datetime.now(ZoneInfo(TZ)))
    rulebook_version: str | None = None
    person: str | None = None
    sources: list[dict] = field(default_factory=list)
    origin: str = "findings.jsonl"
    mask_personal_data: bool = True
    suppressed: list[SuppressedNote] = field(default_factory=list)
    case_dir: Path | None = None
    """The case folder, when known: OCR evidence then shows the cropped image region."""

    def person_accounts(self, person_id: str) -> set[str]:
        return person_accounts(self.dataset, person_id)

    def person_name(self, person_id: str) -> str | None:
        rows = self.dataset.sql("SELECT name FROM people WHERE person_id = ?", [person_id]).to_pylist()
        return rows[0]["name"] if rows else None

    def filtered(self) -> ReportInput:
        """A copy holding only the findings about `person` (all findings when no person is set)."""
        if not self.person:
            return self
        accounts = self.person_accounts(self.person)
        kept = [rf for rf in self.findings if concerns_person(rf.finding, self.person, accounts)]
        return replace(self, findings=kept)


def person_accounts(dataset: Dataset, person_id: str) -> set[str]:
    """All account ids known to belong to a person (accounts table and people register)."""
    return accounts_of_people(dataset, [person_id])


def accounts_of_people(dataset: Dataset, person_ids: list[str]) -> set[str]:
    """All account ids of any of these people, in one query."""
    if not person_ids:
        return set()
    rows = dataset.sql(
        """
        WITH p AS (SELECT unnest($1::VARCHAR[]) AS person_id)
        SELECT account_id FROM accounts WHERE person_id IN (SELECT person_id FROM p)
        UNION SELECT unnest(wechat_ids) FROM people WHERE person_id IN (SELECT person_id FROM p)
        UNION SELECT unnest(alipay_accounts) FROM people WHERE person_id IN (SELECT person_id FROM p)
        """,
        [sorted(set(person_ids))],
    ).to_pylist()
    return {r["account_id"] for r in rows if r["account_id"]}


def _subject_matches(s: Subject, person_id: str, accounts: set[str]) -> bool:
    return (s.kind == "person" and s.id == person_id) or (s.kind == "account" and s.id in accounts)


def concerns_person(finding: Finding, person_id: str, accounts: set[str]) -> bool:
    """A finding concerns a person when its subject or a related subject is that person."""
    subjects = [finding.subject, *finding.related]
    return any(_subject_matches(s, person_id, accounts) for s in subjects)


def read_findings_file(path: Path) -> list[Finding]:
    """Parse a findings.jsonl file; a bad line raises `ReportError` naming the file and line."""
    findings: list[Finding] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}：无法读取发现文件：{exc}") from exc
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            findings.append(Finding.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise ReportError(f"{path} 第 {no} 行：不是有效的发现记录（{first}）") from exc
    return findings


def from_findings(case: CaseConfig, findings: list[Finding], dataset: Dataset, **kw) -> ReportInput:
    """A report input whose findings are all unreviewed (待审)."""
    return ReportInput(case=case, findings=[ReportFinding(f) for f in findings], dataset=dataset, **kw)
