"""One engine per process, one session per unit of work."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, SQLModel, create_engine

from storage.writers import take_turns

DEFAULT_DATABASE_URL = "sqlite:///trellis.db"
# A pooled PostgreSQL connection idle longer than this is pinged before use (see `_ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 5.0

T = TypeVar("T")
Model = TypeVar("Model", bound=SQLModel)


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message says where we looked."""


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached, or the connection was lost mid-way (trying
    again later can succeed), rather than that it refused a statement (trying again never helps)."""
    if isinstance(error, DatabaseUnavailable | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


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
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if not in_memory:
            take_turns(engine, f"{parsed.database}.lock")
        return engine
    # Up to a worker's request and listener threads at once (bot.app.LISTENER_THREADS, gunicorn's 8);
    # four web workers and the worker stay under PostgreSQL's default 100 connections. All of them kept:
    # SQLAlchemy closes an overflow connection when it is returned, so under steady load above the pool
    # size each request opened a new one, and PostgreSQL forked a new backend for it.
    engine = create_engine(
        url,
        hide_parameters=True,  # a failed statement's error and log line never carry what people wrote
        pool_size=18,
        max_overflow=0,
        connect_args={"connect_timeout": 5},
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it has sat idle for PING_AFTER_IDLE_SECONDS.

    `pool_pre_ping` pings at every checkout: a round trip before each unit of work, most of it spent on
    connections used a few milliseconds earlier. SQLAlchemy has no idle threshold for it, so this is its
    documented checkout-event recipe for pessimistic disconnect handling, with one: a dead connection
    found here invalidates the pool and the checkout is retried on a new one. A connection that died
    while busy is SQLAlchemy's optimistic case: the statement fails, the pool is invalidated, and
    `Database.read` retries a read once."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise InvalidatePoolError(f"a pooled connection was dead ({error})") from error


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

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for lookups only, never committed: on PostgreSQL in autocommit, so a lookup is one
        round trip (no BEGIN, no COMMIT). Anything that writes belongs in `session()`."""
        if not self.is_postgres:  # SQLite's driver begins no transaction for a SELECT
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
            return
        with self.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            with Session(bind=connection, expire_on_commit=False) as session:
                yield session

    def read(self, lookup: Callable[[Session], T]) -> T:
        """`lookup` in a `reading()` session, run again once if its connection turned out to be dead (the
        server restarted, or a backend was terminated): a lookup changes nothing, so it is safe to repeat."""
        try:
            with self.reading() as session:
                return lookup(session)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        with self.reading() as session:
            return lookup(session)

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
    statement = _insert_ignoring(session.get_bind().dialect.name, table, tuple(conflict))
    return session.execute(statement, dict(values)).first() is not None


def insert_or_none(
    session: Session, model: type[Model], values: Mapping[str, Any], conflict: list[str]
) -> Model | None:
    """Insert a row unless one with the same `conflict` columns exists: the new row, in the session as if
    it had been loaded (one round trip, no read back), or None when it existed."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    statement = _insert_ignoring(session.get_bind().dialect.name, table, tuple(conflict), returning=("id",))
    inserted = session.execute(statement, dict(values)).first()
    if inserted is None:
        return None
    row = model(**values, id=inserted.id)
    make_transient_to_detached(row)  # SQLAlchemy's way to say "this row exists": no INSERT at the next flush
    session.add(row)
    return row


@cache
def _insert_ignoring(dialect: str, table: Table, conflict: tuple[str, ...], returning: tuple[str, ...] = ()) -> Insert:
    """Built once per table and conflict: the values come as parameters, so SQLAlchemy compiles the
    statement once and the driver can prepare it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    return statement.returning(*[table.c[name] for name in returning or conflict])


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
