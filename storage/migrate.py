"""Schema migrations: `trellis db upgrade`, and the start-up check that refuses an out-of-date schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"
# Created by migration 0002 for slack_sdk's installation and OAuth state stores (wired in bot.oauth).
SLACK_STORE_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave alone the tables slack_sdk's stores use: migration 0002 owns them, not our models."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in SLACK_STORE_TABLES


class SchemaOutOfDate(Exception):
    """The database is behind (or ahead of) the code; the message says what to run."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process (/healthz asks on every probe)."""
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database) -> tuple[str | None, str]:
    """Apply every pending migration; returns (before, after)."""
    db.ping()
    before = current_revision(db)
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def ensure_current(db: Database) -> None:
    """Raise SchemaOutOfDate unless the database is at the code's head revision."""
    db.ping()
    current, head = current_revision(db), head_revision()
    if current == head:
        return
    if current is None:
        state = "has no Trellis tables yet"
    else:
        known = {rev.revision for rev in _scripts().walk_revisions()}
        state = f"is at revision {current}" + ("" if current in known else " (newer than this code)")
    raise SchemaOutOfDate(
        f"the database schema {state}, this code needs revision {head}: run `trellis db upgrade` first"
    )
