"""People a command names (`<@U123|maya>`), turned into Trellis people (users.info when new)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from delivery.profiles import slack_profile
from growth.people import Profile, ProfileLoader, ensure_person, wants_profile
from handlers.parsing import user_id as parsed_user_id
from handlers.services import Services
from storage.models import Person

log = logging.getLogger("trellis.handlers")


def person_for(client: WebClient, services: Services, *, asker: Person, user_id: object) -> Person:
    """The person `asker` named, in the asker's workspace (and Enterprise Grid org); a name that is not a
    Slack user id is Unreadable, and stores nothing."""
    team_id, user_id = asker.team_id, parsed_user_id(user_id)
    load = profile_first(client, services, team_id=team_id, user_id=user_id, logger=log)
    with services.db.session() as session:
        return ensure_person(
            session,
            team_id=team_id,
            user_id=user_id,
            enterprise_id=asker.enterprise_id,
            load_profile=load,
            now=services.clock(),
        )


def profile_first(
    client: WebClient, services: Services, *, team_id: str, user_id: str, logger: logging.Logger
) -> ProfileLoader:
    """users.info now, before the caller's transaction, when `ensure_person` will want it: a loader that
    answers with what Slack said. Called inside the transaction, users.info would hold a pooled connection
    (on PostgreSQL, a transaction left open) for as long as Slack takes, 10 seconds when it does not
    answer: a few new people at once while Slack is slow would leave every other request waiting for a
    connection."""
    now = services.clock()
    wanted = services.db.read(lambda session: wants_profile(session, team_id=team_id, user_id=user_id, now=now))
    profile = slack_profile(client, team_id=team_id, user_id=user_id, logger=logger) if wanted else None

    def said() -> Profile | None:
        return profile

    return said
