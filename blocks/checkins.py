"""The weekly growth thread in Block Kit: the check-in DM, the entry modal, history, App Home, digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import SECTION_TEXT_LIMIT, escape, escape_within, fit, one_line
from growth.checkins import ANSWER_LIMIT, Delivery, Nudge, ReportWeek, Streak, monday_of_week
from growth.feedback import Waiting
from storage.models import Checkin, Objective

PROMPTS = (
    (BlockId.CHECKIN_LEARNED, "What I learned", "learned"),
    (BlockId.CHECKIN_OPERATED, "Where I operated at the next level", "operated"),
    (BlockId.CHECKIN_BLOCKERS, "What blocks me", "blockers"),
)
HISTORY_PAGE = 8
THIS_WEEK = "this_week"  # the value of a "write" button not tied to a check-in message


def week_label(week: str) -> str:
    monday = monday_of_week(week)
    return f"week {int(week[-2:])} (from {monday:%-d %b})"


def _buttons(checkin_id: int) -> ActionsBlock:
    value = str(checkin_id)
    return ActionsBlock(
        block_id=BlockId.CHECKIN_BUTTONS,
        elements=[
            ButtonElement(text="Write my update", action_id=ActionId.CHECKIN_WRITE, value=value, style="primary"),
            ButtonElement(text="Skip this week", action_id=ActionId.CHECKIN_SKIP, value=value),
            ButtonElement(text="Remind me tomorrow", action_id=ActionId.CHECKIN_REMIND, value=value),
        ],
    )


def checkin_message(delivery: Delivery) -> tuple[str, list[Block]]:
    """The weekly nudge: the full three prompts, or one line when wins already speak for the week."""
    row = delivery.checkin
    assert row.id is not None
    again = "A reminder, as you asked. " if delivery.reminder else ""
    if delivery.nudge is Nudge.LIGHT:
        wins = f"{delivery.wins_this_week} win{'s' if delivery.wins_this_week != 1 else ''}"
        text = f"{again}You logged {wins} in {week_label(row.week)}. Anything to add to your growth thread?"
        return text, [SectionBlock(text=MarkdownTextObject(text=text)), _buttons(row.id)]
    prompts = "\n".join(f"• *{label}*" for _, label, _ in PROMPTS)
    text = (
        f"{again}Your growth thread, {week_label(row.week)}: what did you learn, "
        "where did you operate at the next level, what blocks you?"
    )
    return text, [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{again}*Your growth thread, {week_label(row.week)}*\n{prompts}\n"
                "Write your update, or simply reply in this thread."
            )
        ),
        _buttons(row.id),
    ]


def entry_modal(*, checkin_id: int | None, row: Checkin | None, objectives: Sequence[Objective], week: str) -> View:
    blocks: list[Block] = [
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Your growth thread, {week_label(week)}. Any one answer is enough.")]
        )
    ]
    for block_id, label, field in PROMPTS:
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                optional=True,
                element=PlainTextInputElement(
                    action_id=ActionId.CHECKIN_FIELD,
                    multiline=True,
                    max_length=ANSWER_LIMIT,
                    initial_value=(getattr(row, field) or None) if row is not None else None,
                ),
            )
        )
    if objectives:
        options = [Option(value=str(o.id), text=one_line(o.title, 75)) for o in objectives[:100]]
        chosen = next((o for o in options if row is not None and o.value == str(row.objective_id)), None)
        blocks.append(
            InputBlock(
                block_id=BlockId.CHECKIN_OBJECTIVE,
                label="Roadmap objective it moves",
                optional=True,
                element=StaticSelectElement(
                    action_id=ActionId.CHECKIN_FIELD, options=options, initial_option=chosen, placeholder="None"
                ),
            )
        )
    private = Option(value="private", text="Keep this entry to myself (not in my manager's digest or 1:1 prep)")
    blocks.append(
        InputBlock(
            block_id=BlockId.CHECKIN_PRIVATE,
            label="Who sees it",
            optional=True,
            element=CheckboxesElement(
                action_id=ActionId.CHECKIN_FIELD,
                options=[private],
                initial_options=[private] if row is not None and row.private else None,
            ),
        )
    )
    return View(
        type="modal",
        callback_id=CallbackId.CHECKIN,
        title="Growth thread",
        submit="Save",
        close="Cancel",
        private_metadata=str(checkin_id or ""),
        blocks=blocks,
    )


def entry_lines(row: Checkin, limit: int = SECTION_TEXT_LIMIT) -> str:
    parts = [(label, getattr(row, field)) for _, label, field in PROMPTS]
    parts.append(("In the thread", row.replies))
    budget = max(100, (limit - 200) // 4)
    lines = [f"*{label}:* {escape_within(value, budget)}" for label, value in parts if value]
    return "\n".join(lines) or "_(empty)_"


def entry_saved(row: Checkin, *, first: bool, shared: bool) -> tuple[str, list[Block]]:
    """What the person sees once their entry is kept, with "Make it a win" when it has a next-level answer."""
    assert row.id is not None
    done = "Saved" if first else "Updated"
    where = " and shared in the growth channel" if shared else ""
    text = f"✅ {done} your growth thread entry for {week_label(row.week)}{where}."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    buttons = [ButtonElement(text="Edit", action_id=ActionId.CHECKIN_WRITE, value=str(row.id))]
    if row.operated and row.win_id is None:
        buttons.insert(
            0,
            ButtonElement(text="Make it a win", action_id=ActionId.CHECKIN_WIN, value=str(row.id), style="primary"),
        )
    blocks.append(ActionsBlock(block_id=BlockId.CHECKIN_BUTTONS, elements=buttons))
    return text, blocks


def closed_message(row: Checkin) -> str:
    label = week_label(row.week)
    return {
        "answered": f"✅ You wrote your growth thread entry for {label}.",
        "skipped": f"Skipped {label}. See you next week.",
    }.get(row.status, f"This check-in for {label} is closed.")


def history(entries: Sequence[Checkin], streak: Streak, *, page: int, more: bool) -> tuple[str, list[Block]]:
    weeks = f"{streak.current} week{'s' if streak.current != 1 else ''}"
    head = f"*Your growth thread:* {streak.entries} entries, a streak of {weeks}, {streak.missed} missed."
    if not entries:
        text = "Your growth thread is empty. `/trellis checkin` writes this week's entry."
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    for row in entries:
        blocks.append(DividerBlock())
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*{week_label(row.week).capitalize()}*\n{entry_lines(row)}"))
        )
    buttons = []
    if page > 0:
        buttons.append(ButtonElement(text="Newer", action_id=ActionId.CHECKIN_PAGE, value=str(page - 1)))
    if more:
        buttons.append(ButtonElement(text="Older", action_id=ActionId.CHECKIN_PAGE, value=str(page + 1)))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return head, blocks


def home_section(plan_line: str, streak: Streak, latest: Sequence[Checkin]) -> list[Block]:
    streak_line = (
        f"Streak: *{streak.current}* week{'s' if streak.current != 1 else ''} · entries: {streak.entries} · "
        f"weeks missed: {streak.missed}"
    )
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.HOME_CHECKINS,
            text=MarkdownTextObject(text=f"*Growth thread*\n{escape(plan_line)}\n{streak_line}"),
            accessory=ButtonElement(text="Check-in settings", action_id=ActionId.OPEN_SETTINGS),
        )
    ]
    for row in latest:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*{week_label(row.week).capitalize()}*\n{entry_lines(row, 1200)}")
            )
        )
    actions = [ButtonElement(text="Write this week's entry", action_id=ActionId.CHECKIN_WRITE, value=THIS_WEEK)]
    blocks.append(ActionsBlock(elements=actions))
    return blocks


def shared_thread_parent(name: str) -> str:
    return f"🌱 *{escape(one_line(name, 80) or 'Someone')}'s growth thread*: weekly entries, learning in public."


def shared_entry(row: Checkin) -> str:
    return f"*{week_label(row.week).capitalize()}*\n{entry_lines(row)}"


def digest_message(reports: Sequence[ReportWeek], feedback: Sequence[Waiting] = ()) -> tuple[str, list[Block]]:
    """One DM a week for a manager: for each report, only what they chose to share; and the feedback they
    were asked for and have not given yet."""
    text = f"Your weekly Trellis digest: {len(reports)} report{'s' if len(reports) != 1 else ''}."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{text}*"))]
    quiet = [r for r in reports if r.quiet_weeks]
    for report in reports[:40]:
        name = escape(one_line(report.person.display_name, 60) or "Someone")
        lines = [f"*{name}*"]
        for row in report.entries:
            lines.append(f"_{week_label(row.week).capitalize()}_\n{entry_lines(row, 1000)}")
        for win in report.wins[:5]:
            lines.append(f"🏆 {escape_within(one_line(win.text, 300), 400)}")
        if len(report.wins) > 5:
            lines.append(f"… and {len(report.wins) - 5} more wins")
        for ask in report.open_asks[:5]:
            lines.append(f"🚪 Waiting for your decision: {escape_within(one_line(ask.decision, 200), 300)}")
        if not report.entries and not report.wins and not report.open_asks:
            lines.append("Nothing shared this week.")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=fit("\n".join(lines)))))
    if quiet:
        names = ", ".join(f"{escape(one_line(r.person.display_name, 40))} ({r.quiet_weeks} weeks)" for r in quiet)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Gone quiet: {names}. Worth a word?")]))
    if feedback:
        owed = "\n".join(
            f"• {escape(one_line(w.person.display_name, 60) or 'Someone')} asks for your feedback"
            for w in feedback[:10]
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Feedback waiting for your answer*\n{owed}")))
        buttons = [
            ButtonElement(
                text=f"Give {one_line(w.person.display_name, 30) or 'them'} feedback",
                action_id=ActionId.FEEDBACK_GIVE,
                value=str(w.request.id),
            )
            for w in feedback[:5]
        ]
        blocks.append(ActionsBlock(elements=buttons))
    return text, blocks


def reminder_set(local: datetime) -> str:
    """`local`: when the check-in comes back, in the person's own time zone."""
    return f"⏰ I'll bring this check-in back tomorrow, {local:%A} at {local:%H:%M}."
