"""`/trellis 1on1 [@report]`: prepare a 1:1 from evidence, and mark it held."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from growth import one_on_ones
from growth.career import win_vocabulary
from growth.errors import GrowthError
from handlers.blocks.one_on_ones import prep_message
from handlers.commands_list import parse
from handlers.ids import Action
from handlers.middleware import PERSON_KEY
from handlers.people import mentioned, person_for
from handlers.services import services_of
from storage.models import Person

USAGE = "`/trellis 1on1` prepares your next 1:1 with your manager; a manager: `/trellis 1on1 @report`."


def register(app: App) -> None:
    app.action(Action.ONE_ON_ONE_HELD)(held_clicked)


def one_on_one_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, viewer = services_of(context), context[PERSON_KEY]
    _, rest = parse(command.get("text"))
    users = mentioned(rest)
    if rest and len(users) != 1:
        ack(response_type="ephemeral", text=USAGE)
        return
    report = person_for(client, services, team_id=viewer.team_id, user_id=users[0]) if users else None
    now = services.clock()
    try:
        with services.db.session() as session:
            subject = report or viewer
            names = win_vocabulary(session, person=subject, defaults=services.frameworks, now=now).names
            prep = one_on_ones.prepare(session, viewer=viewer, report=report, now=now, names=names)
    except GrowthError as error:
        ack(response_type="ephemeral", text=str(error))
        return
    text, blocks = prep_message(prep, for_manager=prep.manager.id == viewer.id)
    ack(response_type="ephemeral", text=text, blocks=[block.to_dict() for block in blocks])


def held_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, viewer = services_of(context), context[PERSON_KEY]
    now = services.clock()
    try:
        with services.db.session() as session:
            report = session.get(Person, int(action["value"]))
            if report is None or report.team_id != viewer.team_id:
                raise GrowthError("That person is not in Trellis any more.")
            one_on_ones.mark_held(session, viewer=viewer, report=None if report.id == viewer.id else report, now=now)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    respond(text=f"✅ Marked as held on {now:%-d %B}. The next 1:1 prep starts from here.", replace_original=True)
