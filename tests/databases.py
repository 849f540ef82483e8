"""Throwaway PostgreSQL databases for a test session or a benchmark run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

from storage.db import normalise_database_url

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_server() -> str:
    """The server to make databases on: TRELLIS_TEST_POSTGRES_URL, else the local one."""
    return normalise_database_url(os.environ.get("TRELLIS_TEST_POSTGRES_URL", DEFAULT_POSTGRES))


@contextmanager
def temporary_postgres(server: str, *, options: str = "") -> Iterator[str]:
    """A new, empty database beside `server`'s, dropped on exit; `options` go to CREATE DATABASE (a
    locale, say). Raises psycopg.OperationalError."""
    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"trellis_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}" {options}')
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
