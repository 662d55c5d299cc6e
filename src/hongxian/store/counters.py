"""Database triggers that keep ``finding_counts`` equal to ``count(*)`` of ``findings`` grouped by
(case, status, category, severity rank), whatever writes the findings (the importer, decisions,
a repair script). Installed by migration 0002.

SQLite: row triggers (an upsert per inserted row; a decrement and an upsert per row whose grouping
columns change). PostgreSQL: statement triggers with transition tables (one grouped upsert per
statement, the net change of old and new rows).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

KEY = "case_id, status, category, severity_rank"

_SQLITE = [
    f"""CREATE TRIGGER hx_finding_counts_ins AFTER INSERT ON findings BEGIN
    INSERT INTO finding_counts ({KEY}, n) VALUES (NEW.case_id, NEW.status, NEW.category, NEW.severity_rank, 1)
    ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
END""",
    f"""CREATE TRIGGER hx_finding_counts_upd AFTER UPDATE OF {KEY} ON findings
WHEN OLD.case_id IS NOT NEW.case_id OR OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category
    OR OLD.severity_rank IS NOT NEW.severity_rank
BEGIN
    UPDATE finding_counts SET n = n - 1 WHERE case_id = OLD.case_id AND status = OLD.status
        AND category = OLD.category AND severity_rank = OLD.severity_rank;
    INSERT INTO finding_counts ({KEY}, n) VALUES (NEW.case_id, NEW.status, NEW.category, NEW.severity_rank, 1)
    ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
END""",
    """CREATE TRIGGER hx_finding_counts_del AFTER DELETE ON findings BEGIN
    UPDATE finding_counts SET n = n - 1 WHERE case_id = OLD.case_id AND status = OLD.status
        AND category = OLD.category AND severity_rank = OLD.severity_rank;
END""",
]


def _pg_function(name: str, rows: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO finding_counts AS c ({KEY}, n)
    SELECT {KEY}, sum(d)::integer FROM ({rows}) AS changed
    GROUP BY {KEY} HAVING sum(d) <> 0
    ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END $$"""


_NEW = f"SELECT {KEY}, 1 AS d FROM hx_new"
_OLD = f"SELECT {KEY}, -1 AS d FROM hx_old"
_POSTGRES = [
    _pg_function("hx_finding_counts_ins", _NEW),
    _pg_function("hx_finding_counts_upd", f"{_NEW} UNION ALL {_OLD}"),
    _pg_function("hx_finding_counts_del", _OLD),
    """CREATE TRIGGER hx_finding_counts_ins AFTER INSERT ON findings REFERENCING NEW TABLE AS hx_new
    FOR EACH STATEMENT EXECUTE FUNCTION hx_finding_counts_ins()""",
    """CREATE TRIGGER hx_finding_counts_upd AFTER UPDATE ON findings REFERENCING OLD TABLE AS hx_old
    NEW TABLE AS hx_new FOR EACH STATEMENT EXECUTE FUNCTION hx_finding_counts_upd()""",
    """CREATE TRIGGER hx_finding_counts_del AFTER DELETE ON findings REFERENCING OLD TABLE AS hx_old
    FOR EACH STATEMENT EXECUTE FUNCTION hx_finding_counts_del()""",
]
_NAMES = ("hx_finding_counts_ins", "hx_finding_counts_upd", "hx_finding_counts_del")


def install(conn: Connection) -> None:
    """Create the triggers and fill ``finding_counts`` from the findings already stored."""
    for ddl in _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE:
        conn.execute(text(ddl))
    recount(conn)


def recount(conn: Connection) -> None:
    """Recompute every counter from ``findings`` (installation; repair after a manual change
    made with the triggers disabled)."""
    conn.execute(text("DELETE FROM finding_counts"))
    conn.execute(
        text(f"INSERT INTO finding_counts ({KEY}, n) SELECT {KEY}, count(*) FROM findings GROUP BY {KEY}")
    )


def uninstall(conn: Connection) -> None:
    postgres = conn.dialect.name == "postgresql"
    for name in _NAMES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}" + (" ON findings" if postgres else "")))
        if postgres:
            conn.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
