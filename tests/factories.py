"""Small builders for the people the tests (and the packet bench) need."""

from __future__ import annotations

from datetime import UTC, datetime

from growth.frameworks.shipped import shipped
from growth.levels import choose_level
from growth.people import Profile, ensure_person
from storage.db import Database
from storage.models import Person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def person(
    db: Database, user_id: str, *, team: str = "T1", tz: str = "UTC", admin: bool = False, now: datetime = NOW
) -> Person:
    """A person as Slack describes them: "U0MAYA" is called Maya."""
    profile = Profile(user_id[2:].title(), tz, admin, False)
    with db.session() as session:
        return ensure_person(
            session, team_id=team, user_id=user_id, enterprise_id=None, load_profile=lambda: profile, now=now
        )


def maya_aiming_for_ic4(db: Database, *, now: datetime = NOW) -> Person:
    """Maya, a Software Engineer III (IC3) in Paris, aiming for Senior (IC4)."""
    maya = person(db, "U0MAYA", tz="Europe/Paris", now=now)
    with db.session() as session:
        choose_level(
            session,
            person=maya,
            level_ref="software-engineering/IC3",
            target_ref="software-engineering/IC4",
            defaults=shipped(),
            now=now,
        )
    return maya
