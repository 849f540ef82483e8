"""Reading what Slack sends: the subcommand and the people mentioned after a slash command, and the ids
buttons carry."""

from __future__ import annotations

import re

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def parse(text: str | None) -> tuple[str, str]:
    """Split `/trellis` text into (the subcommand as typed, the rest), at any white space."""
    parts = (text or "").split(maxsplit=1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")


def mentioned(text: str) -> list[str]:
    """The user ids mentioned in a command's text (Slack escapes mentions: `should_escape: true`)."""
    return MENTION.findall(text or "")


def number(value: object) -> int | None:
    """The id a button or form carries, or None when it is not one (a stale or forged payload); growth
    then answers for the missing row."""
    text = str(value if value is not None else "")
    return int(text) if text.isdigit() else None
