from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlmodel import SQLModel

from storage import migrate
from storage.db import Database, DatabaseUnavailable
from storage.migrate import include_object
from tests.conftest import BACKENDS
from tests.databases import postgres_server, temporary_postgres


def test_a_migrated_database_is_current(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()
    migrate.ensure_current(db)


def test_upgrade_is_idempotent(db: Database) -> None:
    before, after = migrate.upgrade(db)
    assert before == after == migrate.head_revision()


def test_an_empty_database_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'new.db'}")
    with pytest.raises(migrate.SchemaOutOfDate) as raised:
        migrate.ensure_current(db)
    assert "has no Trellis tables yet" in str(raised.value)
    assert "run `trellis db upgrade`" in str(raised.value)
    migrate.upgrade(db)
    migrate.ensure_current(db)


def test_an_unreachable_database_says_where_it_looked() -> None:
    db = Database.from_url("postgresql+psycopg://trellis:secret@127.0.0.1:1/trellis")
    with pytest.raises(DatabaseUnavailable) as raised:
        db.ping()
    message = str(raised.value)
    assert "127.0.0.1:1" in message
    assert "secret" not in message
    assert "check DATABASE_URL" in message


def test_the_models_and_the_migrations_agree(db: Database) -> None:
    """What `alembic check` asks: would autogenerate write a new migration? It must not."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object, "compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_people_and_queued_rows_of_a_grid_workspace_get_the_orgs_id_on_upgrade(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'grid.db'}")
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0011")
        connection.execute(
            text("INSERT INTO workspaces (team_id, enterprise_id, created_at, updated_at) VALUES ('T1', 'E1', :t, :t)"),
            {"t": "2026-11-01 00:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO people (team_id, slack_user_id, display_name, is_admin, deleted, created_at, updated_at)"
                " VALUES ('T1', 'U0DEV', 'Dev', false, false, :t, :t)"
            ),
            {"t": "2026-11-01 00:00:00"},
        )
        for key, sent in (("due", None), ("sent", "2026-11-01 00:00:00")):
            connection.execute(
                text(
                    "INSERT INTO outbox (team_id, key, method, payload, due_at, next_attempt_at, attempts, in_doubt,"
                    " created_at, sent_at) VALUES ('T1', :k, 'chat.postMessage', '{}', :t, :t, 0, false, :t, :s)"
                ),
                {"k": key, "t": "2026-11-01 00:00:00", "s": sent},
            )
    migrate.upgrade(db)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT enterprise_id FROM people")).scalar_one() == "E1"
        rows = dict(connection.execute(text("SELECT key, enterprise_id FROM outbox")).all())
    assert rows == {"due": "E1", "sent": None}, "only what is still to be sent"
    db.dispose()


def test_the_live_posts_of_a_win_are_found_by_their_subject_after_upgrade(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'posts.db'}")
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        for key, failed in (
            ("win-post:12:1700000000000", None),
            ("win-post:12:1600000000000", "2026-11-01"),
            ("x", None),
        ):
            connection.execute(
                text(
                    "INSERT INTO outbox (team_id, key, method, payload, due_at, next_attempt_at, attempts, calling,"
                    " in_doubt, created_at, failed_at) VALUES ('T1', :k, 'chat.postMessage', '{}', :t, :t, 0, false,"
                    " false, :t, :f)"
                ),
                {"k": key, "t": "2026-11-01 00:00:00", "f": failed},
            )
    migrate.upgrade(db)
    with db.engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT key, subject FROM outbox")).all())
    assert rows == {"win-post:12:1700000000000": "win:12", "win-post:12:1600000000000": None, "x": None}
    db.dispose()


@pytest.fixture(params=BACKENDS)
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of each kind, for a migration to be taken up to a given revision."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'old.db'}"
        else:
            request.getfixturevalue("postgres_url")  # reachable, or the run fails in CI
            url = stack.enter_context(temporary_postgres(postgres_server()))
        db = Database.from_url(url)
        stack.callback(db.dispose)
        yield db


def _wins_of_dev(connection: Connection, t: str, visibility: str, *names: str) -> dict[str, int]:
    """A workspace, Dev in it, and a win of Dev's for each of `names` (its text): their ids, by name."""
    connection.execute(text("INSERT INTO workspaces (team_id, created_at, updated_at) VALUES ('T1', :t, :t)"), {"t": t})
    person = connection.execute(
        text(
            "INSERT INTO people (team_id, slack_user_id, display_name, is_admin, is_bot, deleted, created_at,"
            " updated_at) VALUES ('T1', 'U0DEV', 'Dev', false, false, false, :t, :t) RETURNING id"
        ),
        {"t": t},
    ).scalar_one()
    return {
        name: connection.execute(
            text(
                "INSERT INTO wins (team_id, person_id, text, happened_on, visibility, source, request_key,"
                " created_at, updated_at) VALUES ('T1', :p, :n, '2026-11-01', :v, 'command', :k, :t, :t)"
                " RETURNING id"
            ),
            {"p": person, "n": name, "v": visibility, "k": name, "t": t},
        ).scalar_one()
        for name in names
    }


@contextmanager
def _at_revision(db: Database, revision: str) -> Iterator[Connection]:
    """`db` upgraded to `revision`, and a connection to it whose writes commit at the end."""
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        yield connection


def _queued(connection: Connection, key: str, t: str, *, failed: str | None, subject: str | None = None) -> None:
    """An outbox row of workspace T1, taken back (failed) at `failed` or not."""
    connection.execute(
        text(
            "INSERT INTO outbox (team_id, key, method, payload, due_at, next_attempt_at, attempts, in_doubt,"
            " calling, created_at, failed_at, subject) VALUES ('T1', :k, 'chat.postMessage', '{}', :t, :t,"
            " 0, false, false, :t, :f, :s)"
        ),
        {"k": key, "t": t, "f": failed, "s": subject},
    )


def test_wins_with_a_post_still_in_the_growth_channel_are_marked_on_upgrade(unmigrated: Database) -> None:
    t = "2026-11-01 00:00:00+00:00"
    with _at_revision(unmigrated, "0025") as connection:
        wins = _wins_of_dev(connection, t, "public", "posted", "taken down", "never posted")
        for name, failed in (("posted", None), ("taken down", t)):
            _queued(connection, f"win-post:{wins[name]}:1", t, failed=failed, subject=f"win:{wins[name]}")
    migrate.upgrade(unmigrated)
    with unmigrated.engine.connect() as connection:
        marked = dict(connection.execute(text("SELECT text, in_channel FROM wins")).all())
    assert marked == {"posted": True, "taken down": False, "never posted": False}


def test_a_wins_posts_in_mentorship_rooms_are_about_the_win_after_upgrade(unmigrated: Database) -> None:
    t = "2026-11-01 00:00:00+00:00"
    with _at_revision(unmigrated, "0029") as connection:
        wins = _wins_of_dev(connection, t, "shared", "in a room", "taken back", "kept")
        for key, failed in (
            (f"room-win:{wins['in a room']}:4", None),
            (f"room-win:{wins['taken back']}:4", t),
            (f"room-entry:{wins['kept']}:4", None),
        ):
            _queued(connection, key, t, failed=failed)
    migrate.upgrade(unmigrated)
    with unmigrated.engine.connect() as connection:
        subjects = dict(connection.execute(text("SELECT key, subject FROM outbox")).all())
        marked = dict(connection.execute(text("SELECT text, in_channel FROM wins")).all())
    assert subjects == {
        f"room-win:{wins['in a room']}:4": f"win:{wins['in a room']}",
        f"room-win:{wins['taken back']}:4": f"win:{wins['taken back']}",
        f"room-entry:{wins['kept']}:4": None,
    }
    assert marked == {"in a room": True, "taken back": False, "kept": False}
