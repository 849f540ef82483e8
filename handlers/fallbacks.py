"""What answers when no other listener matched: a command or a shortcut the manifest declares but this
version does not serve. Registered last (see `handlers.routes`): Bolt runs the first listener that matches."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond


def not_available_yet(ack: Ack, command: dict[str, Any]) -> None:
    """A command the manifest declares but this version does not serve yet: say so, never fail silently."""
    ack(
        response_type="ephemeral",
        text=f"`{command.get('command', '')}` isn't available in this version of Trellis yet. "
        "`/trellis help` lists what is.",
    )


def shortcut_not_available_yet(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    ack()
    if body.get("response_url"):
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="That shortcut isn't available in this version of Trellis yet. `/trellis help` lists what is.",
        )
