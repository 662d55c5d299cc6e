"""The baseline of the typology benchmark (issue 18): the scan cost of the typologies' own queries.

A bare aggregate over the payments table says little about the checks (and paid the cold cache).
Here every SQL statement a check sends to DuckDB is recorded (``LoggedDataset``); its *scan
floor* is one aggregating pass (``sum(hash(column))``) over exactly the columns of the canonical
tables that statement reads, directly or through the views the frame defines (``hx_all`` …), once
per statement. That is what the statement cannot avoid: reading its input. The floor of a check is
measured right after the check runs (interleaved: check, its floor, next check, its floor), warm
(the tables are in memory and were read once before the first check), best of two passes.
"""

from __future__ import annotations

import re
import time

import duckdb

from hongxian.dataset.dataset import Dataset

VIEW = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+(\w+)\s+AS\b", re.I)


class _LoggingConnection:
    """Forwards everything to the DuckDB connection; records the text of each statement."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[str]):
        self._con, self._log = con, log

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

    @property
    def con(self):  # type: ignore[override]
        return _LoggingConnection(super().con, self.log)


def _words(sql: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", sql))


class ScanFloor:
    def __init__(self, ds: LoggedDataset):
        self.ds = ds
        self.raw = ds.con._con
        self.columns = {n: t.column_names for n, t in ds.tables.items() if t.num_rows}
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

    def reads(self, statement: str) -> list[tuple[str, list[str]]]:
        """(table, columns) that one statement reads, following the views recorded so far."""
        words = _words(statement)
        for name in list(words):
            words |= self.views.get(name, set())
        m = VIEW.search(statement)
        if m:
            self.views[m.group(1)] = words
            return []  # defining a view reads nothing; its users do
        return [
            (table, [c for c in cols if c in words]) for table, cols in self.columns.items() if table in words
        ]

    def measure(self, statements: list[str]) -> float:
        """Scan floor (seconds) of a check's statements: best of two warm passes."""
        scans = [r for s in statements for r in self.reads(s) if r[1]]
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            for table, cols in scans:
                self._scan(table, cols)
            best = min(best, time.perf_counter() - t0)
        return best if scans else 0.0
