"""`/trellis packet [@report]`: the promotion packet in the DM, as Markdown, a printable HTML page and a
PDF. Who may ask for whose packet, and what it then shows, is `growth.packet.request`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.career import no_level_blocks
from blocks.text import escape
from growth import packet
from handlers.middleware import PERSON_KEY
from handlers.parsing import mentioned, parse
from handlers.people import person_for
from handlers.services import services_of


def packet_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, viewer = services_of(context), context[PERSON_KEY]
    users = mentioned(parse(command.get("text"))[1])
    subject = viewer
    if users and users[0] != viewer.slack_user_id:
        subject = person_for(client, services, asker=viewer, user_id=users[0])
    with services.work() as work:
        requested = packet.request(
            work.session,
            viewer=viewer,
            subject=subject,
            defaults=services.frameworks,
            now=work.now,
            request=command["trigger_id"],
        )
        work.notify(requested.notices)
    with work.sending():  # the answer first, then this change's own messages
        name = escape(subject.display_name or "them")
        whose = "Your packet" if requested.seen.own else f"{name}'s packet (shared and public wins only)"
        text = f"{whose} is on its way to your DM: a Markdown file, an HTML page that prints well, and a PDF."
        if requested.missing_level is None:
            ack(response_type="ephemeral", text=text)
        elif requested.seen.own:
            text += " It lists your wins; set your level and target to see them against what your target expects."
            ack(response_type="ephemeral", text=text, blocks=[b.to_dict() for b in no_level_blocks(text)])
        else:
            ack(response_type="ephemeral", text=f"{text} {escape(requested.missing_level)}")
