"""The help answer of `/trellis`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from handlers.blocks.text import escape, one_line


@dataclass(frozen=True)
class CommandHelp:
    usage: str
    summary: str


INTRO = (
    "*Trellis* helps you grow toward your next level: log the moments you operate there, "
    "ask for feedback against it, and keep a weekly growth thread."
)

HOME_HINT = "Your App Home tab shows where you stand at a glance."


def help_blocks(
    commands: Sequence[CommandHelp], *, unknown: str | None = None, preface: str | None = None
) -> list[Block]:
    blocks: list[Block] = []
    if preface is not None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{preface} Here is what I can do:")))
    if unknown is not None:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"I don't know `/trellis {escape(one_line(unknown, 40))}`. Here is what I can do:"
                )
            )
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text=INTRO)))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=command_lines(commands))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=HOME_HINT)]))
    return blocks


def command_lines(commands: Sequence[CommandHelp]) -> str:
    return "\n".join(f"• `{command.usage}` — {command.summary}" for command in commands)


def help_text(*, unknown: str | None = None) -> str:
    """The notification fallback that goes with the blocks."""
    if unknown is not None:
        return f"I don't know /trellis {escape(one_line(unknown, 40))}. Here is what I can do."
    return "Trellis: what I can do"
