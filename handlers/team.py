"""`/trellis team`: a manager's confirmed reports at a glance."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.team import team_message
from growth.team import team_of
from handlers.middleware import PERSON_KEY
from handlers.services import services_of


def team_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, manager = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        team = team_of(session, manager=manager, now=services.clock())
    text, blocks = team_message(team)
    ack(response_type="ephemeral", text=text, blocks=[block.to_dict() for block in blocks])
