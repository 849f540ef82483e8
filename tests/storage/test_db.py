"""The engine and its units of work: reads without a transaction, inserts that skip a repeat, and
connections that died in the pool."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from storage import db as storage_db
from storage import migrate
from storage.db import Database, insert_or_none
from storage.models import Person, Win
from tests.conftest import empty

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def _person(db: Database) -> int:
    with db.session() as session:
        person = Person(team_id="T1", slack_user_id="U1", display_name="Maya")
        session.add(person)
        session.flush()
        assert person.id is not None
        return person.id


def _win(person_id: int, key: str) -> dict[str, object]:
    return {
        "team_id": "T1",
        "person_id": person_id,
        "text": "Led the review",
        "happened_on": date(2026, 11, 27),
        "visibility": "private",
        "source": "command",
        "request_key": key,
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_insert_or_none_gives_the_new_row_once_and_it_behaves_as_loaded(db: Database) -> None:
    person_id = _person(db)
    with db.session() as session:
        win = insert_or_none(session, Win, _win(person_id, "k1"), conflict=["team_id", "request_key"])
        assert win is not None and win.id is not None and win.text == "Led the review"
        win.visibility = "shared"  # a change to it is an UPDATE at the next flush, never a second INSERT
        session.add(win)
    with db.session() as session:
        again = insert_or_none(session, Win, _win(person_id, "k1"), conflict=["team_id", "request_key"])
        assert again is None
        stored = session.exec(select(Win.visibility, func.count()).group_by(Win.visibility)).all()
    assert stored == [("shared", 1)]


def test_a_read_sees_what_was_committed_and_writes_nothing(db: Database) -> None:
    _person(db)
    found = db.read(lambda session: session.exec(select(Person.display_name)).one())
    assert found == "Maya"


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    """PostgreSQL alone: only it has backends to terminate."""
    database = Database.from_url(postgres_url)
    migrate.upgrade(database)
    empty(database)
    yield database
    database.dispose()


def _connection_dies_in_the_pool(db: Database) -> None:
    """Leave one connection in the pool, and end its server backend from another."""
    in_pool, other = db.engine.connect(), db.engine.connect()
    in_pool.close()
    with other:
        other.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )


def test_a_read_on_a_connection_that_died_in_the_pool_is_run_again(pg: Database) -> None:
    _person(pg)
    _connection_dies_in_the_pool(pg)
    assert pg.read(lambda session: session.exec(select(Person.display_name)).one()) == "Maya"


def test_a_connection_idle_past_the_threshold_is_pinged_and_replaced_when_dead(
    pg: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _person(pg)
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    _connection_dies_in_the_pool(pg)
    with pg.session() as session:  # a unit of work is not retried: the ping gave it a live connection
        assert session.exec(select(Person.display_name)).one() == "Maya"


def test_without_the_ping_a_dead_connection_fails_its_unit_of_work_once(pg: Database) -> None:
    """What `Database.read` retries, and what a unit of work reports as the database being unreachable."""
    _person(pg)
    _connection_dies_in_the_pool(pg)
    with pytest.raises(DBAPIError) as failed, pg.session() as session:
        session.exec(select(Person.display_name)).one()
    assert failed.value.connection_invalidated
    with pg.session() as session:  # the pool was invalidated: the next one connects again
        assert session.exec(select(Person.display_name)).one() == "Maya"
