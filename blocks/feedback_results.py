"""Feedback results in Block Kit: the results message and modal, asking someone more, and the App
Home section (open rounds, requests waiting for one's answer, the last results)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.feedback import due_day, level_of, name_of
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import escape, escape_within, fit, one_line, shorten
from growth.feedback import CHOICE_WORDS, Choice, LastRound, OpenRound, Summary, Waiting
from growth.feedback.rules import MAX_ASKED
from storage.models import FeedbackRound, Person


def _spread(spread: dict[Choice, int]) -> str:
    return " · ".join(f"{CHOICE_WORDS[choice]} {spread.get(choice, 0)}" for choice in Choice)


def results_message(made: Summary, *, viewer: Person, manager: Person | None) -> tuple[str, list[Block]]:
    """The results: per competency the spread and the examples, the gaps named, what to try next."""
    round, level = made.round, made.level
    assert round.id is not None
    whose = "Your" if viewer.id == made.person.id else f"{name_of(made.person)}'s"
    text = f"{whose} feedback against {escape(level.id)}: {made.answered} of {made.asked} answered."
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"Feedback against {level.id} · {level.title}", 150)),
        SectionBlock(text=MarkdownTextObject(text=f"*{text}*")),
    ]
    if not made.released:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{made.answered} answered. Anonymous answers are shown only when at least {made.needed} "
                    "people answer, so nothing of them is shown. Give it more time, or ask someone more."
                )
            )
        )
    for result in made.competencies[:20]:
        if result.spread is None:
            continue
        lines = [f"*{escape(result.name)}*", f"_{escape(level.id)} expects: {escape_within(result.expectation, 300)}_"]
        lines.append(_spread(result.spread))
        if result.self_rated is not None and result.expected is not None:
            scale, own = made.framework.scale, "Your" if viewer.id == made.person.id else "Their"
            rated, expected = scale[result.self_rated - 1], scale[result.expected - 1]
            lines.append(f"{own} self-assessment: {rated}; {level.id} expects {expected}")
        lines += [
            f"• “{escape_within(one_line(s.text, 400), 500)}”" + (f" — {escape(s.by)}" if s.by else "")
            for s in result.examples[:8]
        ]
        blocks.append(SectionBlock(text=MarkdownTextObject(text=fit("\n".join(lines)))))
    for title, said in (("The biggest gaps named", made.gaps), ("One thing to try next", made.next_steps)):
        if said:
            lines = [
                f"• “{escape_within(one_line(s.text, 400), 500)}”" + (f" — {escape(s.by)}" if s.by else "")
                for s in said[:10]
            ]
            blocks.append(SectionBlock(text=MarkdownTextObject(text=fit(f"*{title}*\n" + "\n".join(lines)))))
    if made.manager is not None:
        names = {r.competency_id: r.name for r in made.competencies}
        lines = [f"*{escape(made.manager.name)}, the manager* (shown apart, with their name)"]
        for cid, (choice, example) in made.manager.ratings.items():
            said = CHOICE_WORDS[choice] if choice else "—"
            lines.append(
                f"• {escape(names.get(cid, cid))}: {said}"
                + (f": “{escape_within(one_line(example, 300), 400)}”" if example else "")
            )
        for label, value in (("Biggest gap", made.manager.biggest_gap), ("Try next", made.manager.next_step)):
            if value:
                lines.append(f"• {label}: “{escape_within(one_line(value, 300), 400)}”")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=fit("\n".join(lines)))))
    largest = made.largest
    if largest is not None and made.suggestions:
        ideas = "\n".join(f"• {escape_within(one_line(idea, 300), 400)}" for idea in made.suggestions[:3])
        own = viewer.id == made.person.id  # a manager reading shared results has no roadmap of theirs to add to
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=fit(f"*The largest gap: {escape(largest.name)}.* Objectives to try:\n{ideas}")
                ),
                accessory=ButtonElement(text="Add to my roadmap", action_id=ActionId.OBJECTIVE_ADD) if own else None,
            )
        )
    if viewer.id == made.person.id:
        buttons = []
        if not made.released:
            buttons += [
                ButtonElement(
                    text="Extend a week", action_id=ActionId.FEEDBACK_EXTEND, value=str(round.id), style="primary"
                ),
                ButtonElement(text="Ask someone more", action_id=ActionId.FEEDBACK_ADD, value=str(round.id)),
            ]
        elif manager is not None and round.shared_with_id != manager.id:
            buttons.append(
                ButtonElement(
                    text=f"Share with {shorten(manager.display_name or 'my manager', 30)}",
                    action_id=ActionId.FEEDBACK_SHARE,
                    value=str(round.id),
                )
            )
        if buttons:
            blocks.append(ActionsBlock(elements=buttons))
    return text, blocks[:50]


def results_view(made: Summary, *, viewer: Person, manager: Person | None) -> View:
    _, blocks = results_message(made, viewer=viewer, manager=manager)
    return View(type="modal", callback_id=CallbackId.FEEDBACK_RESULTS, title="Feedback", close="Close", blocks=blocks)


def ask_more_modal(round: FeedbackRound) -> View:
    return View(
        type="modal",
        callback_id=CallbackId.FEEDBACK_MORE,
        title="Ask someone more",
        submit="Ask",
        close="Cancel",
        private_metadata=str(round.id),
        blocks=[
            InputBlock(
                block_id=BlockId.FEEDBACK_PEOPLE,
                label="Who else to ask",
                element=UserMultiSelectElement(action_id=ActionId.FEEDBACK_FIELD, max_selected_items=MAX_ASKED),
            )
        ],
    )


def home_section(
    open_rounds: Sequence[OpenRound], waiting: Sequence[Waiting], last: LastRound | None, person: Person
) -> list[Block]:
    """Open rounds (answered x of y, or for an anonymous one only whether it may close), the requests
    waiting for the person's own answer, and the last results."""
    lines = []
    buttons: list[ButtonElement] = []
    for found in open_rounds[:5]:
        round = found.round
        progress = (
            f"answered {found.answered} of {found.asked}"
            if found.answered is not None
            else f"{found.asked} asked; anonymous answers stay hidden until it closes"
        )
        closes = f"closes at the end of {due_day(round, person)}"
        lines.append(f"• Against {level_of(round.target_ref)}, {closes}: {progress}")
        if found.can_close and len(buttons) < 5:
            buttons.append(ButtonElement(text="Close it now", action_id=ActionId.FEEDBACK_CLOSE, value=str(round.id)))
    for found in waiting[:5]:
        lines.append(
            f"• {name_of(found.person)} asks for your feedback, by the end of {due_day(found.round, found.person)}"
        )
        if len(buttons) < 20:
            buttons.append(
                ButtonElement(
                    text=f"Give {shorten(found.person.display_name or 'them', 30)} feedback",
                    action_id=ActionId.FEEDBACK_GIVE,
                    value=str(found.request.id),
                )
            )
    if last is not None:
        lines.append(
            f"• Last results: against {level_of(last.round.target_ref)}, {last.answered} of {last.asked} answered"
        )
        buttons.append(
            ButtonElement(text="See the last results", action_id=ActionId.FEEDBACK_SEE, value=str(last.round.id))
        )
    body = "\n".join(lines) if lines else "Ask the people who see your work where you already meet the next level."
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.HOME_FEEDBACK,
            text=MarkdownTextObject(text=fit(f"*Feedback*\n{body}")),
            accessory=ButtonElement(text="Ask for feedback", action_id=ActionId.FEEDBACK_OPEN, value=""),
        )
    ]
    if buttons:
        blocks.append(ActionsBlock(elements=buttons[:25]))
    return blocks
