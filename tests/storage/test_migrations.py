from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
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


def test_wins_with_a_post_still_in_the_growth_channel_are_marked_on_upgrade(unmigrated: Database) -> None:
    config, t = migrate._config(), "2026-11-01 00:00:00+00:00"
    with unmigrated.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0025")
        connection.execute(
            text("INSERT INTO workspaces (team_id, created_at, updated_at) VALUES ('T1', :t, :t)"), {"t": t}
        )
        person = connection.execute(
            text(
                "INSERT INTO people (team_id, slack_user_id, display_name, is_admin, is_bot, deleted, created_at,"
                " updated_at) VALUES ('T1', 'U0DEV', 'Dev', false, false, false, :t, :t) RETURNING id"
            ),
            {"t": t},
        ).scalar_one()
        wins = {}
        for name in ("posted", "taken down", "never posted"):
            wins[name] = connection.execute(
                text(
                    "INSERT INTO wins (team_id, person_id, text, happened_on, visibility, source, request_key,"
                    " created_at, updated_at) VALUES ('T1', :p, :n, '2026-11-01', 'public', 'command', :k, :t, :t)"
                    " RETURNING id"
                ),
                {"p": person, "n": name, "k": name, "t": t},
            ).scalar_one()
        for name, failed in (("posted", None), ("taken down", t)):
            connection.execute(
                text(
                    "INSERT INTO outbox (team_id, key, method, payload, due_at, next_attempt_at, attempts, in_doubt,"
                    " calling, created_at, failed_at, subject) VALUES ('T1', :k, 'chat.postMessage', '{}', :t, :t,"
                    " 0, false, false, :t, :f, :s)"
                ),
                {"k": f"win-post:{wins[name]}:1", "t": t, "f": failed, "s": f"win:{wins[name]}"},
            )
    migrate.upgrade(unmigrated)
    with unmigrated.engine.connect() as connection:
        marked = dict(connection.execute(text("SELECT text, in_channel FROM wins")).all())
    assert marked == {"posted": True, "taken down": False, "never posted": False}
