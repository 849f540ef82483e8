"""`/trellis packet`: the promotion packet, as a Markdown file and a printable HTML page in the DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from growth.career import NoLevelYet, level_choices
from handlers.blocks.career import no_level_blocks
from handlers.middleware import PERSON_KEY
from handlers.services import services_of
from schedules.uploads import PACKET
from storage import outbox


def packet_command(ack: Ack, command: dict[str, Any], context: BoltContext, **_: Any) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        if level_choices(session, person=person, defaults=services.frameworks, now=services.clock()).position is None:
            message = str(NoLevelYet())
            ack(response_type="ephemeral", text=message, blocks=[b.to_dict() for b in no_level_blocks(message)])
            return
        for kind in ("md", "html"):
            outbox.enqueue(
                session,
                team_id=person.team_id,
                key=f"packet:{person.id}:{command['trigger_id']}:{kind}",
                method=PACKET,
                payload={"person_id": person.id, "format": kind},
            )
    ack(
        response_type="ephemeral",
        text="Your packet is on its way to your DM: a Markdown file, and an HTML page that prints well.",
    )
    services.dispatcher.drain(team_id=person.team_id)
