"""The append-only, hash-chained audit log.

Row hash = sha256(canonical JSON of {id, ts, case_id, actor, action, target, detail} + prev_hash),
where canonical JSON has sorted keys, no spaces and UTF-8 text. ``audit_head`` keeps the last id
and hash, so a deleted tail row is detected as well as an edited, inserted or deleted middle row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hongxian.labels import AUDIT_ACTION_ZH
from hongxian.store.engine import GENESIS_HASH
from hongxian.store.models import AuditHeadRow, AuditRow


def canonical_json(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _ts_text(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: AuditRow, prev_hash: str) -> str:
    fields = {
        "id": row.id,
        "ts": _ts_text(row.ts),
        "case_id": row.case_id,
        "actor": row.actor,
        "action": row.action,
        "target": row.target,
        "detail": row.detail,
    }
    return hashlib.sha256((canonical_json(fields) + prev_hash).encode("utf-8")).hexdigest()


def append(
    session: Session,
    case_id: str | None,
    actor: str,
    action: str,
    target: str = "",
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditRow:
    """Add one row at the end of the chain (inside the caller's write transaction)."""
    head = session.get_one(AuditHeadRow, 1)  # created by migration 0001
    ts = (now or datetime.now(UTC)).astimezone(UTC)
    row = AuditRow(
        id=head.last_id + 1,
        ts=ts,
        case_id=case_id,
        actor=actor,
        action=action,
        target=target,
        detail=canonical_json(detail or {}),
        prev_hash=head.last_hash,
    )
    row.hash = row_hash(row, head.last_hash)
    head.last_id, head.last_hash = row.id, row.hash
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    first_bad_id: int | None = None
    problem: str = ""
    head_hash: str = ""
    checkpoints: int = 0  # signed checkpoints the chain was checked against (`review.checkpoint`)

    def message(self) -> str:
        if self.ok:
            anchored = f"，与 {self.checkpoints} 个签名检查点一致" if self.checkpoints else ""
            return f"审计日志完整：共 {self.rows} 条，哈希链校验通过{anchored}。"
        where = f"第 {self.first_bad_id} 条" if self.first_bad_id is not None else "日志末尾"
        return f"审计日志被篡改：{where}：{self.problem}（已校验 {self.rows} 条）"


def _check_row(row: AuditRow, expected_id: int, prev_hash: str) -> str:
    if row.id != expected_id:
        return f"序号不连续（应为 {expected_id}，实为 {row.id}），有记录被删除或插入"
    if row.prev_hash != prev_hash:
        return "前序哈希不符，前一条记录被修改、删除或插入"
    if row_hash(row, prev_hash) != row.hash:
        return "记录内容与哈希不符，本条记录被修改"
    return ""


def verify(session: Session) -> VerifyResult:
    """Recompute the whole chain; report the first broken row."""
    prev, expected, count = GENESIS_HASH, 1, 0
    stmt = select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=2000)
    for row in session.scalars(stmt):
        problem = _check_row(row, expected, prev)
        if problem:
            return VerifyResult(False, count, row.id, problem)
        prev, expected, count = row.hash, expected + 1, count + 1
        session.expunge(row)
    head = session.get(AuditHeadRow, 1)
    if head is None or head.last_id != count or head.last_hash != prev:
        return VerifyResult(False, count, None, "链尾与记录头不符，末尾记录被删除或记录头被修改")
    return VerifyResult(True, count, head_hash=prev)


def count_entries(session: Session, case_id: str | None = None) -> int:
    stmt = select(func.count()).select_from(AuditRow)
    if case_id is not None:
        stmt = stmt.where(AuditRow.case_id == case_id)
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: datetime
    case_id: str | None
    actor: str
    action: str
    action_label: str
    target: str
    detail: dict
    hash: str


def entries(session: Session, case_id: str, page: int, per_page: int) -> tuple[list[AuditEntry], int]:
    """Newest first: rows of this case plus case-less rows (logins, users)."""
    cond = (AuditRow.case_id == case_id) | AuditRow.case_id.is_(None)
    total = session.scalar(select(func.count()).select_from(AuditRow).where(cond)) or 0
    stmt = (
        select(AuditRow)
        .where(cond)
        .order_by(AuditRow.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    out = [
        AuditEntry(
            r.id,
            r.ts,
            r.case_id,
            r.actor,
            r.action,
            AUDIT_ACTION_ZH.get(r.action, r.action),
            r.target,
            json.loads(r.detail),
            r.hash,
        )
        for r in session.scalars(stmt)
    ]
    return out, total
