"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from growth.career import HomeSummary
from growth.checkins import HomeThread
from growth.team import Team
from handlers.blocks.career import home_section
from handlers.blocks.checkins import home_section as thread_section
from handlers.blocks.flags import flags_section
from handlers.blocks.help import INTRO, CommandHelp, command_lines
from handlers.blocks.team import home_team_section
from handlers.blocks.text import escape, one_line
from handlers.blocks.wins import home_wins_section
from handlers.ids import Block
from storage.models import Person


def home_view(
    person: Person, commands: Sequence[CommandHelp], summary: HomeSummary, thread: HomeThread, team: Team | None = None
) -> View:
    team_blocks = home_team_section(team) if team is not None else []
    name = escape(one_line(person.display_name, 60)) if person.display_name else "there"
    zone = escape(person.tz) if person.tz else "not known yet (set it in your Slack profile)"
    start = f"*Start here*\n{command_lines(commands)}"
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Your growth, week by week"),
            SectionBlock(block_id=Block.HOME_INTRO, text=MarkdownTextObject(text=f"Hi {name}! {INTRO}")),
            DividerBlock(),
            *team_blocks,
            *([DividerBlock()] if team_blocks else []),
            *home_section(summary),
            DividerBlock(),
            *home_wins_section(summary),
            DividerBlock(),
            *thread_section(thread.plan_line, thread.streak, thread.latest),
            DividerBlock(),
            *flags_section(summary.flags),
            SectionBlock(block_id=Block.HOME_COMMANDS, text=MarkdownTextObject(text=start)),
            ContextBlock(elements=[MarkdownTextObject(text=f"Your time zone: {zone}.")]),
        ],
    )
