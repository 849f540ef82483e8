"""Feedback against the next level in Block Kit: asking, the DM to the people asked, the answer form
and what answering shows (the results and the App Home section are in feedback_results)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
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
from growth.feedback import CHOICE_WORDS, AnswerForm, AskingForm, Choice
from growth.feedback.rules import MAX_ASKED, MAX_COMPETENCIES, NOTE_LIMIT, TEXT_LIMIT, last_day, zone
from storage.models import FeedbackRound, Person

NAMED, ANONYMOUS = "named", "anonymous"


def name_of(person: Person) -> str:
    return escape(one_line(person.display_name, 60) or "Someone")


def level_of(target_ref: str) -> str:
    return escape(target_ref.rpartition("/")[2])


def due_day(round: FeedbackRound, person: Person) -> str:
    """The due date as the person it is about reads it (the round is open all of that day)."""
    return f"{last_day(round, person):%A %-d %B}"


def _due_for(round: FeedbackRound, person: Person, reader: Person) -> str:
    """The end of the due date, saying whose day it is when the reader's clock shows another time."""
    theirs, yours = (round.due_at.astimezone(zone(p)).utcoffset() for p in (person, reader))
    return f"the end of {due_day(round, person)}" + ("" if theirs == yours else f" ({name_of(person)}'s time)")


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
    whose = f"{name_of(form.person)}'s" if for_report else "your"
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
    whose = f"{name_of(person)} sees" if for_report else "You see"
    texts = [
        f"📨 Asked {asked} {'person' if asked == 1 else 'people'}. {whose} the answers together when the round "
        f"closes, at the end of {due_day(round, person)}."
    ]
    if too_few:
        texts.append(
            f"⚠️ Fewer than {round.min_answers} people besides the manager were asked, so their answers "
            f"cannot be shown anonymously: unless {round.min_answers} answer, nothing of them will be shown. "
            "You can ask someone more from the results."
        )
    return notice_view(*texts, title="Ask for feedback")


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
        return f"Named: {name_of(person)} will see your name beside your answers."
    if manager:
        return f"As {name_of(person)}'s manager, your answer is shown with your name, apart from the others'."
    return (
        f"Anonymous: your answers are pooled with the others' and shown only when the round closes, if at least "
        f"{round.min_answers} answered; never with your name, and {name_of(person)} is not told who answered or when."
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
    who, level = name_of(person), level_of(round.target_ref)
    by = "" if asker.id == person.id else f" (asked by {name_of(asker)}, their manager)"
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
                    text=f"*{name_of(form.person)}*, against *{escape(level.id)} · {escape(level.title)}*. "
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
        f"✅ {done}. {name_of(person)} sees the answers together when the round closes, at "
        f"{_due_for(round, person, responder)}. Until then you can change yours from the same button."
    )
    return notice_view(text, title="Give feedback")


def answered_message(
    round: FeedbackRound, request_id: int, person: Person, responder: Person
) -> tuple[str, list[Block]]:
    """The DM once answered: it stays editable until the round closes."""
    text = (
        f"✅ You gave {name_of(person)} feedback against {level_of(round.target_ref)}. You can change it until "
        f"{_due_for(round, person, responder)}."
    )
    button = ButtonElement(text="Change my answer", action_id=ActionId.FEEDBACK_GIVE, value=str(request_id))
    return text, [SectionBlock(block_id=BlockId.FEEDBACK_REQUEST, text=MarkdownTextObject(text=text), accessory=button)]


def notice_view(*texts: str, title: str = "Feedback") -> View:
    """A modal that says what happened (asked, answered, a button's change), a section a text."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text)) for text in texts]
    return View(type="modal", callback_id=CallbackId.FEEDBACK_ASKED, title=title, close="Done", blocks=blocks)


def declined_text(person: Person) -> str:
    return f"Thanks for saying so. You won't be reminded, and {name_of(person)} is not told who could not answer."


def started_for_you(round: FeedbackRound, person: Person, manager: Person, asked: int) -> str:
    return (
        f"{name_of(manager)} asked {asked} {'person' if asked == 1 else 'people'} for feedback on your growth toward "
        f"{level_of(round.target_ref)}. The results come to you when it closes, at the end of "
        f"{due_day(round, person)}; "
        f"{name_of(manager)} sees them only if you share them."
    )
