"""What every reader implements and what it writes into.

A reader turns one file into canonical rows. It never raises on bad rows: it calls
``sink.reject(...)`` with the row number and a reason and carries on. It raises
`UnreadableSource` only when the whole file cannot be used (then nothing of it is kept).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from hongxian.canonical import SCHEMAS
from hongxian.ingest.containers import is_zip, zip_problem
from hongxian.plugins import Registry
from hongxian.schema import SOURCE_TABLES

BATCH_ROWS = 65_536


class UnreadableSource(Exception):
    """The file looked like this format but cannot be read at all (reason in Chinese)."""


@dataclass(frozen=True)
class PersonRef:
    person_id: str
    name: str
    wechat_ids: tuple[str, ...] = ()
    wechat_nicknames: tuple[str, ...] = ()
    alipay_accounts: tuple[str, ...] = ()
    is_official: bool = False


@dataclass
class PeopleIndex:
    """Look-ups from what exports show (wxid, 微信号, nickname, Alipay account) to people.csv."""

    people: dict[str, PersonRef] = field(default_factory=dict)
    by_wechat_id: dict[str, str] = field(default_factory=dict)
    by_nickname: dict[str, list[str]] = field(default_factory=dict)
    by_alipay: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)

    def add(self, p: PersonRef) -> None:
        self.people[p.person_id] = p
        for w in p.wechat_ids:
            self.by_wechat_id.setdefault(w, p.person_id)
        for n in p.wechat_nicknames:
            self.by_nickname.setdefault(n, []).append(p.person_id)
        for a in p.alipay_accounts:
            self.by_alipay.setdefault(a, p.person_id)
        self.by_name.setdefault(p.name, []).append(p.person_id)

    def person_by_nickname(self, nickname: str) -> str | None:
        """Unique person with this 微信昵称, else None (never a guess between two)."""
        ids = self.by_nickname.get(nickname.strip()) or []
        return ids[0] if len(set(ids)) == 1 else None

    def wechat_account(self, person_id: str) -> str | None:
        """The person's first listed wxid / 微信号, the account id used for them."""
        p = self.people.get(person_id)
        return p.wechat_ids[0] if p and p.wechat_ids else None


@dataclass
class SourceContext:
    """What a reader knows about the file it reads."""

    path: Path
    rel_path: str
    source_id: str
    declared_owner: str | None
    people: PeopleIndex


@dataclass
class Reject:
    row_number: int
    raw: str
    error: str
    column: str | None = None
    row_lost: bool = True  # False: the source row was kept; only something derived from it was not


class Sink:
    """Collects a reader's rows as Arrow batches (bounded memory), its rejects and warnings."""

    def __init__(self, source_id: str, on_batch: Callable[[str, pa.RecordBatch], None] | None = None):
        self.source_id = source_id
        self._rows: dict[str, list[dict]] = {t: [] for t in SOURCE_TABLES}
        self._on_batch = on_batch
        self._pending: dict[str, list[pa.RecordBatch]] = {t: [] for t in SOURCE_TABLES}
        self.batches: dict[str, list[pa.RecordBatch]] = {t: [] for t in SOURCE_TABLES}
        self.counts: dict[str, int] = dict.fromkeys(SOURCE_TABLES, 0)
        self.rejects: list[Reject] = []
        self.warnings: list[str] = []
        self.owner_account: str | None = None
        self.owner_person: str | None = None
        self.format_label: str | None = None
        self.rows_in = 0  # source rows the reader met (`count_in`)
        self.row_tables: tuple[str, ...] = ("messages",)  # tables with one row per accepted source row
        self.ok_without_row = 0  # accepted source rows that add no row to `row_tables` (`accept`)

    def add(self, table: str, row: dict) -> None:
        row.setdefault("source_id", self.source_id)
        buf = self._rows[table]
        buf.append(row)
        self.counts[table] += 1
        if len(buf) >= BATCH_ROWS:
            self._flush(table)

    def add_columns(self, table: str, columns: dict[str, list | pa.Array | pa.ChunkedArray]) -> None:
        """Column-wise fast path: equal-length lists or Arrow arrays by column name; missing columns
        become null, ``source_id`` is filled. Rows written before with `add` keep their place."""
        self._flush(table)
        n = len(next(iter(columns.values()))) if columns else 0
        if n == 0:
            return
        schema = SCHEMAS[table]
        arrays = [_column(columns.get(f.name), f.type, n) for f in schema]
        if "source_id" not in columns:
            arrays[schema.get_field_index("source_id")] = pa.array([self.source_id] * n, pa.string())
        batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
        self.counts[table] += n
        self._emit(table, batch)

    def count_in(self, n: int = 1) -> None:
        """``n`` more source rows were met (each ends up accepted or rejected)."""
        self.rows_in += n

    def accept(self, n: int = 1) -> None:
        """``n`` source rows were accepted without a row in `row_tables` (a chat room's Contact row)."""
        self.ok_without_row += n

    def reject(
        self, row_number: int, raw: str, error: str, column: str | None = None, row_lost: bool = True
    ) -> None:
        self.rejects.append(Reject(row_number, raw[:2000], error, column, row_lost))

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def set_owner(self, account: str | None, person: str | None) -> None:
        self.owner_account, self.owner_person = account, person

    def _flush(self, table: str) -> None:
        rows = self._rows[table]
        if not rows:
            return
        schema = SCHEMAS[table]
        # One C++ pass over the dicts (missing keys → null); ~7× faster than a list per column.
        batch = pa.RecordBatch.from_struct_array(pa.array(rows, type=pa.struct(list(schema))))
        self._rows[table] = []
        self._emit(table, batch)

    def _emit(self, table: str, batch: pa.RecordBatch) -> None:
        if not self._on_batch:
            self.batches[table].append(batch)
            return
        # Streamed batches are coalesced to ~BATCH_ROWS rows (one Parquet row group each).
        pending = self._pending[table]
        pending.append(batch)
        if sum(b.num_rows for b in pending) >= BATCH_ROWS:
            self._send(table)

    def _send(self, table: str) -> None:
        pending = self._pending[table]
        if pending and self._on_batch is not None:
            self._on_batch(table, pending[0] if len(pending) == 1 else pa.concat_batches(pending))
            self._pending[table] = []

    def close(self) -> None:
        for table in SOURCE_TABLES:
            self._flush(table)
            if self._on_batch:
                self._send(table)

    def table(self, name: str) -> pa.Table:
        """All rows of one table (only when no on_batch callback streams them away)."""
        self._flush(name)
        return pa.Table.from_batches(self.batches[name], schema=SCHEMAS[name])

    @property
    def rows_ok(self) -> int:
        """Source rows accepted: the rows written to the reader's `row_tables` (bill rows → payments;
        MSG rows and chat lines → messages; Contact → accounts, ChatRoom → groups) plus `accept`ed
        ones. Rows derived from others (chat payments, members, counterparties) are not counted."""
        return sum(self.counts[t] for t in self.row_tables) + self.ok_without_row

    @property
    def rows_rejected(self) -> int:
        """Source rows rejected (a kept row whose derived payment failed is not one)."""
        return sum(1 for r in self.rejects if r.row_lost)


@contextmanager
def few_collections(threshold: int = 50_000) -> Iterator[None]:
    """Fewer cyclic-GC passes while a reader runs. Readers allocate millions of short-lived,
    acyclic objects (rows, cells, XML trees); with the default threshold (700) a 1M-row export
    triggers thousands of collections, each scanning every live object, for nothing to free
    (~20 % of a reader's time). Collection stays on, only rarer; the thresholds are restored."""
    old = gc.get_threshold()
    if old[0] >= threshold:
        yield
        return
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _column(values, typ: pa.DataType, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, typ)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == typ else values.cast(typ)
    return pa.array(values, typ)


class Reader(Protocol):
    """One export format. ``sniff`` looks at content only, never at the file name."""

    name: str
    label: str

    def sniff(self, path: Path, head: bytes) -> bool: ...

    def read(self, ctx: SourceContext, sink: Sink) -> None: ...


HEAD_BYTES = 64 * 1024


class ReaderRegistry(Registry[Reader]):
    """Readers in sniffing order."""

    kind = "reader"

    def pick(self, path: Path) -> Reader | None:
        """The first reader whose ``sniff`` accepts the file (see `identify` for the reasons)."""
        return self.identify(path)[0]

    def identify(self, path: Path) -> tuple[Reader | None, str | None]:
        """(reader, None), or (None, why the file cannot be read) — or (None, None): not recognised.

        An archive is checked for zip bombs before any reader opens it. A ``sniff`` that raises
        counts as "not this format" (a broken file must not stop the others); when no reader
        accepts the file, the first such error is the reason."""
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        if not head:
            return None, None
        if is_zip(head) and (problem := zip_problem(path)) is not None:
            return None, problem
        error = None
        for reader in self:
            try:
                if reader.sniff(path, head):
                    return reader, None
            except Exception as exc:  # noqa: BLE001 - any error in a sniff is a property of the file
                error = error or f"识别格式时出错（{reader.label}）：{type(exc).__name__}: {exc}"
        return None, error

    def order(self) -> list[str]:
        """Reader names in sniffing order."""
        return [r.name for r in self]
