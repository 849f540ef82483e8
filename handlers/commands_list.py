"""What `/trellis help` and the App Home list: the commands this version serves."""

from collections.abc import Sequence

from handlers.blocks.help import CommandHelp

AVAILABLE: Sequence[CommandHelp] = (
    CommandHelp("/win <what happened>", "log a moment you operated at the next level (alone: the full form)"),
    CommandHelp("/trellis level", "set your level and where you are heading"),
    CommandHelp("/trellis gaps", "see where you stand against your target level"),
    CommandHelp("/trellis manager @name", "ask the person you report to to confirm it"),
    CommandHelp("/trellis ask", "bring your manager a decision with your recommendation: walk away with a win"),
    CommandHelp("/trellis mentor [@name]", "ask someone to mentor you; choose what they see; open a mentorship room"),
    CommandHelp("/trellis team", "your reports: level, target, last check-in, wins this month, open asks"),
    CommandHelp("/trellis 1on1 [@report]", "prepare a 1:1 from evidence: since the last one, and what to ask"),
    CommandHelp("/trellis roadmap", "objectives that close your largest gaps, with dates and status"),
    CommandHelp("/trellis packet", "your promotion packet, from your log, in your DM"),
    CommandHelp("/trellis checkin", "write this week's growth thread entry (`history`: read your thread)"),
    CommandHelp("/trellis settings", "your check-in day and hour, pause, skip, sharing; the growth channel"),
    CommandHelp("/trellis help", "this list of what Trellis can do"),
)


def parse(text: str | None) -> tuple[str, str]:
    """Split `/trellis` text into (the subcommand as typed, the rest), at any white space."""
    parts = (text or "").split(maxsplit=1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")
