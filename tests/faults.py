"""Faults in the database itself, for the processes the tests start: a table whose writes fail, and
PostgreSQL connections cut while requests run. Real failures of the real server, no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from storage.db import Database

FAULT = "trellis_injected_fault"


@contextmanager
def failing_writes(db: Database, table: str) -> Iterator[None]:
    """While inside, every insert into and update of `table` fails (a trigger raises), in every process."""
    with db.engine.begin() as connection:
        if db.is_postgres:
            connection.execute(
                text(
                    f"CREATE OR REPLACE FUNCTION {FAULT}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'injected fault: this write fails'; END $$"
                )
            )
            trigger = f"CREATE TRIGGER {FAULT} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW"
            connection.execute(text(f"{trigger} EXECUTE FUNCTION {FAULT}()"))
        else:
            for kind in ("INSERT", "UPDATE"):
                connection.execute(
                    text(
                        f"CREATE TRIGGER {FAULT}_{kind.lower()} BEFORE {kind} ON {table} "
                        "BEGIN SELECT RAISE(ABORT, 'injected fault: this write fails'); END"
                    )
                )
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            if db.is_postgres:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {FAULT} ON {table}"))
            else:
                for kind in ("insert", "update"):
                    connection.execute(text(f"DROP TRIGGER IF EXISTS {FAULT}_{kind}"))


def terminate_backends(db: Database) -> int:
    """`pg_terminate_backend` every other connection to this database: what a failover or a restart does
    to the requests running. How many were cut."""
    with db.engine.begin() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        )
