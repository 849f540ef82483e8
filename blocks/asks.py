"""Walk-away-with-a-win asks in Block Kit: the form, the manager's DM, the decision, the follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import escape, escape_within, one_line
from growth.asks import DOOR_WORDS, NOTE_LIMIT, TEXT_LIMIT, WITHDRAWN_NOTE, Door, Parties, Status

WAWAW_LINE = "When the recommendation is good and the door is two-way, the win is theirs to try: say *Try it out*."
SHOWN = 700


def ask_modal(*, competencies: Sequence[tuple[str, str]], manager_name: str, today: date) -> View:
    def text(block_id: str, label: str, *, optional: bool = False, hint: str | None = None) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=label,
            optional=optional,
            hint=hint,
            element=PlainTextInputElement(action_id=ActionId.ASK_FIELD, multiline=True, max_length=TEXT_LIMIT),
        )

    doors = [Option(value=door.value, text=DOOR_WORDS[door].capitalize()) for door in Door]
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Bring {escape(one_line(manager_name, 60))} a decision with your recommendation. "
                    "If it is good and easy to undo, you walk away with a win to try."
                )
            ]
        ),
        text(BlockId.ASK_DECISION, "The decision to make"),
        text(BlockId.ASK_OPTIONS, "Options I considered", optional=True),
        text(BlockId.ASK_RECOMMENDATION, "My recommendation", hint="What you would do, and why."),
        InputBlock(
            block_id=BlockId.ASK_DOOR,
            label="Is it a two-way door (easy to undo)?",
            element=RadioButtonsElement(action_id=ActionId.ASK_FIELD, options=doors, initial_option=doors[2]),
        ),
        InputBlock(
            block_id=BlockId.ASK_NEEDED_BY,
            label="Needed by",
            optional=True,
            element=DatePickerElement(action_id=ActionId.ASK_FIELD, placeholder=f"e.g. {today:%Y-%m-%d}"),
        ),
    ]
    if competencies:
        options = [Option(value=cid, text=one_line(name, 75)) for cid, name in competencies[:100]]
        blocks.append(
            InputBlock(
                block_id=BlockId.ASK_COMPETENCY,
                label="The competency it exercises",
                optional=True,
                element=StaticSelectElement(action_id=ActionId.ASK_FIELD, options=options, placeholder="Choose one"),
            )
        )
    return View(
        type="modal", callback_id=CallbackId.ASK, title="Bring an ask", submit="Send", close="Cancel", blocks=blocks
    )


def _facts(found: Parties, competency_name: str | None) -> str:
    ask = found.ask
    lines = [
        f"*Decision:* {escape_within(ask.decision, SHOWN)}",
        *([f"*Options considered:* {escape_within(ask.options, SHOWN)}"] if ask.options else []),
        f"*Recommendation:* {escape_within(ask.recommendation, SHOWN)}",
        f"*Two-way door:* {DOOR_WORDS[Door(ask.two_way)]}",
    ]
    if ask.needed_by:
        lines.append(f"*Needed by:* {ask.needed_by:%A %-d %B}")
    if competency_name:
        lines.append(f"*Exercises:* {escape(competency_name)}")
    return "\n".join(lines)


def _who(found: Parties) -> str:
    return escape(one_line(found.person.display_name, 60) or "Someone")


def decision_buttons(ask_id: int) -> ActionsBlock:
    value = str(ask_id)
    return ActionsBlock(
        block_id=f"ask:{ask_id}",  # unique: the App Home lists several asks
        elements=[
            ButtonElement(text="Try it out", action_id=ActionId.ASK_APPROVE, value=value, style="primary"),
            ButtonElement(text="Let's talk", action_id=ActionId.ASK_TALK, value=value),
            ButtonElement(text="Not this time", action_id=ActionId.ASK_DECLINE, value=value),
        ],
    )


def ask_for_manager(found: Parties, competency_name: str | None, *, reminder: bool = False) -> tuple[str, list[Block]]:
    assert found.ask.id is not None
    head = "Reminder: a decision is needed by tomorrow. " if reminder else ""
    text = f"{head}{_who(found)} brings you an ask: {escape_within(one_line(found.ask.decision, 200), 300)}"
    return text, [
        SectionBlock(
            text=MarkdownTextObject(text=f"{head}*{_who(found)} brings you an ask*\n{_facts(found, competency_name)}")
        ),
        ContextBlock(elements=[MarkdownTextObject(text=WAWAW_LINE)]),
        decision_buttons(found.ask.id),
    ]


VERDICT_WORDS = {
    Status.APPROVED: "✅ Try it out",
    Status.TALK: "💬 Let's talk",
    Status.DECLINED: "✋ Not this time",
    Status.OPEN: "Waiting for a decision",
    Status.WITHDRAWN: "Withdrawn",
}


def _note(found: Parties) -> str:
    return f"\n*Note:* {escape_within(found.ask.note, NOTE_LIMIT + 200)}" if found.ask.note else ""


def decided_for_manager(found: Parties, competency_name: str | None) -> tuple[str, list[Block]]:
    """The manager's DM once decided: the ask and the decision, no buttons."""
    verdict = VERDICT_WORDS[Status(found.ask.status)]
    text = f"{verdict}: you decided on {_who(found)}'s ask."
    return text, [
        SectionBlock(text=MarkdownTextObject(text=f"*{_who(found)}'s ask*\n{_facts(found, competency_name)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*Decided:* {verdict}{_note(found)}")),
    ]


def decided_for_person(found: Parties) -> str:
    manager = escape(one_line(found.manager.display_name, 60) or "Your manager")
    decision = escape_within(one_line(found.ask.decision, 200), 300)
    status = Status(found.ask.status)
    if status is Status.APPROVED:
        return f"✅ {manager} says *try it out*: {decision}. The win is yours to walk away with.{_note(found)}"
    if status is Status.TALK:
        return f"💬 {manager} would like to talk about: {decision}. It is on your next 1:1.{_note(found)}"
    return f"✋ {manager} says not this time: {decision}.{_note(found)}"


def note_modal(found: Parties, *, verdict: Status, private_metadata: str) -> View:
    required = verdict is Status.DECLINED
    title = "Not this time" if required else "Let's talk"
    label = "Why not this time" if required else "What to talk about (optional)"
    return View(
        type="modal",
        callback_id=CallbackId.ASK_DECLINE if required else CallbackId.ASK_TALK,
        title=title,
        submit="Send",
        close="Cancel",
        private_metadata=private_metadata,
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{_who(found)}'s ask*\n{_facts(found, None)}")),
            InputBlock(
                block_id=BlockId.ASK_NOTE,
                label=label,
                optional=not required,
                element=PlainTextInputElement(action_id=ActionId.ASK_FIELD, multiline=True, max_length=NOTE_LIMIT),
            ),
        ],
    )


def follow_up(found: Parties) -> tuple[str, list[Block]]:
    assert found.ask.id is not None
    manager = escape(one_line(found.manager.display_name, 60) or "Your manager")
    decision = escape_within(one_line(found.ask.decision, 200), 300)
    text = f"{manager} said try it out: {decision}. How did it go?"
    return text, [
        SectionBlock(
            text=MarkdownTextObject(text=f"A while ago {manager} said *try it out*: {decision}\nHow did it go?")
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Log the outcome as a win",
                    action_id=ActionId.ASK_OUTCOME,
                    value=str(found.ask.id),
                    style="primary",
                )
            ]
        ),
    ]


def sent_to_manager(manager_name: str) -> str:
    return f"📨 Sent to {escape(one_line(manager_name, 60) or 'your manager')}. I'll tell you in a DM when they decide."


def done_view(text: str) -> View:
    """The ask modal once sent: what happens next, and Done."""
    return View(
        type="modal", title="Bring an ask", close="Done", blocks=[SectionBlock(text=MarkdownTextObject(text=text))]
    )


def withdrawn_for_manager() -> tuple[str, list[Block]]:
    """The manager's DM of an ask whose author deleted their data: not a word of it is left."""
    return WITHDRAWN_NOTE, [SectionBlock(text=MarkdownTextObject(text=f"↩️ {WITHDRAWN_NOTE}"))]
