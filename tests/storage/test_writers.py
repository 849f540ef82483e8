"""SQLite's writers take turns: across connections and processes, one at a time, and a turn is always
given back (commit, rollback, a connection lost)."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from storage import writers
from storage.db import Database


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    setup = Database.from_url(url)
    with setup.engine.begin() as connection:
        connection.execute(text("CREATE TABLE said (who TEXT)"))
    setup.dispose()
    yield url


def _said(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return [row.who for row in connection.execute(text("SELECT who FROM said ORDER BY rowid"))]


def _impatient(db: Database) -> Database:
    """SQLite's own wait turned off: a write that met SQLite's lock would fail at once."""
    event.listen(db.engine, "connect", lambda connection, _: connection.execute("PRAGMA busy_timeout=0"))
    return db


def test_a_second_process_writes_right_after_the_first_commits(sqlite_file: str) -> None:
    first = Database.from_url(sqlite_file)
    second = _impatient(Database.from_url(sqlite_file))  # two engines: two processes
    holding, done = threading.Event(), threading.Event()

    def write_later() -> None:
        holding.wait()
        with second.session() as session:
            session.execute(text("INSERT INTO said VALUES ('second')"))
        done.set()

    writer = threading.Thread(target=write_later)
    writer.start()
    with first.session() as session:
        session.execute(text("INSERT INTO said VALUES ('first')"))
        holding.set()
        assert not done.wait(0.2), "the second writer waits for the first one's turn"
    writer.join(5)
    assert done.is_set()
    assert _said(first) == ["first", "second"]
    first.dispose()
    second.dispose()


def test_reads_never_wait_for_a_writer(sqlite_file: str) -> None:
    db = Database.from_url(sqlite_file)
    with db.session() as session:
        session.execute(text("INSERT INTO said VALUES ('writing')"))
        seen: list[list[str]] = []
        reader = threading.Thread(
            target=lambda: seen.append(db.read(lambda s: list(s.execute(text("SELECT who FROM said")).scalars())))
        )
        reader.start()
        reader.join(5)
        assert seen == [[]], "a reader sees the last commit, without waiting for the turn"
    db.dispose()


def test_a_turn_comes_back_after_a_failed_unit_of_work(sqlite_file: str) -> None:
    db = Database.from_url(sqlite_file)
    with pytest.raises(RuntimeError), db.session() as session:
        session.execute(text("INSERT INTO said VALUES ('lost')"))
        raise RuntimeError("the change failed after writing")
    with db.session() as session:  # would wait for the timeout if the turn had not been given back
        session.execute(text("INSERT INTO said VALUES ('kept')"))
    assert _said(db) == ["kept"]
    db.dispose()


def test_a_turn_comes_back_when_its_connection_is_invalidated(sqlite_file: str) -> None:
    db = Database.from_url(sqlite_file)
    connection = db.engine.connect()
    connection.execute(text("INSERT INTO said VALUES ('lost')"))
    connection.invalidate()
    connection.close()
    with db.session() as session:
        session.execute(text("INSERT INTO said VALUES ('kept')"))
    assert _said(db) == ["kept"]
    db.dispose()


def test_no_turn_within_the_timeout_is_the_database_being_locked(
    sqlite_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "TURN_TIMEOUT_SECONDS", 0.05)
    first, second = Database.from_url(sqlite_file), Database.from_url(sqlite_file)
    with first.session() as session:
        session.execute(text("INSERT INTO said VALUES ('first')"))
        with pytest.raises(OperationalError, match="database is locked"), second.session() as other:
            other.execute(text("INSERT INTO said VALUES ('second')"))
    with second.session() as other:  # the turn that timed out was never taken, so nothing is stuck
        other.execute(text("INSERT INTO said VALUES ('second')"))
    assert _said(first) == ["first", "second"]
    first.dispose()
    second.dispose()
