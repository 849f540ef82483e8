"""Putting people's words into Slack safely."""

from __future__ import annotations

import re
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


_MARKUP = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")


def from_slack_markup(text: str) -> str:
    """Slack's message markup as plain words: `<@U1|maya>` is "@maya", `<!channel>` is "@channel",
    `<https://x|the doc>` is "the doc (https://x)", and `&amp;` `&lt;` `&gt;` are the characters."""

    def plain(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return f"@{label or target}"
        if sigil == "#":
            return f"#{label or target}"
        if sigil == "!":
            return "@" + (label or target.split("^")[0]).lstrip("@")
        return f"{label} ({target})" if label and label != target else target

    return _MARKUP.sub(plain, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escaped_chunks(text: str, size: int) -> list[str]:
    """`text` escaped, in pieces of at most `size` characters, never cut inside an entity like `&amp;`."""
    chunks, chunk = [], ""
    for character in text:
        piece = escape(character)
        if len(chunk) + len(piece) > size:
            chunks.append(chunk)
            chunk = ""
        chunk += piece
    return [*chunks, chunk] if chunk or not chunks else chunks


def escape_within(text: str, limit: int) -> str:
    """`text` escaped and, if that is longer than `limit`, cut (whole entities only) and marked with "…"."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    return escaped_chunks(text, limit - 1)[0].rstrip() + "…"


def fit(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Cut already-escaped text to `limit` (a section's, by default), never inside an entity such as `&amp;`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"
