"""Deleting a whole workspace's rows: every table that holds them, children before parents."""

from __future__ import annotations

from sqlalchemy import Table, delete, func, select, text
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (every table on the metadata)

# slack_sdk's installation store keeps the workspace's tokens; its OAuth states belong to no workspace.
SLACK_TEAM_TABLES = ("slack_bots", "slack_installations")


def workspace(session: Session, *, team_id: str) -> dict[str, int]:
    """Delete every row of `team_id`; the count per table that held any."""
    counts: dict[str, int] = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        removed = session.execute(_rows_of(table, team_id)).rowcount if _owned(table) else 0
        if removed:
            counts[table.name] = removed
    for name in SLACK_TEAM_TABLES:
        removed = session.execute(text(f"DELETE FROM {name} WHERE team_id = :team"), {"team": team_id}).rowcount
        if removed:
            counts[name] = removed
    return counts


def held(session: Session, *, team_id: str) -> dict[str, int]:
    """What `workspace` would delete: the count per table that holds any of the workspace's rows."""
    counts: dict[str, int] = {}
    for table in SQLModel.metadata.sorted_tables:
        if _owned(table):
            found = session.execute(select(func.count()).select_from(table).where(_of(table, team_id))).scalar_one()
            if found:
                counts[table.name] = found
    return counts


def _owned(table: Table) -> bool:
    """A workspace's table: it has a team_id, or belongs to one that has (assessment answers, ...)."""
    return "team_id" in table.c or any("team_id" in key.column.table.c for key in table.foreign_keys)


def _rows_of(table: Table, team_id: str) -> object:
    return delete(table).where(_of(table, team_id))


def _of(table: Table, team_id: str) -> object:
    """The condition that picks the workspace's rows of `table`."""
    if "team_id" in table.c:
        return table.c.team_id == team_id
    key = next(key for key in table.foreign_keys if "team_id" in key.column.table.c)
    parent = key.column.table
    return key.parent.in_(select(key.column).where(parent.c.team_id == team_id))
