"""Shortcuts: "Log as a win" on any message."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond


def register(app: App) -> None:
    app.shortcut(re.compile(r".*"))(not_available_yet)


def not_available_yet(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    ack()
    if body.get("response_url"):
        respond(
            response_type="ephemeral",
            replace_original=False,
            text="That shortcut isn't available in this version of Trellis yet. `/trellis help` lists what is.",
        )
