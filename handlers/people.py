"""People a command names: `<@U123|maya>` mentions, turned into Trellis people (users.info when new)."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient

from growth.people import Profile, ensure_person
from handlers.middleware import slack_profile
from handlers.services import Services
from storage import outbox
from storage.models import Person

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
log = logging.getLogger("trellis.handlers")


def mentioned(text: str) -> list[str]:
    """The user ids mentioned in a command's text (Slack escapes mentions: `should_escape: true`)."""
    return MENTION.findall(text or "")


def person_for(client: WebClient, services: Services, *, team_id: str, user_id: str) -> Person:
    def load() -> Profile | None:
        return slack_profile(client, team_id=team_id, user_id=user_id, logger=log)

    with services.db.session() as session:
        return ensure_person(
            session, team_id=team_id, user_id=user_id, enterprise_id=None, load_profile=load, now=services.clock()
        )


def dm_later(session: Any, person: Person | None, key: str, text: str) -> None:
    """Queue a plain DM to `person` in the caller's transaction (sent after the ack); nobody: nothing."""
    if person is None:
        return
    payload = {"channel": person.slack_user_id, "text": text}
    outbox.enqueue(session, team_id=person.team_id, key=key, method="chat.postMessage", payload=payload)
