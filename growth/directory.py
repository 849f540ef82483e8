"""What the workspace directory (Slack's users.list, hourly) changes: who left stops being scheduled,
who moved time zone gets their check-in at their hour in the new zone."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from growth import checkins
from growth.people import DirectoryChanges, Profile, apply_directory


def refresh(session: Session, *, team_id: str, profiles: dict[str, Profile], now: datetime) -> DirectoryChanges:
    """One page of the workspace's users.list, in the caller's transaction (one a page: see
    `schedules.directory`)."""
    changes = apply_directory(session, team_id=team_id, profiles=profiles, now=now)
    for person in changes.left:
        checkins.record_left(session, person_id=person.id or 0, now=now)
    for person in changes.moved:
        plan = checkins.plan_of(session, person)
        if plan is not None:
            checkins.reschedule(session, plan=plan, person=person, now=now)
    return changes
