"""Workspace-wide settings, which only a workspace admin changes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from growth.errors import NotAllowed
from storage.models import Person, Workspace


def growth_channel(session: Session, *, team_id: str) -> str | None:
    return session.exec(select(Workspace.growth_channel_id).where(Workspace.team_id == team_id)).first()


def set_growth_channel(session: Session, *, person: Person, channel_id: str | None, now: datetime) -> None:
    if not person.is_admin:
        raise NotAllowed("Only a workspace admin can choose the growth channel.")
    workspace = session.exec(select(Workspace).where(Workspace.team_id == person.team_id)).one()
    workspace.growth_channel_id, workspace.updated_at = channel_id, now
    session.add(workspace)
