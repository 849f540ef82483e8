"""1:1 preparation in Block Kit."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock

from blocks.asks import VERDICT_WORDS
from blocks.checkins import entry_lines, week_label
from blocks.ids import ActionId
from blocks.text import SECTION_TEXT_LIMIT, escape, escape_within, one_line
from growth.asks import Status as AskStatus
from growth.feedback import Summary
from growth.feedback.rules import zone
from growth.one_on_ones import Prep

LISTED = 8
USAGE = "`/trellis 1on1` prepares your next 1:1 with your manager; a manager: `/trellis 1on1 @report`."


def _name(text: str) -> str:
    return escape(one_line(text, 60) or "Someone")


def _section(title: str, lines: list[str], empty: str) -> SectionBlock:
    body = "\n".join(lines) if lines else f"_{empty}_"
    text = f"*{title}*\n{body}"
    if len(text) > SECTION_TEXT_LIMIT:
        text = text[: text.rfind("\n", 0, SECTION_TEXT_LIMIT - 2)] + "\n…"
    return SectionBlock(text=MarkdownTextObject(text=text))


def _round_line(made: Summary) -> str:
    closed = f"{made.round.closed_at.astimezone(zone(made.person)):%-d %b}" if made.round.closed_at else "—"
    line = f"• Against {escape(made.level.id)}, closed {closed}: {made.answered} of {made.asked} answered"
    largest = made.largest
    if largest is not None:
        line += f"; the largest gap named: {escape(largest.name)}"
    elif not made.released:
        line += " (too few to show anonymously)"
    return line


def prep_message(prep: Prep, *, for_manager: bool) -> tuple[str, list[Block]]:
    report, manager = _name(prep.report.display_name), _name(prep.manager.display_name)
    title = f"1:1 prep: {report} with {manager}, since {prep.since:%-d %B}"
    wins = [f"• {escape_within(one_line(win.text, 200), 300)} ({win.happened_on:%-d %b})" for win in prep.wins[:LISTED]]
    if len(prep.wins) > LISTED:
        wins.append(f"… and {len(prep.wins) - LISTED} more")
    entries = [f"_{week_label(row.week).capitalize()}_\n{entry_lines(row, 700)}" for row in prep.entries[-3:]]
    asks = [
        f"• {escape_within(one_line(ask.decision, 150), 250)}: {VERDICT_WORDS[AskStatus(ask.status)]}"
        + (f" ({escape_within(one_line(ask.note, 120), 200)})" if ask.note else "")
        for ask in prep.asks[:LISTED]
    ]
    gaps = [f"• {escape(name)}: {short} level{'s' if short != 1 else ''} short" for name, short in prep.gaps]
    due = [f"• {escape_within(one_line(o.title, 150), 250)} (due {o.due_on:%-d %b})" for o in prep.due[:LISTED]]
    questions = [f"{n}. {escape(question)}" for n, question in enumerate(prep.questions, 1)]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{title}*")),
        _section("Wins shared", wins, "none shared since then"),
        _section("Growth thread", entries, "no entries shared since then"),
        _section("Asks and their outcomes", asks, "no asks"),
        _section("Largest gaps", gaps, "no self-assessment yet (`/trellis gaps`)"),
        _section("Roadmap due", due, "nothing due in the next three weeks"),
        _section(
            "Feedback received", [_round_line(made) for made in prep.feedback[:LISTED]], "no round closed since then"
        ),
        _section("Questions to start with", questions, "none"),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Mark this 1:1 as held",
                    action_id=ActionId.ONE_ON_ONE_HELD,
                    value=str(prep.report.id),
                    style="primary",
                )
            ]
        ),
    ]
    if for_manager:
        blocks.insert(1, ContextBlock(elements=[MarkdownTextObject(text="Only what they shared with you is here.")]))
    return title, blocks


def held_message(at: datetime) -> str:
    return f"✅ Marked as held on {at:%-d %B}. The next 1:1 prep starts from here."
