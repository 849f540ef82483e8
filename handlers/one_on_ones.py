"""`/trellis 1on1 [@report]`: prepare a 1:1 from evidence, and mark it held."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from blocks.one_on_ones import USAGE, held_message, prep_message
from growth import one_on_ones
from handlers.middleware import PERSON_KEY
from handlers.parsing import mentioned, number, parse
from handlers.people import person_for
from handlers.services import services_of


def one_on_one_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, viewer = services_of(context), context[PERSON_KEY]
    _, rest = parse(command.get("text"))
    users = mentioned(rest)
    if rest and len(users) != 1:
        ack(response_type="ephemeral", text=USAGE)
        return
    report = person_for(client, services, asker=viewer, user_id=users[0]) if users else None
    with services.db.session() as session:
        prep = one_on_ones.prepare(
            session, viewer=viewer, report=report, defaults=services.frameworks, now=services.clock()
        )
    text, blocks = prep_message(prep, for_manager=prep.manager.id == viewer.id)
    ack(response_type="ephemeral", text=text, blocks=[block.to_dict() for block in blocks])


def held_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, viewer = services_of(context), context[PERSON_KEY]
    value = str(action.get("value") or "")
    with services.db.session() as session:
        held = one_on_ones.mark_held(session, viewer=viewer, report_id=number(value) or 0, now=services.clock())
    respond(text=held_message(held.held_at), replace_original=True)
