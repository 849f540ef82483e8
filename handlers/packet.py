"""`/trellis packet`: the promotion packet, as a Markdown file and a printable HTML page in the DM.

`/trellis packet @report` is for the report's confirmed manager: shared and public wins only.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from growth.career import NoLevelYet, level_choices
from growth.links import manages
from handlers.blocks.career import no_level_blocks
from handlers.blocks.text import escape
from handlers.commands_list import parse
from handlers.middleware import PERSON_KEY
from handlers.people import mentioned, person_for
from handlers.services import services_of
from schedules.uploads import PACKET
from storage import outbox


def packet_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, **_: Any) -> None:
    services, viewer = services_of(context), context[PERSON_KEY]
    users = mentioned(parse(command.get("text"))[1])
    subject = viewer
    if users and users[0] != viewer.slack_user_id:
        subject = person_for(client, services, team_id=viewer.team_id, user_id=users[0])
    someone_else = subject.id != viewer.id
    name = escape(subject.display_name or "them")
    with services.db.session() as session:
        if someone_else and not manages(session, manager=viewer, report=subject):
            ack(response_type="ephemeral", text=f"Only {name}'s confirmed manager can ask for {name}'s packet.")
            return
        if level_choices(session, person=subject, defaults=services.frameworks, now=services.clock()).position is None:
            if someone_else:
                ack(
                    response_type="ephemeral", text=f"{name} has not set a level and target yet, so there is no packet."
                )
                return
            message = str(NoLevelYet())
            ack(response_type="ephemeral", text=message, blocks=[b.to_dict() for b in no_level_blocks(message)])
            return
        for kind in ("md", "html"):
            payload = {"person_id": subject.id, "format": kind, "to": viewer.slack_user_id, "shared_only": someone_else}
            key = f"packet:{subject.id}:{command['trigger_id']}:{kind}"
            outbox.enqueue(session, team_id=viewer.team_id, key=key, method=PACKET, payload=payload)
    whose = f"{name}'s packet (shared and public wins only)" if someone_else else "Your packet"
    ack(
        response_type="ephemeral",
        text=f"{whose} is on its way to your DM: a Markdown file, and an HTML page that prints well.",
    )
    services.dispatcher.drain(team_id=viewer.team_id)
