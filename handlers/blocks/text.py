"""Putting people's words into Slack safely."""

from __future__ import annotations

import unicodedata

SECTION_TEXT_LIMIT = 3000


def escape(text: str) -> str:
    """Escape exactly what Slack's mrkdwn treats as control: `&`, `<`, `>`.

    After this, `<!channel>` or `<@U123>` in someone's words shows as text and pings no one.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters on a character boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int = 80) -> str:
    """A short, printable, single-line echo of someone's input (control characters dropped)."""
    printable = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text.replace("\n", " "))
    return shorten(" ".join(printable.split()), limit)
