"""The baseline of the typology benchmark (issue 18): the scan cost of the typologies' own queries.

A bare aggregate over the payments table says little about the checks (and paid the cold cache).
Here every SQL statement a check sends to DuckDB is recorded (``LoggedDataset``); the check's
*scan floor* is one aggregating pass (``sum(hash(column))``) over each relation its statements
read — canonical tables and the helper tables the checks build (registered Arrow tables,
``CREATE TABLE … AS``), directly or through the views the frame defines (``hx_all`` …) — once per
check, over the union of the columns the statements name. That is what the check cannot avoid:
reading its input once. The floor of a check is
measured right after the check runs (interleaved: check, its floor, next check, its floor), warm
(the tables are in memory and were read once before the first check), best of two passes.
"""

from __future__ import annotations

import re
import time

import duckdb

from hongxian.dataset.dataset import Dataset

VIEW = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+(\w+)\s+AS\b", re.I)
TABLE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?TABLE\s+(\w+)", re.I)


class _LoggingConnection:
    """Forwards everything to the DuckDB connection; records the text of each statement."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[str], registered: set[str]):
        self._con, self._log, self._registered = con, log, registered

    def register(self, name: str, obj):
        self._registered.add(name)
        return self._con.register(name, obj)

    def sql(self, query: str, *args, **kwargs):
        self._log.append(query)
        return self._con.sql(query, *args, **kwargs)

    def execute(self, query: str, *args, **kwargs):
        self._log.append(query)
        return self._con.execute(query, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


class LoggedDataset(Dataset):
    """A Dataset whose connection records the statements the detectors run (nothing else changes)."""

    def __init__(self, tables):
        super().__init__(tables)
        self.log: list[str] = []
        self.registered: set[str] = set()
        """Helper tables the detectors registered (Arrow) — inputs of later statements too."""

    @property
    def con(self):  # type: ignore[override]
        return _LoggingConnection(super().con, self.log, self.registered)


def _words(sql: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", sql))


class ScanFloor:
    def __init__(self, ds: LoggedDataset):
        self.ds = ds
        self.raw = ds.con._con
        self.columns = {n: t.column_names for n, t in ds.tables.items() if t.num_rows}
        """relation → its columns: the canonical tables, then helper tables as they appear."""
        self.views: dict[str, set[str]] = {}
        """view name → words of its definition, with the views it uses expanded."""

    def warm_up(self) -> float:
        """Read every column of every non-empty table once (the first read pays page faults)."""
        t0 = time.perf_counter()
        for table, cols in self.columns.items():
            self._scan(table, cols)
        return time.perf_counter() - t0

    def _scan(self, table: str, cols: list[str]) -> None:
        aggs = ", ".join(f'sum(hash("{c}"))' for c in cols)
        self.raw.execute(f'SELECT count(*), {aggs} FROM "{table}"').fetchall()

    def _relation(self, name: str) -> list[str] | None:
        """Columns of a relation the statements may read (canonical, registered or created)."""
        if name not in self.columns:
            try:
                desc = self.raw.execute(f'SELECT * FROM "{name}" LIMIT 0').description
            except duckdb.Error:
                return None
            self.columns[name] = [d[0] for d in desc or []]
        return self.columns[name]

    def reads(self, statement: str) -> list[tuple[str, list[str]]]:
        """(relation, columns) that one statement reads, following the views recorded so far."""
        words = _words(statement)
        for name in list(words):
            words |= self.views.get(name, set())
        m = VIEW.search(statement)
        if m:
            self.views[m.group(1)] = words
            return []  # defining a view reads nothing; its users do
        created = TABLE.search(statement)
        candidates = [
            w
            for w in sorted(words)
            if w not in self.views
            and (w in self.columns or w in self.ds.registered or w.startswith("hx_"))
            and not (created and w == created.group(1))
        ]
        out = []
        for name in candidates:
            cols = self._relation(name)
            if cols:
                out.append((name, [c for c in cols if c in words]))
        return out

    def measure(self, statements: list[str]) -> float:
        """Scan floor (seconds) of a check: each relation its statements read, once, over the union
        of the columns they name; best of two warm passes."""
        needed: dict[str, set[str]] = {}
        for statement in statements:
            for relation, cols in self.reads(statement):
                needed.setdefault(relation, set()).update(cols)
        scans = [(r, sorted(c)) for r, c in needed.items() if c]
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            for relation, cols in scans:
                self._scan(relation, cols)
            best = min(best, time.perf_counter() - t0)
        return best if scans else 0.0
