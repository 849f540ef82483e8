"""The help answer of `/trellis`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from blocks.text import escape, one_line


@dataclass(frozen=True)
class CommandHelp:
    usage: str
    summary: str


# What `/trellis help` and the App Home list: the commands this version serves.
AVAILABLE: Sequence[CommandHelp] = (
    CommandHelp("/win <what happened>", "log a moment you operated at the next level (alone: the full form)"),
    CommandHelp("/trellis level", "set your level and where you are heading"),
    CommandHelp("/trellis gaps", "see where you stand against your target level"),
    CommandHelp("/trellis manager @name", "ask the person you report to to confirm it"),
    CommandHelp("/trellis ask", "bring your manager a decision with your recommendation: walk away with a win"),
    CommandHelp("/trellis mentor [@name]", "ask someone to mentor you; choose what they see; open a mentorship room"),
    CommandHelp("/trellis feedback [@report]", "ask for feedback against your next level, named or anonymous"),
    CommandHelp("/trellis team", "your reports: level, target, last check-in, wins this month, open asks"),
    CommandHelp("/trellis 1on1 [@report]", "prepare a 1:1 from evidence: since the last one, and what to ask"),
    CommandHelp("/trellis roadmap", "objectives that close your largest gaps, with dates and status"),
    CommandHelp("/trellis packet", "your promotion packet, from your log, in your DM"),
    CommandHelp("/trellis checkin", "write this week's growth thread entry (`history`: read your thread)"),
    CommandHelp("/trellis settings", "your check-in day and hour, pause, skip, sharing; the growth channel"),
    CommandHelp("/trellis help", "this list of what Trellis can do"),
)


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
