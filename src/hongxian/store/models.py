"""SQLAlchemy 2 models of the case store (one database may hold several cases).

Findings keep the full `Finding` JSON in ``data`` plus indexed columns for the triage queue.
Decisions and the audit log are append-only; the audit log is hash-chained (see review/audit.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hongxian.store.types import UTCDateTime

ID_LEN = 200


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        # Every model here is mapped to a plain Table (DeclarativeBase types it as any FromClause).
        __table__: ClassVar[Table]


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SourceRow(Base):
    """An input file seen by a run (path + sha256), first and last run that used it."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("case_id", "path", "sha256", name="uq_sources_case_path_sha"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(128))
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class RunRow(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(ID_LEN))
    rulebook_version: Mapped[str] = mapped_column(String(ID_LEN))
    params: Mapped[dict] = mapped_column(JSON)
    input_hashes: Mapped[dict] = mapped_column(JSON)
    n_findings: Mapped[int] = mapped_column(Integer, default=0)
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_updated: Mapped[int] = mapped_column(Integer, default=0)
    n_reopened: Mapped[int] = mapped_column(Integer, default=0)
    n_unchanged: Mapped[int] = mapped_column(Integer, default=0)


class StoredFinding(Base):
    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("case_id", "finding_id", name="uq_findings_case_fid"),
        # One index per queue order (migration 0002): the sort columns, then ``id`` (the tie-breaker
        # of every order), then ``suppressed_until``. Counts and the ids of any page (however deep)
        # are index-only scans; the page's rows are then fetched by primary key.
        Index("ix_findings_queue", "case_id", "severity_rank", "score", "id", "suppressed_until"),
        Index(
            "ix_findings_category", "case_id", "category", "severity_rank", "score", "id", "suppressed_until"
        ),
        Index("ix_findings_status", "case_id", "status", "severity_rank", "score", "id", "suppressed_until"),
        Index("ix_findings_score", "case_id", "score", "id", "suppressed_until"),
        Index("ix_findings_check", "case_id", "check_id", "severity_rank", "id", "suppressed_until"),
        Index("ix_findings_subject", "case_id", "subject_id", "severity_rank", "id", "suppressed_until"),
        Index("ix_findings_window", "case_id", "window_start", "id", "suppressed_until"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    finding_id: Mapped[str] = mapped_column(String(ID_LEN))
    check_id: Mapped[str] = mapped_column(String(ID_LEN))
    category: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(ID_LEN))
    subject_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_seen_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    evidence_hash: Mapped[str] = mapped_column(String(64))
    evidence_count: Mapped[int] = mapped_column(Integer)
    data_hash: Mapped[str] = mapped_column(String(64))
    suppressed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FindingContentRow(Base):
    """The full Finding (canonical JSON, sha256 = findings.data_hash), kept out of the narrow
    ``findings`` table so that queue scans and counts stay small."""

    __tablename__ = "finding_content"
    finding_pk: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    data: Mapped[str] = mapped_column(Text)


class FindingSearchRow(Base):
    """Lower-cased, already masked text of a finding for the queue's free-text filter (a narrow
    table: a substring scan reads only this text)."""

    __tablename__ = "finding_search"
    finding_pk: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    search_text: Mapped[str] = mapped_column(Text)


class SearchGramRow(Base):
    """The free-text index (store/search_index.py): for each character bigram of the search text,
    the findings containing it, as a uint16 array of ``pk & 16383`` per block ``pk >> 14``."""

    __tablename__ = "search_grams"
    __table_args__ = {"sqlite_with_rowid": False}
    case_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    gram: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    block: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)
    pks: Mapped[bytes] = mapped_column(LargeBinary)


class FindingCountRow(Base):
    """Findings per (case, status, category, severity), kept by triggers on ``findings`` (migration
    0002, store/counters.py): the overview and the queue's totals read these few rows."""

    __tablename__ = "finding_counts"
    case_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    severity_rank: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)


class FindingPartyRow(Base):
    """Every subject/related id of a finding (person ids, accounts, groups): the 'person' filter."""

    __tablename__ = "finding_parties"
    __table_args__ = (Index("ix_parties_party", "case_id", "party_id", "finding_pk"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(ID_LEN))
    finding_pk: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str] = mapped_column(String(ID_LEN))
    role: Mapped[str] = mapped_column(String(16))


class EvidenceRow(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_pk: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(ID_LEN))
    ts: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    excerpt_clear: Mapped[str | None] = mapped_column(Text, nullable=True)
    spans: Mapped[list] = mapped_column(JSON)
    amount_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class DecisionRow(Base):
    """Append-only: every status change (by a person or by re-screening) is one row."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_pk: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(ID_LEN))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    from_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SuppressionRow(Base):
    __tablename__ = "suppressions"
    __table_args__ = (Index("ix_suppressions_check", "case_id", "check_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    check_id: Mapped[str] = mapped_column(String(ID_LEN))
    subject_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(ID_LEN), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(ID_LEN))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(ID_LEN), nullable=True)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(ID_LEN), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionRow(Base):
    """A login session; only the sha256 of the token is stored."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditRow(Base):
    """Append-only log; ``hash`` = sha256(canonical JSON of the row fields + ``prev_hash``)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[str | None] = mapped_column(String(ID_LEN), nullable=True)
    actor: Mapped[str] = mapped_column(String(ID_LEN))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """One row (id=1): the last sequence number and hash. Locked FOR UPDATE to serialise writers."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
