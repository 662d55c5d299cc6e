"""Reading SQLite evidence that may be damaged: schema by bytes, rows by rowid range.

A decrypted WeChat database can have corrupt pages (a bad decryption of one page, a truncated
copy). SQLite then fails the query that touches such a page, and one failed ``SELECT`` used to
cost the whole table. Here a table is read in rowid ranges, each its own query
(``WHERE rowid >= ? ORDER BY rowid LIMIT ?``); when a range fails, the rows before the damage
are read with smaller and smaller limits, the first readable rowid after it is found by probing
(one b-tree descent per probe: doubling steps, then bisection), and the reader is told which
rowids were lost. Text is decoded strictly (sqlite3's own, fast) until a cell with invalid UTF-8
appears; from then on with U+FFFD replacement, so no row is lost or repeated for its encoding.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MIN_ROWID, MAX_ROWID = -(1 << 63), (1 << 63) - 1


def open_readonly(path: Path) -> sqlite3.Connection:
    """Read-only and ``immutable``: evidence is never written to (no -shm, no journal)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def decode_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def quote_ident(name: str) -> str:
    """An SQL identifier in double quotes (a ``"`` inside is doubled)."""
    return '"' + name.replace('"', '""') + '"'


def table_columns(con: sqlite3.Connection, problems: list[str] | None = None) -> dict[str, set[str]]:
    """Lower-cased table name → its column names (as declared).

    Names are read as bytes: a table whose name is not UTF-8, or whose columns cannot be listed,
    is left out and described in ``problems`` instead of making the whole file unreadable."""
    con.text_factory = bytes
    try:
        raw_names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for raw in raw_names:
            if not isinstance(raw, bytes):
                continue
            try:
                name = raw.decode("utf-8")
                rows = con.execute(f"PRAGMA table_info({quote_ident(name)})").fetchall()
            except (UnicodeDecodeError, sqlite3.Error) as exc:
                if problems is not None:
                    shown = raw.decode("utf-8", errors="replace")
                    problems.append(f"表“{shown}”无法读取（{type(exc).__name__}），已跳过")
                continue
            out[name.lower()] = {decode_text(r[1]) if isinstance(r[1], bytes) else str(r[1]) for r in rows}
        return out
    finally:
        con.text_factory = str


@dataclass
class RowidScan:
    """``SELECT rowid, <columns> FROM <table>`` in rowid order, in chunks, around damaged pages.

    Iterating yields lists of rows (rowid first). `lost` lists the (first, last) rowid ranges that
    could not be read; `warn` receives one Chinese sentence per damaged range."""

    con: sqlite3.Connection
    table: str
    columns: str
    warn: Callable[[str], None]
    size: int = 4096
    lost: list[tuple[int, int]] = field(default_factory=list)
    rows_read: int = 0
    _tolerant: bool = False

    def __iter__(self) -> Iterator[list[tuple]]:
        try:
            self._select(MIN_ROWID, 1)
        except sqlite3.OperationalError as exc:
            if "rowid" not in str(exc):
                raise
            yield from self._without_rowid()
            return
        except sqlite3.DatabaseError:
            pass  # the first page is damaged: the scan below works around it
        lo: int | None = MIN_ROWID
        while lo is not None:
            try:
                raw, damaged = self._select(lo, self.size), False
            except sqlite3.DatabaseError:
                raw, damaged = self._before_damage(lo), True
            chunk = [r for r in raw if type(r[0]) is int and r[0] >= lo]  # a damaged tree can go back
            if chunk:
                self.rows_read += len(chunk)
                yield chunk
                last = max(r[0] for r in chunk)
                lo = None if last >= MAX_ROWID else last + 1
            elif raw:
                self.warn(f"{self.table} 表的行序错乱（数据页损坏），自 rowid {lo} 起的行未能读取")
                return
            elif not damaged:
                return
            else:
                resume = self._skip(lo)
                self._report(lo, resume)
                lo = resume

    def _select(self, lo: int, limit: int) -> list[tuple]:
        sql = f"SELECT rowid, {self.columns} FROM {self.table} WHERE rowid >= ? ORDER BY rowid LIMIT ?"
        while True:
            self.con.text_factory = decode_text if self._tolerant else str
            try:
                return self.con.execute(sql, (lo, limit)).fetchall()
            except sqlite3.OperationalError as exc:
                if self._tolerant or "decode" not in str(exc):
                    raise
                self._tolerant = True

    def _before_damage(self, lo: int) -> list[tuple]:
        """The rows from ``lo`` up to the first unreadable one (halving the limit until a query works)."""
        limit = self.size // 2
        while limit >= 1:
            try:
                return self._select(lo, limit)
            except sqlite3.DatabaseError:
                limit //= 2
        return []

    def _probe(self, lo: int) -> bool:
        try:
            self.con.execute(
                f"SELECT rowid FROM {self.table} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (lo,)
            ).fetchall()
            return True
        except sqlite3.DatabaseError:
            return False

    def _skip(self, bad: int) -> int | None:
        """The smallest rowid > ``bad`` from which reading works again; None when none does."""
        bad = max(bad, 0)  # rowids are positive in practice; below 0 the doubling would take 63 probes
        step, ok = 1, None
        while bad + step <= MAX_ROWID:
            if self._probe(bad + step):
                ok = bad + step
                break
            step *= 2
        if ok is None:
            return None
        low = bad + step // 2  # failed (or is ``bad`` itself)
        while ok - low > 1:
            mid = (low + ok) // 2
            if self._probe(mid):
                ok = mid
            else:
                low = mid
        return ok

    def _without_rowid(self) -> Iterator[list[tuple]]:
        """A WITHOUT ROWID table: one tolerant scan; a damaged page ends it (said in a warning)."""
        self.con.text_factory = decode_text
        cur = self.con.execute(f"SELECT NULL, {self.columns} FROM {self.table}")
        try:
            while chunk := cur.fetchmany(self.size):
                self.rows_read += len(chunk)
                yield chunk
        except sqlite3.DatabaseError as exc:
            self.warn(f"{self.table} 表在读取约 {self.rows_read} 行后出错（{exc}），其后的行未能读取")

    def _report(self, first: int, resume: int | None) -> None:
        where = "开头" if first == MIN_ROWID else f"rowid {first} 起"
        if resume is None:
            self.lost.append((first, MAX_ROWID))
            self.warn(f"{self.table} 表数据页损坏：自{where}至表尾的行未能读取（已读取 {self.rows_read} 行）")
            return
        self.lost.append((first, resume - 1))
        span = "" if first == MIN_ROWID else f"，约 {resume - first} 行"
        self.warn(
            f"{self.table} 表数据页损坏：{where}至 rowid {resume - 1} 的行未能读取{span}，其后的行已继续读取"
        )
