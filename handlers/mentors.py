"""`/trellis mentor`: ask someone to mentor you, choose what they see, open a room, end it.

The mentor's answer (Confirm / Not me) is `handlers.relationships`, shared with manager links."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.mentors import USAGE, mentors_message, outcome_for_mentor, room_refused, room_welcome
from blocks.text import escape
from growth import mentors
from growth.mentors import Mentorship, Sees
from handlers.middleware import PERSON_KEY
from handlers.parsing import choice, mentioned, parse, row_id
from handlers.people import person_for
from handlers.services import Services, services_of
from storage.models import Person


def mentor_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    _, rest = parse(command.get("text"))
    users = mentioned(rest)
    if rest and len(users) != 1:
        ack(response_type="ephemeral", text=USAGE)
        return
    if not users:
        with services.db.session() as session:
            text, blocks = mentors_message(mentors.mentorships(session, person=person))
        ack(response_type="ephemeral", text=text, blocks=[b.to_dict() for b in blocks])
        return
    mentor = person_for(client, services, asker=person, user_id=users[0])
    with services.work() as work:
        asked = mentors.ask(work.session, person=person, mentor=mentor, now=work.now)
        work.notify(asked.notices)
    with work.sending():  # the answer first, then this change's own messages
        ack(
            response_type="ephemeral",
            text=f"I've asked *{escape(mentor.display_name)}* to mentor you. I'll tell you when they answer.",
        )


def sees_chosen(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    link_id = row_id(str(action.get("block_id") or "").removeprefix("mentor:"))
    chosen = {choice(Sees, option["value"]) for option in action.get("selected_options") or []}
    with services.db.session() as session:
        mentors.choose_sees(session, person=person, link_id=link_id, sees=chosen)
    _redraw(services, person, respond)


def room_clicked(ack: Ack, action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """A private channel for the two of them: made now (the person asked for it), told where it is."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        found = mentors.own(session, person=person, link_id=row_id(action.get("value")))
    if found.link.room_channel_id:
        _redraw(services, person, respond)
        return
    try:
        channel = _create_room(client, found)
    except SlackApiError as error:
        respond(text=room_refused(error.response.get("error")), response_type="ephemeral", replace_original=False)
        return
    with services.db.session() as session:
        mentors.set_room(session, person=person, link_id=found.link.id or 0, channel_id=channel)
    client.chat_postMessage(channel=channel, text=room_welcome(found))
    _redraw(services, person, respond)


def _create_room(client: WebClient, found: Mentorship) -> str:
    name = f"mentoring-{_slug(found.person.display_name)}-{_slug(found.mentor.display_name)}-{found.link.id}"
    try:
        channel = client.conversations_create(name=name[:80], is_private=True)["channel"]["id"]
    except SlackApiError as error:
        if error.response.get("error") != "name_taken":
            raise
        channel = client.conversations_create(name=f"{name[:70]}-{found.link.created_at:%H%M%S}", is_private=True)[
            "channel"
        ]["id"]
    client.conversations_invite(channel=channel, users=f"{found.person.slack_user_id},{found.mentor.slack_user_id}")
    return str(channel)


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:20] or "someone"


def end_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """Either side ends it: the other is told, and the room (if any) is archived."""
    ack()
    services, who = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        ended = mentors.end(work.session, who=who, link_id=row_id(action.get("value")), now=work.now)
        work.notify(ended.notices)
    with work.sending():  # the answer first, then this change's own messages
        if who.id == ended.mentorship.person.id:
            _redraw(services, who, respond)
        else:
            respond(text=outcome_for_mentor(ended.mentorship), replace_original=True)


def _redraw(services: Services, person: Person, respond: Respond) -> None:
    with services.db.session() as session:
        text, blocks = mentors_message(mentors.mentorships(session, person=person))
    respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)
