"""`/trellis settings`: a person's weekly check-in, and (for workspace admins) the growth channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from growth import checkins
from growth.notices import Notice
from growth.workspaces import growth_channel, set_growth_channel
from storage.models import Person

UNCHANGED = object()  # the form did not offer the growth channel (the person is not an admin)


@dataclass(frozen=True)
class Current:
    checkin: checkins.Settings
    plan_line: str  # when the next nudge comes, or why none will
    growth_channel: str | None
    notices: list[Notice] = field(default_factory=list)  # posts waiting for the channel may go now


def current(session: Session, *, person: Person, now: datetime) -> Current:
    plan = checkins.enrol(session, person=person, now=now)
    return Current(
        checkins.current_settings(plan, person, now),
        checkins.describe_plan(plan, person, now),
        growth_channel(session, team_id=person.team_id),
    )


def save(
    session: Session, *, person: Person, checkin: checkins.Settings, channel: object = UNCHANGED, now: datetime
) -> Current:
    """Keep the person's check-in settings and, when the form offered it (admins only), the channel."""
    plan = checkins.change_settings(session, person=person, settings=checkin, now=now)
    notices: list[Notice] = []
    if channel is not UNCHANGED:
        chosen = channel if isinstance(channel, str) and channel else None
        notices = set_growth_channel(session, person=person, channel_id=chosen, now=now)
    return Current(
        checkins.current_settings(plan, person, now),
        checkins.describe_plan(plan, person, now),
        growth_channel(session, team_id=person.team_id),
        notices,
    )
