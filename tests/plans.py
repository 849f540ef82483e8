"""The database's own plan for a statement the code ran: for tests that a statement read only through an
index that stays small or is searched, not through a scan that grows with history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from storage.db import Database


@contextmanager
def statements_run(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Each statement sent to the database inside the block, with its parameters, as the driver got them."""
    ran: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield ran
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def plan(db: Database, statement: str, parameters: Any) -> str:
    """The plan, one step a line; on PostgreSQL with sequential scans priced out, so that a table of a few
    rows is planned as a large one would be."""
    with db.engine.connect() as connection:
        if db.is_postgres:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # until this transaction's end
            return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "\n".join(row[-1] for row in rows)


def scans(plan_text: str, table: str) -> bool:
    """The plan reads the whole table (a sequential scan; on SQLite a scan, through an index or not)."""
    return f"Seq Scan on {table}" in plan_text or f"SCAN {table}" in plan_text
