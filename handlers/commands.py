"""`/trellis <subcommand>`: each subcommand is a listener of its feature's module; help for the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from blocks.help import AVAILABLE, help_blocks, help_text
from handlers import asks, career, checkins, feedback, links, mentors, one_on_ones, packet, roadmap, settings, team
from handlers.parsing import parse

SUBCOMMANDS: dict[str, Callable[..., None]] = {
    "level": career.level_command,
    "gaps": career.gaps_command,
    "settings": settings.settings_command,
    "packet": packet.packet_command,
    "manager": links.manager_command,
    "roadmap": roadmap.roadmap_command,
    "checkin": checkins.checkin_command,
    "ask": asks.ask_command,
    "team": team.team_command,
    "1on1": one_on_ones.one_on_one_command,
    "mentor": mentors.mentor_command,
    "feedback": feedback.feedback_command,
}


def trellis(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    word, _rest = parse(command.get("text"))
    handler = SUBCOMMANDS.get(word.casefold())
    if handler is not None:
        handler(ack=ack, command=command, client=client, context=context)
        return
    if word.casefold() in ("", "help"):
        _ack_ephemeral(ack, help_text(), help_blocks(AVAILABLE))
        return
    _ack_ephemeral(ack, help_text(unknown=word), help_blocks(AVAILABLE, unknown=word))


def _ack_ephemeral(ack: Ack, text: str, blocks: list[Block]) -> None:
    ack(response_type="ephemeral", text=text, blocks=[block.to_dict() for block in blocks])
