"""A manager's team: `/trellis team`, and the team section of their App Home."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ButtonElement, ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from blocks.asks import decision_buttons
from blocks.checkins import week_label
from blocks.ids import ActionId, BlockId
from blocks.text import escape, escape_within, one_line
from growth.team import Member, Team

MAX_LISTED = 40  # a message holds 50 blocks


def _level(ref: str | None) -> str:
    return ref.split("/")[-1] if ref else "not set"


def _line(member: Member) -> str:
    person = member.person
    name = escape(one_line(person.display_name, 60) or person.slack_user_id)
    entry = week_label(member.last_entry_week) if member.last_entry_week else "none yet"
    asks = (
        f" · *{len(member.open_asks)} open ask{'s' if len(member.open_asks) != 1 else ''}*" if member.open_asks else ""
    )
    quiet = f" · quiet for {member.quiet_weeks} weeks" if member.quiet_weeks else ""
    return (
        f"*{name}* · {_level(person.level_ref)} → {_level(person.target_ref)} · last check-in: {entry} · "
        f"wins this month: {member.wins_this_month}{asks}{quiet}"
    )


def team_message(team: Team) -> tuple[str, list[Block]]:
    if not team.members:
        text = "No one has confirmed you as their manager yet. A report asks with `/trellis manager @you`."
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    text = f"Your team: {len(team.members)} report{'s' if len(team.members) != 1 else ''}."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{text}*"))]
    blocks += [
        SectionBlock(
            text=MarkdownTextObject(text=_line(m)),
            accessory=ButtonElement(text="Ask for feedback", action_id=ActionId.FEEDBACK_OPEN, value=str(m.person.id)),
        )
        for m in team.members[:MAX_LISTED]
    ]
    if len(team.members) > MAX_LISTED:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"… and {len(team.members) - MAX_LISTED} more.")]))
    return text, blocks


def home_team_section(team: Team) -> list[Block]:
    """For a manager: asks waiting for a decision (with their buttons) and who went quiet."""
    if not team.members:
        return []
    blocks: list[Block] = [HeaderBlock(text="Your team")]
    pending = team.pending
    if not pending:
        blocks.append(
            SectionBlock(block_id=BlockId.HOME_TEAM, text=MarkdownTextObject(text="No asks waiting for you."))
        )
    for ask, person in pending[:10]:
        assert ask.id is not None
        who = escape(one_line(person.display_name, 60) or "Someone")
        needed = f" (needed by {ask.needed_by:%-d %b})" if ask.needed_by else ""
        decision = escape_within(one_line(ask.decision, 300), 400)
        recommendation = escape_within(one_line(ask.recommendation, 300), 400)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*{who} asks*{needed}: {decision}\n_Recommends:_ {recommendation}")
            )
        )
        blocks.append(decision_buttons(ask.id))
    if len(pending) > 10:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"… and {len(pending) - 10} more asks.")]))
    upcoming = [m for m in team.members if m.new_since_one_on_one]
    if upcoming:
        lines = [f"• *{escape(one_line(m.person.display_name, 40))}*: {_since(m)}" for m in upcoming[:15]]
        heading = "*For your next 1:1s* (`/trellis 1on1 @name` prepares one)"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=heading + "\n" + "\n".join(lines))))
    quiet = team.quiet
    if quiet:
        names = ", ".join(f"{escape(one_line(m.person.display_name, 40))} ({m.quiet_weeks} weeks)" for m in quiet[:20])
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Gone quiet: {names}.")]))
    return blocks


def _since(member: Member) -> str:
    when = f"your last 1:1 ({member.last_one_on_one:%-d %b})" if member.last_one_on_one else "the last two weeks"
    return f"{member.new_since_one_on_one} new wins and entries since {when}"
