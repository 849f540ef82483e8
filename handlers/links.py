"""`/trellis manager`: ask someone to confirm they manage you, see or end the link; admins set links."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from growth.errors import GrowthError
from growth.links import admin_set, answer, ask, end, manager_of
from handlers.blocks.links import outcome_for_manager, outcome_for_report, request_message
from handlers.blocks.text import escape
from handlers.commands_list import parse
from handlers.ids import Action
from handlers.middleware import PERSON_KEY
from handlers.people import dm_later, mentioned, person_for
from handlers.services import Services, services_of
from storage import outbox
from storage.models import Person

USAGE = (
    "`/trellis manager @name` asks them to confirm they manage you. `/trellis manager` shows your link, "
    "`/trellis manager end` ends it. Workspace admins: `/trellis manager @report @manager` (or `none`)."
)


def register(app: App) -> None:
    app.action(Action.LINK_CONFIRM)(confirm_clicked)
    app.action(Action.LINK_DECLINE)(decline_clicked)


def manager_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    _, rest = parse(command.get("text"))
    users = mentioned(rest)
    try:
        if not rest:
            text = _status(services, person)
        elif rest.casefold() == "end":
            text = _end(services, person)
        elif len(users) == 1 and "none" not in rest.casefold().split():
            text = _ask(client, services, person, users[0])
        elif len(users) == 2 or (len(users) == 1 and "none" in rest.casefold().split()):
            text = _admin(client, services, person, users)
        else:
            text = USAGE
    except GrowthError as error:
        text = str(error)
    ack(response_type="ephemeral", text=text)
    services.dispatcher.drain(team_id=person.team_id)


def _status(services: Services, person: Person) -> str:
    with services.db.session() as session:
        manager = manager_of(session, report=person)
    if manager is None:
        return "You have no confirmed manager in Trellis. " + USAGE
    return f"Your manager in Trellis: *{escape(manager.display_name)}* (confirmed). `/trellis manager end` ends it."


def _ask(client: WebClient, services: Services, person: Person, user_id: str) -> str:
    manager = person_for(client, services, team_id=person.team_id, user_id=user_id)
    with services.db.session() as session:
        link = ask(session, report=person, manager=manager, now=services.clock())
        text, blocks = request_message(link)
        payload = {"channel": manager.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
        outbox.enqueue(
            session, team_id=person.team_id, key=f"link-ask:{link.id}", method="chat.postMessage", payload=payload
        )
    return f"I've asked *{escape(manager.display_name)}* to confirm. I'll tell you in a DM when they answer."


def _end(services: Services, person: Person) -> str:
    with services.db.session() as session:
        link = end(session, report=person, now=services.clock())
        dm_later(session, link.manager, f"link-end:{link.id}", outcome_for_manager(link))
    return outcome_for_report(link)


def _admin(client: WebClient, services: Services, person: Person, users: list[str]) -> str:
    report = person_for(client, services, team_id=person.team_id, user_id=users[0])
    manager = person_for(client, services, team_id=person.team_id, user_id=users[1]) if len(users) == 2 else None
    with services.db.session() as session:
        link = admin_set(session, admin=person, report=report, manager=manager, now=services.clock())
        stamp = int(services.clock().timestamp())
        if link is not None:
            dm_later(session, report, f"link-set:{link.id}", outcome_for_report(link))
            dm_later(session, manager, f"link-set-manager:{link.id}", outcome_for_manager(link))
            return f"Set: *{escape(manager.display_name)}* manages *{escape(report.display_name)}*."  # type: ignore[union-attr]
        dm_later(session, report, f"link-removed:{report.id}:{stamp}", "A workspace admin removed your manager link.")
    return f"Removed *{escape(report.display_name)}*'s manager link."


def confirm_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _answer(action, respond, context, confirm=True)


def decline_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _answer(action, respond, context, confirm=False)


def _answer(action: dict[str, Any], respond: Respond, context: BoltContext, *, confirm: bool) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            link, changed = answer(
                session, link_id=int(action["value"]), manager=person, confirm=confirm, now=services.clock()
            )
            if changed:
                dm_later(session, link.report, f"link-answer:{link.id}", outcome_for_report(link))
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    respond(text=outcome_for_manager(link), replace_original=True)
    services.dispatcher.drain(team_id=person.team_id)
