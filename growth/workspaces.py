"""Workspace-wide settings, which only a workspace admin changes, and the life of an install.

- Uninstalling the app (Slack's `app_uninstalled`, or `tokens_revoked` for the bot token) stops
  everything queued for the workspace; its data is kept for the retention period
  (`TRELLIS_RETENTION_DAYS`), so a reinstall within it finds everything, then deleted.
- A workspace that is installed again (OAuth, or the bot token accepted again) is never deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from growth.errors import GrowthError, NotAllowed
from growth.notices import GrowthChannelChanged, Notice, Uninstalled
from growth.people import ensure_workspace
from storage import erase
from storage.models import Person, Workspace

DEFAULT_RETENTION = timedelta(days=30)
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,31}")  # a public (C) or private (G, or C on newer workspaces) channel


def growth_channel(session: Session, *, team_id: str) -> str | None:
    return session.exec(select(Workspace.growth_channel_id).where(Workspace.team_id == team_id)).first()


def set_growth_channel(session: Session, *, person: Person, channel_id: str | None, now: datetime) -> list[Notice]:
    """An admin saves the growth channel: posts waiting for a channel that did not work go now, to it."""
    if not person.is_admin:
        raise NotAllowed("Only a workspace admin can choose the growth channel.")
    if channel_id is not None and not CHANNEL_ID.fullmatch(channel_id):
        raise GrowthError("Choose a channel from the list.")
    workspace = session.exec(select(Workspace).where(Workspace.team_id == person.team_id)).one()
    had_problem = workspace.growth_channel_problem is not None
    workspace.growth_channel_id, workspace.updated_at = channel_id, now
    workspace.growth_channel_problem = workspace.growth_channel_problem_since = None
    session.add(workspace)
    return [GrowthChannelChanged(person.team_id)] if had_problem else []


def is_uninstalled(session: Session, *, team_id: str) -> bool:
    found = session.exec(select(Workspace.uninstalled_at).where(Workspace.team_id == team_id)).first()
    return found is not None


def uninstalled(session: Session, *, team_id: str, now: datetime) -> list[Notice]:
    """Slack says the app is gone from the workspace. The retention period runs from the first time it
    said so (a repeated event changes nothing); what is queued is cancelled."""
    workspace = session.exec(select(Workspace).where(Workspace.team_id == team_id)).first()
    if workspace is None:
        return []  # nobody there ever used Trellis: nothing is kept, nothing queued
    if workspace.uninstalled_at is None:
        workspace.uninstalled_at, workspace.updated_at = now, now
        session.add(workspace)
    return [Uninstalled(team_id)]


def installed(session: Session, *, team_id: str, enterprise_id: str | None, now: datetime) -> bool:
    """The app is installed in the workspace (again): its row exists, and nothing of it is to be deleted.
    True when it had been uninstalled."""
    ensure_workspace(session, team_id=team_id, enterprise_id=enterprise_id, now=now)
    workspace = session.exec(select(Workspace).where(Workspace.team_id == team_id)).one()
    if workspace.uninstalled_at is None:
        return False
    workspace.uninstalled_at, workspace.updated_at = None, now
    session.add(workspace)
    return True


def due_for_deletion(session: Session, *, now: datetime, keep: timedelta) -> list[tuple[str, str | None]]:
    """(team, enterprise) of the workspaces uninstalled more than `keep` ago."""
    rows = session.exec(
        select(Workspace.team_id, Workspace.enterprise_id)
        .where(Workspace.uninstalled_at <= now - keep)  # type: ignore[operator]
        .order_by(Workspace.team_id)
    ).all()
    return [(team, enterprise) for team, enterprise in rows]


def delete_workspace(session: Session, *, team_id: str) -> dict[str, int]:
    """Everything Trellis holds for the workspace, deleted: rows per table (empty when it held nothing)."""
    return erase.workspace(session, team_id=team_id)


def held(session: Session, *, team_id: str) -> dict[str, int]:
    """What `delete_workspace` would delete, per table."""
    return erase.held(session, team_id=team_id)


@dataclass(frozen=True)
class Overview:
    team_id: str
    enterprise_id: str | None
    people: int
    uninstalled_at: datetime | None
    growth_channel: str | None
    channel_problem: str | None


def overview(session: Session) -> list[Overview]:
    """Every workspace Trellis knows, for `trellis workspace list`."""
    counts = dict(
        session.exec(
            select(Person.team_id, func.count()).where(~Person.deleted).group_by(Person.team_id)  # type: ignore[arg-type]
        ).all()
    )
    return [
        Overview(
            w.team_id,
            w.enterprise_id,
            counts.get(w.team_id, 0),
            w.uninstalled_at,
            w.growth_channel_id,
            w.growth_channel_problem,
        )
        for w in session.exec(select(Workspace).order_by(Workspace.team_id)).all()
    ]
