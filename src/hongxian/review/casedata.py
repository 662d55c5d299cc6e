"""The case data behind evidence rows: who paid whom, in which chat, with which memo, from which file.

Findings keep only a masked excerpt per evidence row. `CaseFacts` reads the rest from the case's
ingested dataset when a page or report shows the evidence: for a payment the payer and payee (names
as in people.csv, else the account's own name), the group or chat, the memo/blessing, the source
file and the row reference (transaction number / message id); for a message its sender, chat, text,
source and the surrounding conversation. Nothing read here is ever stored in findings or the store.

Text is masked by `hongxian.pii.mask_text` unless ``clear=True`` (a reveal by an allowed role,
audited by the caller).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from hongxian.case import CasePaths
from hongxian.dataset.dataset import Dataset
from hongxian.dataset.store import TableStore
from hongxian.pii import mask_text

CONTEXT = 3
"""Messages shown before and after a message in evidence."""

_NAMES_SQL = """
SELECT account_id, label FROM (
    SELECT a.account_id, coalesce(pe.name, nullif(a.remark, ''), nullif(a.display_name, ''),
                                  nullif(a.nickname, '')) AS label, 1 AS pri
    FROM accounts a LEFT JOIN people pe ON pe.person_id = a.person_id
    UNION ALL SELECT unnest(wechat_ids), name, 0 FROM people
    UNION ALL SELECT unnest(alipay_accounts), name, 0 FROM people
    UNION ALL SELECT group_id, name, 0 FROM groups
) WHERE label IS NOT NULL AND account_id = ANY($1::VARCHAR[])
ORDER BY pri
"""

_PAYMENTS_SQL = """
SELECT * FROM payments p WHERE p.payment_id = ANY($1::VARCHAR[])
"""

_MESSAGES_SQL = """
SELECT * FROM messages m WHERE m.message_id = ANY($1::VARCHAR[])
"""

_CONTEXT_SQL = """
WITH hit AS (SELECT chat_id, source_id, ts, message_id FROM messages WHERE message_id = ?),
ranked AS (
    SELECT m.message_id, m.ts, m.sender_account, m.text, m.kind, m.file_name,
           row_number() OVER (ORDER BY m.ts, m.message_id) AS rn
    FROM messages m, hit WHERE m.chat_id = hit.chat_id AND m.source_id = hit.source_id
)
SELECT r.* FROM ranked r, (SELECT rn FROM ranked WHERE message_id = ?) h
WHERE r.rn BETWEEN h.rn - ? AND h.rn + ? ORDER BY r.rn
"""


_OWNERS_SQL = """
SELECT account_id, person_id FROM (
    SELECT unnest(wechat_ids) AS account_id, person_id, 0 AS pri FROM people
    UNION ALL SELECT unnest(alipay_accounts), person_id, 0 FROM people
    UNION ALL SELECT account_id, person_id, 1 FROM accounts WHERE person_id IS NOT NULL
) WHERE account_id = ANY($1::VARCHAR[]) ORDER BY pri
"""

_ACCOUNTS_OF_SQL = """
SELECT account_id FROM accounts WHERE person_id = $1
UNION SELECT unnest(wechat_ids) FROM people WHERE person_id = $1
UNION SELECT unnest(alipay_accounts) FROM people WHERE person_id = $1
"""


@dataclass(frozen=True)
class PaymentFact:
    payment_id: str
    ts: datetime | None
    kind: str
    payer: str
    payer_account: str
    payee: str
    payee_account: str
    chat: str
    memo: str
    amount_fen: int | None
    status: str
    source: str
    row_ref: str

    table = "payments"


@dataclass(frozen=True)
class ChatLine:
    message_id: str
    ts: datetime | None
    sender: str
    text: str
    hit: bool


@dataclass(frozen=True)
class MessageFact:
    message_id: str
    ts: datetime | None
    sender: str
    sender_account: str
    chat: str
    text: str
    source: str
    row_ref: str
    context: tuple[ChatLine, ...] = ()

    table = "messages"


EvidenceFact = PaymentFact | MessageFact


def fact_text(fact: EvidenceFact) -> str:
    """The text a fact shows (for audit digests)."""
    if isinstance(fact, PaymentFact):
        return "\n".join([fact.payer, fact.payee, fact.chat, fact.memo])
    lines = [fact.sender, fact.chat, fact.text] + [f"{c.sender}:{c.text}" for c in fact.context]
    return "\n".join(lines)


def digest(facts: Iterable[EvidenceFact]) -> str:
    """SHA-256 of everything shown, so an audit entry pins what a reveal displayed without storing it."""
    h = hashlib.sha256()
    for f in facts:
        h.update(fact_text(f).encode("utf-8") + b"\x00")
    return h.hexdigest()


def _masked(text: str | None, clear: bool) -> str:
    if not text:
        return ""
    return text if clear else mask_text(text)


def _chat_label(chat_id: str | None, names: dict[str, str], is_group: bool | None = None) -> str:
    if not chat_id:
        return ""
    group = is_group if is_group is not None else chat_id.endswith("@chatroom")
    name = names.get(chat_id) or chat_id.removeprefix("chatname:")
    return f"群聊“{name}”" if group else f"与 {name} 的私聊"


class CaseFacts:
    """Evidence facts read from one case's dataset (see the module docstring)."""

    def __init__(self, dataset: Dataset, sources: dict[str, str] | None = None) -> None:
        self.dataset = dataset
        self.sources = sources or {}  # source_id → file path (relative to the case folder)
        self._lock = threading.Lock()  # one DuckDB connection; web requests run in a thread pool
        self._accounts: dict[str, set[str]] = {}  # per-person look-ups, cached for this dataset
        self._names: dict[str, str | None] = {}

    def _sql(self, query: str, params: list | None = None) -> list[dict]:
        with self._lock:
            return self.dataset.sql(query, params).to_pylist()

    @classmethod
    def open(cls, case_dir: Path) -> CaseFacts:
        state = CasePaths(Path(case_dir)).state
        rows = TableStore(state).sources().select(["source_id", "path"]).to_pylist()
        return cls(Dataset.open(state), {r["source_id"]: r["path"] for r in rows if r["source_id"]})

    def _source(self, source_id: str | None) -> str:
        return self.sources.get(source_id or "", source_id or "")

    def names(self, accounts: Iterable[str | None]) -> dict[str, str]:
        wanted = sorted({a for a in accounts if a})
        if not wanted:
            return {}
        out: dict[str, str] = {}
        for r in self._sql(_NAMES_SQL, [wanted]):
            out.setdefault(r["account_id"], r["label"])
        return out

    def _name(self, account: str | None, names: dict[str, str], fallback: str = "") -> str:
        if not account:
            return fallback or "（未知）"
        for prefix in ("wxname:", "alipayname:"):
            if account.startswith(prefix):
                return account[len(prefix) :]
        return names.get(account, account)

    def payments(self, ids: list[str], clear: bool = False) -> dict[str, PaymentFact]:
        if not ids:
            return {}
        rows = self._sql(_PAYMENTS_SQL, [sorted(set(ids))])
        names = self.names(a for r in rows for a in (r["payer_account"], r["payee_account"], r["chat_id"]))
        out = {}
        for r in rows:
            group = bool(r["chat_id"] and r["chat_id"].endswith("@chatroom"))
            payee = self._name(r["payee_account"], names, r["counterparty_name"] or "")
            if not r["payee_account"] and group:
                payee = f"群聊“{names.get(r['chat_id'], r['chat_id'])}”（群红包，领取人不详）"
            ref = [
                f"交易单号 {r['txn_id']}" if r["txn_id"] else "",
                f"消息 {r['message_id']}" if r["message_id"] else "",
            ]
            out[r["payment_id"]] = PaymentFact(
                payment_id=r["payment_id"],
                ts=r["ts"],
                kind=r["kind"] or "",
                payer=self._name(r["payer_account"], names, r["counterparty_name"] or ""),
                payer_account=r["payer_account"] or "",
                payee=payee,
                payee_account=r["payee_account"] or "",
                chat=_chat_label(r["chat_id"], names),
                memo=_masked(r["memo"], clear),
                amount_fen=r["amount_fen"],
                status=r["status"] or "",
                source=self._source(r["source_id"]),
                row_ref="；".join(x for x in ref if x) or r["payment_id"],
            )
        return out

    def _context(self, message_id: str, names: dict[str, str], clear: bool, n: int) -> tuple[ChatLine, ...]:
        rows = self._sql(_CONTEXT_SQL, [message_id, message_id, n, n])
        missing = [r["sender_account"] for r in rows if r["sender_account"] not in names]
        names.update(self.names(missing))
        return tuple(
            ChatLine(
                r["message_id"],
                r["ts"],
                self._name(r["sender_account"], names),
                _masked(r["text"] or r["file_name"] or f"（{r['kind'] or '消息'}）", clear),
                r["message_id"] == message_id,
            )
            for r in rows
        )

    def messages(self, ids: list[str], clear: bool = False, context: int = CONTEXT) -> dict[str, MessageFact]:
        if not ids:
            return {}
        rows = self._sql(_MESSAGES_SQL, [sorted(set(ids))])
        names = self.names(a for r in rows for a in (r["sender_account"], r["chat_id"]))
        out = {}
        for r in rows:
            ref = f"消息 {r['message_id']}" + (f"（服务器编号 {r['server_id']}）" if r["server_id"] else "")
            out[r["message_id"]] = MessageFact(
                message_id=r["message_id"],
                ts=r["ts"],
                sender=self._name(r["sender_account"], names),
                sender_account=r["sender_account"] or "",
                chat=_chat_label(r["chat_id"], names, r["is_group"]),
                text=_masked(r["text"] or r["file_name"], clear),
                source=self._source(r["source_id"]),
                row_ref=ref,
                context=self._context(r["message_id"], names, clear, context) if context else (),
            )
        return out

    def owners(self, accounts: list[str]) -> dict[str, str]:
        """Account → person id, from the accounts table and the people register."""
        out: dict[str, str] = {}
        for r in self._sql(_OWNERS_SQL, [accounts]):
            out.setdefault(r["account_id"], r["person_id"])
        return out

    def accounts_of(self, person_id: str) -> set[str]:
        if person_id not in self._accounts:
            rows = self._sql(_ACCOUNTS_OF_SQL, [person_id])
            self._accounts[person_id] = {r["account_id"] for r in rows if r["account_id"]}
        return set(self._accounts[person_id])

    def person_names(self, person_ids: list[str]) -> dict[str, str]:
        rows = self._sql(
            "SELECT person_id, name FROM people WHERE person_id = ANY($1::VARCHAR[])", [person_ids]
        )
        return {r["person_id"]: r["name"] for r in rows if r["name"]}

    def person_name(self, person_id: str) -> str | None:
        if person_id not in self._names:
            rows = self._sql("SELECT name FROM people WHERE person_id = ?", [person_id])
            self._names[person_id] = rows[0]["name"] if rows else None
        return self._names[person_id]

    def evidence(
        self, keys: Iterable[tuple[str, str]], clear: bool = False, context: int = CONTEXT
    ) -> dict[tuple[str, str], EvidenceFact]:
        """Facts for evidence rows ``(table, id)``; rows of other tables or not in the dataset are absent."""
        keys = list(keys)
        pays = self.payments([i for t, i in keys if t == "payments"], clear)
        msgs = self.messages([i for t, i in keys if t == "messages"], clear, context)
        out: dict[tuple[str, str], EvidenceFact] = {}
        out.update({("payments", k): v for k, v in pays.items()})
        out.update({("messages", k): v for k, v in msgs.items()})
        return out


def without_context(fact: EvidenceFact) -> EvidenceFact:
    return replace(fact, context=()) if isinstance(fact, MessageFact) else fact
