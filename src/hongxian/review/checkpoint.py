"""Signed audit checkpoints: the hash chain anchored outside the database (issue 13 item 12).

The chain (`review.audit`) detects an edited or removed row, but not a truncated tail whose
``audit_head`` was rolled back with it, nor a chain recomputed from scratch: whoever can write the
database can do both. A checkpoint records the chain's last row id and hash, signed with an HMAC
key that is not in the database: ``HONGXIAN_AUDIT_KEY`` (hex or text) or the case folder's
``audit.key`` file (created, mode 0600, on first use). Every report export appends one to
``CASE_DIR/audit-checkpoints.jsonl`` and writes it beside the report file
(``<report>.审计检查点.txt``); ``hongxian audit verify`` checks the chain against all of them
(and any given with ``--checkpoint``) and prints a new one. A truncated or rewritten chain no longer
holds the checkpointed row with that hash; a forged checkpoint fails its signature.

Text form: ``hxcp1:<case_id>:<last_id>:<last_hash>:<UTC time>:<hmac-sha256 hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from hongxian.review.audit import VerifyResult, verify
from hongxian.store.models import AuditHeadRow, AuditRow

KEY_ENV = "HONGXIAN_AUDIT_KEY"
KEY_FILE = "audit.key"
LOG_FILE = "audit-checkpoints.jsonl"
SIDECAR_SUFFIX = ".审计检查点.txt"
PREFIX = "hxcp1"


class CheckpointError(ValueError):
    """A checkpoint text that cannot be read (reason in Chinese)."""


def load_key(case_dir: Path | None, create: bool = True) -> bytes | None:
    """The HMAC key: ``HONGXIAN_AUDIT_KEY``, else ``CASE_DIR/audit.key`` (created when ``create``)."""
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        try:
            return bytes.fromhex(env)
        except ValueError:
            return env.encode("utf-8")
    if case_dir is None:
        return None
    path = Path(case_dir) / KEY_FILE
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    if not create:
        return None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@dataclass(frozen=True)
class Checkpoint:
    case_id: str
    last_id: int
    last_hash: str
    at: str  # UTC, ISO 8601
    mac: str

    def text(self) -> str:
        return ":".join((PREFIX, self.case_id, str(self.last_id), self.last_hash, self.at, self.mac))

    def signed_by(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, _mac(key, self.case_id, self.last_id, self.last_hash, self.at))

    @staticmethod
    def parse(text: str) -> Checkpoint:
        parts = text.strip().split(":")
        # the time holds colons itself: prefix, case, id, hash … time … mac
        if len(parts) < 6 or parts[0] != PREFIX:
            raise CheckpointError(f"无法识别的审计检查点：“{text.strip()[:80]}”（应以 {PREFIX}: 开头）")
        try:
            return Checkpoint(parts[1], int(parts[2]), parts[3], ":".join(parts[4:-1]), parts[-1])
        except ValueError:
            raise CheckpointError(f"审计检查点格式有误：“{text.strip()[:80]}”") from None


def _mac(key: bytes, case_id: str, last_id: int, last_hash: str, at: str) -> str:
    message = f"{PREFIX}\x1f{case_id}\x1f{last_id}\x1f{last_hash}\x1f{at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def take(session: Session, case_id: str, key: bytes, now: datetime) -> Checkpoint:
    """A signed checkpoint of the chain as it is now."""
    head = session.get(AuditHeadRow, 1)
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, "")
    at = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Checkpoint(case_id, last_id, last_hash, at, _mac(key, case_id, last_id, last_hash, at))


def record(case_dir: Path, checkpoint: Checkpoint) -> None:
    """Append to ``CASE_DIR/audit-checkpoints.jsonl``."""
    with open(Path(case_dir) / LOG_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(checkpoint), ensure_ascii=False) + "\n")


def recorded(case_dir: Path) -> list[Checkpoint]:
    """The checkpoints of the case folder's log (an unreadable line raises `CheckpointError`)."""
    path = Path(case_dir) / LOG_FILE
    if not path.is_file():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(Checkpoint(**json.loads(line)))
        except (ValueError, TypeError):
            raise CheckpointError(f"{LOG_FILE} 第 {number} 行无法读取，检查点文件可能被改动") from None
    return out


def problems(session: Session, case_id: str, key: bytes, checkpoints: list[Checkpoint]) -> list[str]:
    """Why the chain does not match the checkpoints (Chinese sentences); empty when it does."""
    out = []
    for cp in checkpoints:
        label = f"检查点（{cp.at}，第 {cp.last_id} 条）"
        if cp.case_id != case_id:
            out.append(f"{label}属于案件 {cp.case_id}，不是本案件 {case_id}")
        elif not cp.signed_by(key):
            out.append(f"{label}签名不符：检查点被改动，或密钥不是签发时的密钥")
        elif cp.last_id == 0:
            continue
        elif (row := session.get(AuditRow, cp.last_id)) is None:
            out.append(f"{label}所记录的审计记录已不存在：日志末尾被删除（截断）")
        elif row.hash != cp.last_hash:
            out.append(f"{label}所记录的哈希与日志中第 {cp.last_id} 条不符：日志被重写")
    return out


def take_and_record(session: Session, case_id: str, case_dir: Path, now: datetime) -> Checkpoint:
    """A checkpoint signed with the case key, appended to the case's checkpoint log."""
    key = load_key(case_dir)
    assert key is not None  # created when missing
    cp = take(session, case_id, key, now)
    record(case_dir, cp)
    return cp


def verify_anchored(session: Session, case_id: str, case_dir: Path | None, given=()) -> VerifyResult:
    """The hash chain (`audit.verify`), then the chain against every recorded checkpoint of the
    case folder and the ``given`` checkpoint texts."""
    result = verify(session)
    cps = [Checkpoint.parse(t) for t in given] + (recorded(case_dir) if case_dir else [])
    if not result.ok or not cps:
        return result
    key = load_key(case_dir, create=False)
    if key is None:
        return replace(result, ok=False, problem="找不到签发检查点的密钥（HONGXIAN_AUDIT_KEY 或 audit.key）")
    found = problems(session, case_id, key, cps)
    if found:
        return replace(result, ok=False, problem="；".join(found))
    return replace(result, checkpoints=len(cps))
