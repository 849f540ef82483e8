"""Fixtures shared by every layer: both databases, the Slack fake, and the bot served over real HTTP.

Storage and end-to-end tests run once on SQLite and once on PostgreSQL. PostgreSQL comes from
TRELLIS_TEST_POSTGRES_URL (default: the local server, database `test`); each run creates its own
database beside it and drops it at the end. When the server cannot be reached the PostgreSQL tests
skip with the reason, except under CI (CI=true), where they fail.

Everything under tests/e2e is marked `e2e`, so `pytest -m "not e2e"` is the fast loop. With
`--clock-shift-days N` the whole run happens N days ahead of today (time-machine moves the wall clock of
this process), which proves the code takes "now" from its injected clock, never from the calendar;
end-to-end tests are skipped then, because the bot processes they start run on the real clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables `empty` clears)
from slacksim import DEFAULT_TEAM, FakeSlack
from storage import migrate
from storage.db import Database
from storage.migrate import SLACK_STORE_TABLES
from tests.databases import postgres_server, temporary_postgres

BACKENDS = ("sqlite", "postgres")
E2E = Path(__file__).parent / "e2e"
BROWSER = Path(__file__).parent / "browser"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        help="run with this process's wall clock moved N days ahead (end-to-end tests are skipped)",
    )


def pytest_configure(config: pytest.Config) -> None:
    days = config.getoption("--clock-shift-days")
    if days:
        traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    days = config.getoption("--clock-shift-days")
    return f"wall clock moved {days} days ahead: now is {datetime.now(UTC):%Y-%m-%d %H:%M} UTC" if days else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shifted = config.getoption("--clock-shift-days")
    sqlite_runs_of_postgres_tests = [
        item
        for item in items
        if item.get_closest_marker("postgres_only")
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("database_url") == "sqlite"
    ]
    if sqlite_runs_of_postgres_tests:
        config.hook.pytest_deselected(items=sqlite_runs_of_postgres_tests)
        items[:] = [item for item in items if item not in sqlite_runs_of_postgres_tests]
    for item in items:
        if BROWSER in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if shifted:
                item.add_marker(pytest.mark.skip(reason="the bot's own processes run on the real clock"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    server = postgres_server()
    try:
        with temporary_postgres(server) as url:
            yield url
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL is not reachable at {make_url(server).render_as_string()}: {error}".strip()
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI needs it: .ci/run starts the server)")
        pytest.skip(reason)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database of each kind, shared by the session; `db` empties it before each test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'trellis.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    db = Database.from_url(url)
    migrate.upgrade(db)
    db.dispose()
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url)
    empty(database)
    yield database
    database.dispose()


def empty(database: Database) -> None:
    """Every table emptied. On PostgreSQL a running bot (end-to-end tests) may still be reading what the
    last test left, its locks taken in another order than TRUNCATE's: PostgreSQL then ends one of the two
    as a deadlock, sometimes the TRUNCATE, which is tried again once the bot's statement is done."""
    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)] + list(SLACK_STORE_TABLES)
    for attempt in range(5):
        try:
            with database.engine.begin() as connection:
                if database.is_postgres:
                    connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                else:
                    for table in tables:
                        connection.execute(text(f"DELETE FROM {table}"))
            return
        except OperationalError as error:
            if attempt == 4 or not isinstance(error.orig, psycopg.errors.DeadlockDetected):
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack(fake_slack_server: FakeSlack) -> FakeSlack:
    """The fake, emptied, with Maya and Dev in the default workspace."""
    fake_slack_server.reset()
    fake_slack_server.add_user(DEFAULT_TEAM, "U0MAYA", name="Maya", tz="Europe/Paris", tz_offset=3600)
    fake_slack_server.add_user(DEFAULT_TEAM, "U0DEV", name="Dev", tz="America/New_York", tz_offset=-18000)
    return fake_slack_server
