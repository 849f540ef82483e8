"""One engine per process, one session per unit of work."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

DEFAULT_DATABASE_URL = "sqlite:///trellis.db"


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message says where we looked."""


def normalise_database_url(raw: str) -> str:
    """Accept the spellings hosting platforms hand out and pin PostgreSQL to psycopg 3.

    Raises ValueError with a sentence a person can act on.
    """
    try:
        url: URL = make_url(raw)
    except (ArgumentError, ValueError):
        raise ValueError(
            f"is not a database URL ({raw[:40]!r}); use sqlite:///trellis.db "
            "or postgresql://user:password@host:5432/name"
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValueError(f"uses {backend!r}; Trellis runs on sqlite:// or postgresql:// only")
    return url.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Up to a worker's request and listener threads at once (bot.app.LISTENER_THREADS, gunicorn's 8);
    # four web workers and the worker stay under PostgreSQL's default 100 connections.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=8,
        connect_args={"connect_timeout": 5},
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's own advice: a commit is safe from a crash of the process without an fsync each; a power cut
    # may lose the last commits, never corrupt. Commits become several times cheaper.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def describe(engine: Engine) -> str:
    """The URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


class Database:
    """The engine and the unit of work: `with db.session() as s:` commits on success, rolls back on error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless a round trip to the database succeeds."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            raise DatabaseUnavailable(
                f"cannot reach the database at {describe(self.engine)} ({reason}); "
                "check DATABASE_URL and that the server is running"
            ) from error

    def dispose(self) -> None:
        self.engine.dispose()


def insert_ignore(session: Session, table: Table, values: Mapping[str, Any], conflict: list[str]) -> bool:
    """Insert a row unless one with the same `conflict` columns exists. True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(*[table.c[name] for name in conflict])
    )
    return session.execute(statement).first() is not None


def insert_many_ignore(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], conflict: list[str], returning: list[str]
) -> list[Any]:
    """Insert `rows` in one statement, skipping those whose `conflict` columns exist; the rows inserted,
    with the `returning` columns."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(*[table.c[name] for name in returning])
    )
    return list(session.execute(statement).all())
