"""The person behind a request: found or created, refreshed from Slack when their profile is stale, and
enrolled in the weekly check-in whenever Slack has just told us their time zone."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from growth.checkins import enrol
from growth.people import ProfileLoader, ensure_person
from storage.models import Person


def arrive(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    enterprise_id: str | None,
    load_profile: ProfileLoader,
    now: datetime,
    fallback_name: str = "",
) -> Person:
    person = ensure_person(
        session,
        team_id=team_id,
        user_id=user_id,
        enterprise_id=enterprise_id,
        load_profile=load_profile,
        now=now,
        fallback_name=fallback_name,
    )
    if person.profile_refreshed_at == now and not person.deleted:
        enrol(session, person=person, now=now)  # their plan, in the time zone Slack just gave
    return person
