"""`/trellis mentor`: ask someone to mentor you, choose what they see, open a room, end it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from growth import mentors
from growth.errors import GrowthError
from growth.mentors import Mentorship, Sees
from handlers.blocks.mentors import (
    USAGE,
    mentors_message,
    outcome_for_mentor,
    outcome_for_person,
    request_message,
    room_welcome,
)
from handlers.blocks.text import escape
from handlers.commands_list import parse
from handlers.ids import Action
from handlers.middleware import PERSON_KEY
from handlers.people import dm_later, mentioned, person_for
from handlers.services import Services, services_of
from storage import outbox
from storage.models import Person


def register(app: App) -> None:
    app.action(Action.MENTOR_CONFIRM)(confirm_clicked)
    app.action(Action.MENTOR_DECLINE)(decline_clicked)
    app.action(Action.MENTOR_SEES)(sees_chosen)
    app.action(Action.MENTOR_ROOM)(room_clicked)
    app.action(Action.MENTOR_END)(end_clicked)


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
    mentor = person_for(client, services, team_id=person.team_id, user_id=users[0])
    try:
        with services.db.session() as session:
            found = mentors.ask(session, person=person, mentor=mentor, now=services.clock())
            text, blocks = request_message(found)
            payload = {"channel": mentor.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
            outbox.enqueue(
                session,
                team_id=person.team_id,
                key=f"mentor-ask:{found.link.id}",
                method="chat.postMessage",
                payload=payload,
            )
    except GrowthError as error:
        ack(response_type="ephemeral", text=str(error))
        return
    ack(
        response_type="ephemeral",
        text=f"I've asked *{escape(mentor.display_name)}* to mentor you. I'll tell you when they answer.",
    )
    services.dispatcher.drain(team_id=person.team_id)


def confirm_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _answer(action, respond, context, confirm=True)


def decline_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _answer(action, respond, context, confirm=False)


def _answer(action: dict[str, Any], respond: Respond, context: BoltContext, *, confirm: bool) -> None:
    services, mentor = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            found, changed = mentors.answer(
                session, link_id=int(action["value"]), mentor=mentor, confirm=confirm, now=services.clock()
            )
            if changed:
                dm_later(session, found.person, f"mentor-answer:{found.link.id}", outcome_for_person(found))
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    respond(text=outcome_for_mentor(found), replace_original=True)
    services.dispatcher.drain(team_id=mentor.team_id)


def sees_chosen(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    link_id = int(str(action.get("block_id", "")).removeprefix("mentor:") or 0)
    chosen = {Sees(option["value"]) for option in action.get("selected_options") or []}
    try:
        with services.db.session() as session:
            mentors.choose_sees(session, person=person, link_id=link_id, sees=chosen)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    _redraw(services, person, respond)


def room_clicked(ack: Ack, action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """A private channel for the two of them: made now (the person asked for it), told where it is."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            found = mentors.own(session, person=person, link_id=int(action["value"]))
        if found.link.room_channel_id:
            _redraw(services, person, respond)
            return
        channel = _create_room(client, found)
        with services.db.session() as session:
            mentors.set_room(session, person=person, link_id=found.link.id or 0, channel_id=channel)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    except SlackApiError as error:
        reason = error.response.get("error")
        respond(
            text=f"Slack would not make the room ({reason}). A workspace admin may need to reinstall Trellis "
            "with the groups:write permission.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
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
    ack()
    services, who = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            found, changed = mentors.end(session, who=who, link_id=int(action["value"]), now=services.clock())
            if changed:
                other = found.mentor if who.id == found.person.id else found.person
                told = outcome_for_mentor(found) if other is found.mentor else outcome_for_person(found)
                dm_later(session, other, f"mentor-end:{found.link.id}", told)
                if found.link.room_channel_id:
                    outbox.enqueue(
                        session,
                        team_id=who.team_id,
                        key=f"mentor-room-archive:{found.link.id}",
                        method="conversations.archive",
                        payload={"channel": found.link.room_channel_id},
                    )
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    services.dispatcher.drain(team_id=who.team_id)
    if who.id == found.person.id:
        _redraw(services, who, respond)
    else:
        respond(text=outcome_for_mentor(found), replace_original=True)


def _redraw(services: Services, person: Person, respond: Respond) -> None:
    with services.db.session() as session:
        text, blocks = mentors_message(mentors.mentorships(session, person=person))
    respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)


def post_to_rooms(session: Any, *, person: Person, showing: Sees, key: str, text: str) -> None:
    """Queue `text` for each of the person's mentorship rooms whose mentor sees `showing`."""
    for link_id, channel in mentors.rooms(session, person=person, showing=showing):
        payload = {"channel": channel, "text": text}
        outbox.enqueue(
            session, team_id=person.team_id, key=f"{key}:{link_id}", method="chat.postMessage", payload=payload
        )
