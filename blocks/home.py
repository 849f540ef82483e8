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

from blocks.career import home_section
from blocks.channel import home_problem
from blocks.checkins import home_section as thread_section
from blocks.feedback_results import home_section as feedback_section
from blocks.flags import flags_section
from blocks.help import INTRO, CommandHelp, command_lines
from blocks.ids import BlockId
from blocks.team import home_team_section
from blocks.text import escape, one_line
from blocks.wins import home_wins_section
from growth.home import Home
from storage.models import Person


def home_view(person: Person, commands: Sequence[CommandHelp], home: Home) -> View:
    summary, thread = home.summary, home.thread
    team_blocks = home_team_section(home.team)
    name = escape(one_line(person.display_name, 60)) if person.display_name else "there"
    zone = escape(person.tz) if person.tz else "not known yet (set it in your Slack profile)"
    start = f"*Start here*\n{command_lines(commands)}"
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Your growth, week by week"),
            SectionBlock(block_id=BlockId.HOME_INTRO, text=MarkdownTextObject(text=f"Hi {name}! {INTRO}")),
            *home_problem(home.channel_problem),
            DividerBlock(),
            *team_blocks,
            *([DividerBlock()] if team_blocks else []),
            *home_section(summary),
            DividerBlock(),
            *home_wins_section(summary),
            DividerBlock(),
            *thread_section(thread.plan_line, thread.streak, thread.latest),
            DividerBlock(),
            *feedback_section(home.feedback.open, home.feedback.waiting, home.feedback.last, person),
            DividerBlock(),
            *flags_section(summary.flags),
            SectionBlock(block_id=BlockId.HOME_COMMANDS, text=MarkdownTextObject(text=start)),
            ContextBlock(elements=[MarkdownTextObject(text=f"Your time zone: {zone}.")]),
        ],
    )
