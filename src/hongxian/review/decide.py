"""Recording a decision with an optimistic version check (one of two concurrent reviewers wins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from hongxian.review import audit
from hongxian.review.detail import Decision, decision_of, get_stored
from hongxian.review.errors import ConflictError, ReviewInputError
from hongxian.review.roles import User
from hongxian.review.status import DISMISSED, parse_status, status_label
from hongxian.store.models import DecisionRow, StoredFinding

MAX_REASON = 4000


def validate(status: str, reason: str | None) -> tuple[str, str]:
    code = parse_status(status)
    text = (reason or "").strip()
    if code == DISMISSED and not text:
        raise ReviewInputError("排除线索必须填写理由")
    if len(text) > MAX_REASON:
        raise ReviewInputError(f"理由过长（最多 {MAX_REASON} 字）")
    return code, text


def record(
    session: Session,
    case_id: str,
    user: User,
    finding_id: str,
    status: str,
    reason: str,
    expected_version: int,
    now: datetime,
) -> Decision | ConflictError:
    """Inside a write transaction. On a version mismatch the attempt is audited and a ConflictError
    is *returned* (so the caller commits the audit row, then raises it)."""
    row = get_stored(session, case_id, finding_id)
    old_status, new_version = row.status, expected_version + 1
    stmt = (
        update(StoredFinding)
        .where(StoredFinding.id == row.id, StoredFinding.version == expected_version)
        .values(status=status, version=new_version, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    # an UPDATE always yields a CursorResult (Session.execute is typed with the general Result)
    result = cast(CursorResult[Any], session.execute(stmt))
    if result.rowcount != 1:
        session.refresh(row)
        audit.append(
            session,
            case_id,
            user.name,
            "decide_conflict",
            f"finding:{finding_id}",
            {
                "status": status,
                "reason": reason,
                "expected_version": expected_version,
                "current_version": row.version,
                "current_status": row.status,
            },
            now=now,
        )
        return ConflictError(
            f"冲突：线索 {finding_id} 已被他人处理"
            f"（当前状态：{status_label(row.status)}，版本 {row.version}），"
            f"您提交的“{status_label(status)}”未保存，请刷新后重新审查。",
            current_version=row.version,
            current_status=row.status,
        )
    drow = DecisionRow(
        finding_pk=row.id,
        actor=user.name,
        user_id=user.id,
        from_status=old_status,
        status=status,
        reason=reason,
        version=new_version,
        created_at=now,
    )
    session.add(drow)
    session.flush()
    audit.append(
        session,
        case_id,
        user.name,
        "decide",
        f"finding:{finding_id}",
        {"from": old_status, "to": status, "reason": reason, "version": new_version},
        now=now,
    )
    return decision_of(drow, finding_id)
