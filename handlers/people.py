"""People a command names (`<@U123|maya>`), turned into Trellis people (users.info when new)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from delivery.profiles import slack_profile
from growth.people import Profile, ensure_person
from handlers.parsing import user_id as parsed_user_id
from handlers.services import Services
from storage.models import Person

log = logging.getLogger("trellis.handlers")


def person_for(client: WebClient, services: Services, *, asker: Person, user_id: object) -> Person:
    """The person `asker` named, in the asker's workspace (and Enterprise Grid org); a name that is not a
    Slack user id is Unreadable, and stores nothing."""
    team_id, user_id = asker.team_id, parsed_user_id(user_id)

    def load() -> Profile | None:
        return slack_profile(client, team_id=team_id, user_id=user_id, logger=log)

    with services.db.session() as session:
        return ensure_person(
            session,
            team_id=team_id,
            user_id=user_id,
            enterprise_id=asker.enterprise_id,
            load_profile=load,
            now=services.clock(),
        )
