"""`/trellis manager`: ask someone to confirm they manage you, see or end the link; admins set links.

The answer to the request (Confirm / Not me) is `handlers.relationships`, shared with mentors."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.links import USAGE, link_status, outcome_for_report
from blocks.text import escape
from delivery.unit import Work
from growth import links
from handlers.middleware import PERSON_KEY
from handlers.parsing import mentioned, parse
from handlers.people import person_for
from handlers.services import services_of
from storage.models import Person


def manager_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    _, rest = parse(command.get("text"))
    words = rest.casefold().split()
    named = [person_for(client, services, asker=person, user_id=user) for user in mentioned(rest)[:2]]
    with services.work() as work:
        if not rest:
            text = link_status(links.manager_of(work.session, report=person))
        elif words == ["end"]:
            ended = links.end(work.session, report=person, now=work.now)
            work.notify(ended.notices)
            text = outcome_for_report(ended.link)
        elif len(named) == 1 and "none" not in words:
            text = _ask(work, person, named[0])
        elif len(named) == 2 or (len(named) == 1 and "none" in words):
            text = _admin(work, person, named)
        else:
            text = USAGE
    with work.sending():  # the answer first, then this change's own messages
        ack(response_type="ephemeral", text=text)


def _ask(work: Work, person: Person, manager: Person) -> str:
    asked = links.ask(work.session, report=person, manager=manager, now=work.now)
    work.notify(asked.notices)
    return f"I've asked *{escape(manager.display_name)}* to confirm. I'll tell you in a DM when they answer."


def _admin(work: Work, admin: Person, named: list[Person]) -> str:
    report = named[0]
    if len(named) == 1:
        work.notify(links.admin_remove(work.session, admin=admin, report=report, now=work.now))
        return f"Removed *{escape(report.display_name)}*'s manager link."
    manager = named[1]
    changed = links.admin_set(work.session, admin=admin, report=report, manager=manager, now=work.now)
    assert changed is not None
    work.notify(changed.notices)
    return f"Set: *{escape(manager.display_name)}* manages *{escape(report.display_name)}*."
