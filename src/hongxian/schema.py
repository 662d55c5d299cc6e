"""Canonical tables and the Finding record: the contracts between stages.

The Arrow schemas of the tables live in `hongxian.canonical` (they need pyarrow; the findings contract
does not, so the self-check starts without it).

Every stage exchanges data only through these tables and `Finding` objects.
Times are ``timestamp[us, tz=Asia/Shanghai]``; money is integer fen (``amount_fen``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

TZ = "Asia/Shanghai"

Category = Literal[
    "integrity.gift_money",
    "integrity.vote_buying",
    "integrity.gambling",
    "integrity.commerce",
    "network.association",
    "secrecy.leak",
    "privacy.disclosure",
    "governance.workgroup",
    "governance.account",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")

PAYMENT_KINDS = (
    "red_packet",
    "transfer",
    "group_collection",
    "qr",
    "merchant",
    "refund",
    "gift_card",
    "other",
)
MESSAGE_KINDS = (
    "text",
    "image",
    "voice",
    "video",
    "file",
    "link",
    "quote",
    "transfer",
    "red_packet",
    "red_packet_claim",
    "system",
    "sticker",
    "location",
    "card",
    "call",
    "app",
    "other",
)


CASE_TABLES = ("people", "relations", "events", "group_register", "account_register")
SOURCE_TABLES = ("accounts", "groups", "group_members", "messages", "payments")
DERIVED_TABLES = ("attachments",)
"""Tables built from the source tables and the files beside them after the readers ran."""
PRIMARY_KEYS = {
    "people": ("person_id",),
    "accounts": ("account_id",),
    "groups": ("group_id",),
    "group_members": ("group_id", "account_id"),
    "messages": ("message_id",),
    "payments": ("payment_id",),
    "attachments": ("attachment_id", "block"),
}


# ---------------------------------------------------------------- findings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Subject(_Strict):
    kind: Literal["person", "account", "group"]
    id: str
    name: str | None = None


class Window(_Strict):
    start: datetime | None = None
    end: datetime | None = None


class Evidence(_Strict):
    table: Literal["messages", "payments", "groups", "group_members", "people", "accounts", "attachments"]
    id: str
    ts: datetime | None = None
    excerpt: str | None = None
    spans: list[tuple[int, int]] = Field(default_factory=list)
    amount_fen: int | None = None
    note: str | None = None


class RuleRef(_Strict):
    code: str
    article: str
    title: str | None = None
    penalties: str | None = None
    verified: bool = True
    code_id: str | None = None
    provision_id: str | None = None
    other_versions: list[str] = Field(default_factory=list)


class Finding(_Strict):
    """One finding, serialised as one line of findings.jsonl (the JSON Schema shipped as
    ``hongxian/findings.schema.json``, `findings_json_schema`; ``hongxian schema findings`` prints it)."""

    finding_id: str
    check_id: str
    category: Category
    severity: Severity
    score: float = Field(ge=0.0, le=1.0)
    title: str
    subject: Subject
    window: Window | None = None
    evidence: list[Evidence] = Field(min_length=1)
    rule_refs: list[RuleRef] = Field(min_length=1)
    explanation: str
    related: list[Subject] = Field(default_factory=list)
    suggestion: str | None = None

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)


FINDINGS_SCHEMA_FILE = "findings.schema.json"


def findings_schema_text() -> str:
    """The JSON Schema of one findings.jsonl line, as shipped inside the package."""
    from importlib.resources import files

    return files("hongxian").joinpath(FINDINGS_SCHEMA_FILE).read_text(encoding="utf-8")


def findings_json_schema() -> dict:
    import json

    return json.loads(findings_schema_text())
