"""Feedback against the next level in Block Kit: asking, the DM to the people asked, the answer form,
the results, and the App Home section."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from blocks.ids import EXAMPLE_BLOCK_PREFIX, RATING_BLOCK_PREFIX, ActionId, BlockId, CallbackId
from blocks.text import escape, escape_within, fit, one_line, shorten
from growth.feedback import CHOICE_WORDS, AnswerForm, AskingForm, Choice, LastRound, OpenRound, Summary, Waiting
from growth.feedback.rules import MAX_ASKED, MAX_COMPETENCIES, NOTE_LIMIT, TEXT_LIMIT, zone
from storage.models import FeedbackRound, Person

NAMED, ANONYMOUS = "named", "anonymous"


def _name(person: Person) -> str:
    return escape(one_line(person.display_name, 60) or "Someone")


def _level(target_ref: str) -> str:
    return escape(target_ref.rpartition("/")[2])


def due_day(round: FeedbackRound, person: Person) -> str:
    """The due date as the person it is about reads it (the round is open all of that day)."""
    local = round.due_at.astimezone(zone(person))
    return f"{date.fromordinal(local.date().toordinal() - 1):%A %-d %B}"


def _due_for(round: FeedbackRound, person: Person, reader: Person) -> str:
    """The end of the due date, saying whose day it is when the reader's clock shows another time."""
    theirs, yours = (round.due_at.astimezone(zone(p)).utcoffset() for p in (person, reader))
    return f"the end of {due_day(round, person)}" + ("" if theirs == yours else f" ({_name(person)}'s time)")


@dataclass(frozen=True)
class Asking:
    """What the asking form carries in private_metadata."""

    person_id: int
    version_id: int
    target_ref: str

    def dump(self) -> str:
        return json.dumps({"p": self.person_id, "v": self.version_id, "t": self.target_ref})

    @classmethod
    def load(cls, text: str) -> Asking:
        data = json.loads(text)
        return cls(int(data["p"]), int(data["v"]), str(data["t"]))


def asking_modal(form: AskingForm, *, for_report: bool) -> View:
    level = form.target.level
    whose = f"{_name(form.person)}'s" if for_report else "your"
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Ask for feedback against *{escape(level.id)} · {escape(level.title)}*: for each competency, "
                    f"where {whose} work already meets what it expects, and the biggest gap."
                )
            ]
        )
    ]
    if form.suggested:
        options = [
            Option(value=p.slack_user_id, text=shorten(p.display_name or p.slack_user_id, 75)) for p in form.suggested
        ]
        blocks.append(
            InputBlock(
                block_id=BlockId.FEEDBACK_SUGGESTED,
                label="Your manager and mentors"
                if not for_report
                else f"{one_line(form.person.display_name, 40)}'s manager and mentors",
                optional=True,
                element=CheckboxesElement(action_id=ActionId.FEEDBACK_FIELD, options=options[:10]),
            )
        )
    blocks.append(
        InputBlock(
            block_id=BlockId.FEEDBACK_PEOPLE,
            label="Who else to ask" if form.suggested else "Who to ask",
            optional=bool(form.suggested),
            hint=f"People who see the work: peers, partners on other teams. Up to {MAX_ASKED}.",
            element=UserMultiSelectElement(action_id=ActionId.FEEDBACK_FIELD, max_selected_items=MAX_ASKED),
        )
    )
    offered = [
        Option(value=c.id, text=shorten(c.name, 75), description=shorten(e.text, 75))
        for c, e in form.competencies[:100]
    ]
    chosen = [o for o in offered if o.value in form.chosen]
    blocks.append(
        InputBlock(
            block_id=BlockId.FEEDBACK_COMPETENCIES,
            label="What to ask about",
            hint="Your three largest gaps come first." if not for_report else None,
            element=StaticMultiSelectElement(
                action_id=ActionId.FEEDBACK_FIELD,
                options=offered,
                initial_options=chosen or None,
                max_selected_items=MAX_COMPETENCIES,
            ),
        )
    )
    modes = [
        Option(
            value=ANONYMOUS,
            text="Anonymous",
            description=f"Shown at the close, only if {form.anonymity_min} or more answer",
        ),
        Option(value=NAMED, text="Named", description="Each answer shows who gave it"),
    ]
    blocks += [
        InputBlock(
            block_id=BlockId.FEEDBACK_MODE,
            label="Named or anonymous",
            element=RadioButtonsElement(action_id=ActionId.FEEDBACK_FIELD, options=modes, initial_option=modes[0]),
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Anonymous answers come all at once when the round closes, and are shown only if at least "
                    f"{form.anonymity_min} people besides the manager answer: with fewer, nothing of them is shown. "
                    f"Ask {form.anonymity_min + 2} to end with {form.anonymity_min}. The manager's answer is shown "
                    "with their name, apart."
                )
            ]
        ),
        InputBlock(
            block_id=BlockId.FEEDBACK_DUE,
            label="Answers by",
            element=DatePickerElement(action_id=ActionId.FEEDBACK_FIELD, initial_date=form.due.isoformat()),
        ),
        InputBlock(
            block_id=BlockId.FEEDBACK_NOTE,
            label="A note for them",
            optional=True,
            element=PlainTextInputElement(
                action_id=ActionId.FEEDBACK_FIELD,
                multiline=True,
                max_length=NOTE_LIMIT,
                placeholder="What you are working on, or what to look for",
            ),
        ),
    ]
    assert form.person.id is not None
    return View(
        type="modal",
        callback_id=CallbackId.FEEDBACK_ASK,
        title="Ask for feedback",
        submit="Ask",
        close="Cancel",
        private_metadata=Asking(form.person.id, form.version_id, form.target.ref).dump(),
        blocks=blocks,
    )


def asked_view(round: FeedbackRound, person: Person, asked: int, *, too_few: bool, for_report: bool) -> View:
    whose = f"{_name(person)} sees" if for_report else "You see"
    text = (
        f"📨 Asked {asked} {'person' if asked == 1 else 'people'}. {whose} the answers together when the round "
        f"closes, at the end of {due_day(round, person)}."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if too_few:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"⚠️ Fewer than {round.min_answers} people besides the manager were asked, so their answers "
                    f"cannot be shown anonymously: unless {round.min_answers} answer, nothing of them will be shown. "
                    "You can ask someone more from the results."
                )
            )
        )
    return View(
        type="modal", callback_id=CallbackId.FEEDBACK_ASKED, title="Ask for feedback", close="Done", blocks=blocks
    )


def _buttons(request_id: int) -> ActionsBlock:
    value = str(request_id)
    return ActionsBlock(
        block_id=BlockId.FEEDBACK_REQUEST,
        elements=[
            ButtonElement(text="Give feedback", action_id=ActionId.FEEDBACK_GIVE, value=value, style="primary"),
            ButtonElement(text="Can't this time", action_id=ActionId.FEEDBACK_DECLINE, value=value),
        ],
    )


def _privacy(round: FeedbackRound, person: Person, *, manager: bool) -> str:
    if not round.anonymous:
        return f"Named: {_name(person)} will see your name beside your answers."
    if manager:
        return f"As {_name(person)}'s manager, your answer is shown with your name, apart from the others'."
    return (
        f"Anonymous: your answers are pooled with the others' and shown only when the round closes, if at least "
        f"{round.min_answers} answered; never with your name, and {_name(person)} is not told who answered or when."
    )


def asked_message(
    round: FeedbackRound,
    request_id: int,
    *,
    person: Person,
    asker: Person,
    responder: Person,
    manager: bool,
    reminder: str | None = None,
) -> tuple[str, list[Block]]:
    """The DM to someone asked: one sentence of context, and the two buttons."""
    who, level = _name(person), _level(round.target_ref)
    by = "" if asker.id == person.id else f" (asked by {_name(asker)}, their manager)"
    head = {"soon": "A reminder: two days left. ", "today": "A reminder: the last day. "}.get(reminder or "", "")
    text = f"{head}{who}{by} asks for your feedback against {level}, by {_due_for(round, person, responder)}."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if round.note:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f">{escape_within(round.note, 1200)}")))
    blocks += [
        ContextBlock(elements=[MarkdownTextObject(text=_privacy(round, person, manager=manager))]),
        _buttons(request_id),
    ]
    return text, blocks


def answer_modal(form: AnswerForm, *, where: str = "") -> View:
    """For each competency asked: what the level expects, the four choices, an example; then the gap."""
    level = form.level
    previous = form.previous
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{_name(form.person)}*, against *{escape(level.id)} · {escape(level.title)}*. "
                    f"{_privacy(form.round, form.person, manager=form.request.is_manager)}"
                )
            ]
        )
    ]
    choices = [Option(value=choice.value, text=CHOICE_WORDS[choice]) for choice in Choice]
    for competency, expectation in form.competencies:
        rating, example = (previous.ratings.get(competency.id) if previous else None) or (None, None)
        blocks += [
            SectionBlock(
                text=MarkdownTextObject(
                    text=fit(f"*{escape(competency.name)}*\n{escape(level.id)} expects: {escape(expectation.text)}")
                )
            ),
            InputBlock(
                block_id=f"{RATING_BLOCK_PREFIX}{competency.id}",
                label=shorten(f"Does {form.person.display_name or 'they'} operate there?", 2000),
                optional=True,
                element=RadioButtonsElement(
                    action_id=ActionId.FEEDBACK_FIELD,
                    options=choices,
                    initial_option=next((o for o in choices if o.value == rating), None),
                ),
            ),
            InputBlock(
                block_id=f"{EXAMPLE_BLOCK_PREFIX}{competency.id}",
                label="An example",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ActionId.FEEDBACK_FIELD, multiline=True, max_length=TEXT_LIMIT, initial_value=example
                ),
            ),
        ]
    for block_id, label, value in (
        (BlockId.FEEDBACK_GAP, f"The biggest gap to {level.id}", previous.biggest_gap if previous else None),
        (BlockId.FEEDBACK_NEXT, "One thing to try next", previous.next_step if previous else None),
    ):
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                optional=True,
                element=PlainTextInputElement(
                    action_id=ActionId.FEEDBACK_FIELD, multiline=True, max_length=TEXT_LIMIT, initial_value=value
                ),
            )
        )
    assert form.request.id is not None
    return View(
        type="modal",
        callback_id=CallbackId.FEEDBACK_ANSWER,
        title="Give feedback",
        submit="Send",
        close="Cancel",
        private_metadata=json.dumps({"r": form.request.id, "w": where}),
        blocks=blocks,
    )


def thanks_view(round: FeedbackRound, person: Person, responder: Person, *, first: bool) -> View:
    done = "Thank you" if first else "Updated"
    text = (
        f"✅ {done}. {_name(person)} sees the answers together when the round closes, at "
        f"{_due_for(round, person, responder)}. Until then you can change yours from the same button."
    )
    return View(
        type="modal",
        callback_id=CallbackId.FEEDBACK_ASKED,
        title="Give feedback",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def answered_message(
    round: FeedbackRound, request_id: int, person: Person, responder: Person
) -> tuple[str, list[Block]]:
    """The DM once answered: it stays editable until the round closes."""
    text = (
        f"✅ You gave {_name(person)} feedback against {_level(round.target_ref)}. You can change it until "
        f"{_due_for(round, person, responder)}."
    )
    button = ButtonElement(text="Change my answer", action_id=ActionId.FEEDBACK_GIVE, value=str(request_id))
    return text, [SectionBlock(block_id=BlockId.FEEDBACK_REQUEST, text=MarkdownTextObject(text=text), accessory=button)]


def notice_view(text: str) -> View:
    """A modal's answer to one of its buttons: what happened."""
    return View(
        type="modal",
        callback_id=CallbackId.FEEDBACK_ASKED,
        title="Feedback",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def declined_text(person: Person) -> str:
    return f"Thanks for saying so. You won't be reminded, and {_name(person)} is not told who could not answer."


def started_for_you(round: FeedbackRound, person: Person, manager: Person, asked: int) -> str:
    return (
        f"{_name(manager)} asked {asked} {'person' if asked == 1 else 'people'} for feedback on your growth toward "
        f"{_level(round.target_ref)}. The results come to you when it closes, at the end of {due_day(round, person)}; "
        f"{_name(manager)} sees them only if you share them."
    )


def _spread(spread: dict[Choice, int]) -> str:
    return " · ".join(f"{CHOICE_WORDS[choice]} {spread.get(choice, 0)}" for choice in Choice)


def results_message(made: Summary, *, viewer: Person, manager: Person | None) -> tuple[str, list[Block]]:
    """The results: per competency the spread and the examples, the gaps named, what to try next."""
    round, level = made.round, made.level
    assert round.id is not None
    whose = "Your" if viewer.id == made.person.id else f"{_name(made.person)}'s"
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
        lines.append(f"• Against {_level(round.target_ref)}, closes at the end of {due_day(round, person)}: {progress}")
        if found.can_close and len(buttons) < 5:
            buttons.append(ButtonElement(text="Close it now", action_id=ActionId.FEEDBACK_CLOSE, value=str(round.id)))
    for found in waiting[:5]:
        lines.append(
            f"• {_name(found.person)} asks for your feedback, by the end of {due_day(found.round, found.person)}"
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
            f"• Last results: against {_level(last.round.target_ref)}, {last.answered} of {last.asked} answered"
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
