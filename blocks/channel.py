"""What the workspace admins are told when Trellis cannot post in the growth channel (`growth.channel`)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from growth.channel import WAIT_AT_MOST, Problem

WHY = {
    "not_in_channel": "Trellis is not a member of it",
    "channel_not_found": "it is private and Trellis is not in it, or it was deleted",
    "is_archived": "it is archived",
}
FIX = {
    "not_in_channel": "type `/invite @Trellis` in that channel",
    "channel_not_found": "type `/invite @Trellis` in that channel, if it still exists",
    "is_archived": "unarchive it",
}


def problem_line(channel: str, code: str) -> str:
    """One sentence: what is wrong and the two ways to fix it."""
    why, fix = WHY.get(code, code), FIX.get(code, "check the channel")
    return (
        f"⚠️ Trellis can't post in <#{channel}>: {why}. To fix it, {fix}, or choose another growth channel "
        "in `/trellis settings`."
    )


def problem_message(channel: str, code: str) -> str:
    """The DM each workspace admin gets once."""
    days = WAIT_AT_MOST.days
    return (
        f"{problem_line(channel, code)}\nPublic wins and shared growth threads wait meanwhile and go out as "
        f"soon as the channel works (those still waiting after {days} days are dropped). You get this once "
        "because you are a workspace admin."
    )


def home_problem(problem: Problem | None) -> list[Block]:
    """A line on an admin's App Home while the problem lasts."""
    if problem is None:
        return []
    since = f"since {problem.since:%Y-%m-%d %H:%M} UTC"
    return [SectionBlock(text=MarkdownTextObject(text=f"{problem_line(problem.channel, problem.code)} ({since})"))]
