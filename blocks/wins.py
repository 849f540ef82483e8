"""Wins in Block Kit: the answer to /win, the full modal, and the whole text of a long win."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

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
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from blocks.fixed import FixedConfirm, FixedStaticSelect
from blocks.ids import SUGGESTED_BLOCK_PREFIX, ActionId, BlockId, CallbackId
from blocks.pictures import picture
from blocks.text import escape, escape_within, escaped_chunks, shorten
from growth.frameworks.model import Competency, Expectation
from growth.home import HomeSummary
from growth.pictures import READINESS
from growth.suggest import Suggestion
from growth.visibility import Visibility
from growth.vocabulary import WinVocabulary, suggestions_for
from growth.wins import FIELD_LIMIT, READINESS_WEEKS, LoggedWin

SHOWN = 2_800  # of a win's text in a message section (3,000 at most), the rest behind "See all"
MODAL_TEXT = 3_000  # what a plain_text_input can hold
VISIBILITY = {
    Visibility.PRIVATE: "Private: only you",
    Visibility.SHARED: "Shared with my manager and mentors",
    Visibility.PUBLIC: "Public: posted in the growth channel",
}


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _visibility_options() -> list[Option]:
    return [Option(text=label, value=value.value) for value, label in VISIBILITY.items()]


@cache
def _visibility_menu(chosen: str) -> FixedStaticSelect:
    """The menu in a win's message, one per visibility: the same in every message (blocks.fixed)."""
    options = _visibility_options()
    current = next(option for option in options if option.value == chosen)
    return FixedStaticSelect(action_id=ActionId.WIN_VISIBILITY, options=options, initial_option=current)


_UNDO = FixedConfirm(
    title="Delete this win?", text="It leaves your log and every future packet.", confirm="Delete", deny="Keep it"
)


def logged_message(
    logged: LoggedWin,
    names: dict[str, str],
    suggestions: Sequence[Suggestion],
    *,
    edited: bool = False,
    note: str | None = None,
) -> tuple[str, list[Block]]:
    """What the person sees after logging or changing a win (ephemeral, replaced in place on each change)."""
    win = logged.win
    assert win.id is not None
    shown = escape_within(win.text, SHOWN)
    verb = "Updated" if edited else "Logged"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{verb}.* “{shown}”"))]
    if len(escape(win.text)) > SHOWN:
        blocks[0].accessory = ButtonElement(text="See all", action_id=ActionId.WIN_SEE_ALL, value=str(win.id))
    tagged = [names.get(c, c) for c in logged.competencies]
    offered = [s for s in suggestions if s.competency.id not in logged.competencies]
    if tagged:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Tagged: {escape(', '.join(tagged))}")]))
    elements: list = []
    if offered:
        listed = _and([f"*{escape(s.competency.name.lower())}*" for s in offered])
        matched = ", ".join(dict.fromkeys(word for s in offered for word in s.matched))
        them = "them" if len(offered) > 1 else "it"
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"Looks like {listed} (matched: {escape(matched)}). Tag {them}?"))
        )
        label = {1: "Tag it", 2: "Tag both"}.get(len(offered), f"Tag all {len(offered)}")
        value = f"{win.id}:" + ",".join(s.competency.id for s in offered)
        elements.append(ButtonElement(text=label, action_id=ActionId.WIN_TAG, value=value, style="primary"))
    elements += [
        _visibility_menu(win.visibility),
        ButtonElement(text="Edit", action_id=ActionId.WIN_EDIT, value=str(win.id)),
        ButtonElement(text="Undo", action_id=ActionId.WIN_UNDO, value=str(win.id), style="danger", confirm=_UNDO),
    ]
    blocks.append(ActionsBlock(block_id=f"win:{win.id}", elements=elements))
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    fallback = f"{verb}: {escape_within(win.text, 150)}"  # notifications read mrkdwn too: no pings
    return fallback, blocks


def win_answer(
    logged: LoggedWin, vocabulary: WinVocabulary, *, edited: bool = False, note: str | None = None
) -> tuple[str, list[Block]]:
    """The message for a win just logged or changed (by any route), with what to tag it with."""
    suggestions = suggestions_for(vocabulary, logged.win.text, tagged=logged.competencies)
    return logged_message(logged, vocabulary.names, suggestions, edited=edited, note=note)


@dataclass(frozen=True)
class WinForm:
    """What the win modal carries in private_metadata."""

    request_key: str
    win_id: int | None = None
    channel: str | None = None  # where to answer (an ephemeral there, else the DM)
    response_url: str | None = None  # the message to replace after an edit

    def dump(self) -> str:
        return json.dumps({"k": self.request_key, "w": self.win_id, "c": self.channel, "r": self.response_url})

    @classmethod
    def load(cls, text: str) -> WinForm:
        data = json.loads(text)
        return cls(str(data["k"]), data.get("w"), data.get("c"), data.get("r"))


def win_modal(
    form: WinForm,
    *,
    competencies: Sequence[tuple[Competency, Expectation]],
    level_id: str | None,
    today: date,
    text: str = "",
    evidence_url: str | None = None,
    existing: LoggedWin | None = None,
    whose: Sequence[tuple[str, str]] = (),
    subject: str | None = None,
    objectives: Sequence[tuple[int, str]] = (),
) -> View:
    """`whose` lists (user id, name) a manager may log for, themselves first; `subject` is the one chosen."""
    win = existing.win if existing else None
    text = win.text if win else text
    blocks: list[Block] = []
    if whose and win is None:
        people = [Option(text=shorten(name, 75), value=user_id) for user_id, name in whose]
        blocks.append(
            InputBlock(
                block_id=BlockId.WIN_FOR,
                label="Whose win?",
                dispatch_action=True,
                hint="A win you log for someone you manage is marked as logged by you, and they are told.",
                element=StaticSelectElement(
                    action_id=ActionId.WIN_FOR,
                    options=people,
                    initial_option=next((o for o in people if o.value == subject), people[0]),
                ),
            )
        )
    if len(text) > MODAL_TEXT:
        blocks.append(
            SectionBlock(
                text=f"The full text ({len(text):,} characters) is longer than a form can hold, so it stays as it is; "
                "edit the other fields here."
            )
        )
    else:
        blocks.append(
            InputBlock(
                block_id=BlockId.WIN_TEXT,
                label="What happened?",
                element=PlainTextInputElement(
                    action_id=ActionId.WIN_FIELD,
                    multiline=True,
                    max_length=MODAL_TEXT,
                    initial_value=text or None,
                    placeholder="Led the payments outage review across three teams and published the postmortem",
                ),
            )
        )
    options = [
        Option(text=shorten(c.name, 75), value=c.id, description=shorten(e.text, 75)) for c, e in competencies[:100]
    ]
    if options:
        chosen = [o for o in options if existing and o.value in existing.competencies]
        blocks.append(
            InputBlock(
                block_id=BlockId.WIN_COMPETENCIES,
                label="Competencies",
                optional=True,
                hint=f"What {level_id} expects, for the ones you pick" if level_id else None,
                element=StaticMultiSelectElement(
                    action_id=ActionId.WIN_FIELD, options=options, initial_options=chosen or None, placeholder="Choose"
                ),
            )
        )
    for block_id, label, hint, value in (
        (
            BlockId.WIN_WHAT,
            "What was achieved",
            "The outcome, with a number if you have one",
            win.what if win else None,
        ),
        (BlockId.WIN_HOW, "How you did it", "What you did that was at the next level", win.how if win else None),
        (BlockId.WIN_WHY, "Why it mattered to others", "Who it helped, and how", win.why if win else None),
    ):
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                optional=True,
                hint=hint,
                element=PlainTextInputElement(
                    action_id=ActionId.WIN_FIELD, multiline=True, max_length=FIELD_LIMIT, initial_value=value or None
                ),
            )
        )
    if objectives:
        planned = [Option(text=shorten(title, 75), value=str(objective_id)) for objective_id, title in objectives[:100]]
        current = next((o for o in planned if win is not None and o.value == str(win.objective_id)), None)
        blocks.append(
            InputBlock(
                block_id=BlockId.WIN_OBJECTIVE,
                label="Roadmap objective",
                optional=True,
                hint="The objective this win moves forward, if any.",
                element=StaticSelectElement(
                    action_id=ActionId.WIN_FIELD, options=planned, initial_option=current, placeholder="Choose"
                ),
            )
        )
    link = (win.evidence_url if win else evidence_url) or None
    blocks.append(
        InputBlock(
            block_id=BlockId.WIN_LINK,
            label="Evidence link",
            optional=True,
            element=UrlInputElement(action_id=ActionId.WIN_FIELD, initial_value=link),
        )
    )
    happened = (win.happened_on if win else today).isoformat()
    blocks.append(
        InputBlock(
            block_id=BlockId.WIN_DATE,
            label="When",
            element=DatePickerElement(action_id=ActionId.WIN_FIELD, initial_date=happened),
        )
    )
    visibility = win.visibility if win else Visibility.PRIVATE.value
    options_v = _visibility_options()
    blocks.append(
        InputBlock(
            block_id=BlockId.WIN_VISIBILITY,
            label="Who sees it",
            element=RadioButtonsElement(
                action_id=ActionId.WIN_FIELD,
                options=options_v,
                initial_option=next(o for o in options_v if o.value == visibility),
            ),
        )
    )
    return View(
        type="modal",
        callback_id=CallbackId.WIN,
        title="Edit your win" if win else "Log a win",
        submit="Save",
        close="Cancel",
        private_metadata=form.dump(),
        blocks=blocks,
    )


def whole_text_view(text: str) -> View:
    """A long win in full: sections of at most 3,000 characters."""
    parts = escaped_chunks(text, 3000)[:100]
    return View(
        type="modal",
        callback_id=CallbackId.WIN_TEXT,
        title="Your win",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=part)) for part in parts],
    )


def home_wins_section(summary: HomeSummary) -> list[Block]:
    """The latest wins, and how much evidence each competency of the target level has."""
    if not summary.wins:
        text = "*Your wins*\nNone yet. Next time you operate at the next level, type `/win` and what happened."
        return [SectionBlock(block_id=BlockId.HOME_WINS, text=MarkdownTextObject(text=text)), *roadmap_line(summary)]
    lines = []
    for logged in summary.wins:
        tags = ", ".join(summary.names.get(c, c) for c in logged.competencies)
        when = f"{logged.win.happened_on:%-d %b}"
        lines.append(f"• {when}: {escape_within(logged.win.text, 150)}" + (f" _({escape(tags)})_" if tags else ""))
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.HOME_WINS, text=MarkdownTextObject(text="*Your latest wins*\n" + "\n".join(lines))
        )
    ]
    if summary.evidence and summary.position is not None:
        level = escape(summary.position.target.level.id)
        covered = sum(1 for _, found in summary.evidence if found.wins)
        rows = []
        for name, found in summary.evidence:
            if found.wins:
                rows.append(
                    f"✅ {escape(name)}: {found.wins} win{'s' if found.wins != 1 else ''}, "
                    f"in {found.weeks} of the last {READINESS_WEEKS} weeks"
                )
            else:
                rows.append(f"▫️ {escape(name)}: no evidence yet")
        heading = f"*Evidence for {level}*: {covered} of {len(summary.evidence)} competencies"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shorten(heading + "\n" + "\n".join(rows), 3000))))
        blocks += picture(summary.pictures, READINESS)
        steady = "Consistently means most weeks, not once: readiness is the steady count."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=steady)]))
    return [*blocks, *suggested_section(summary), *roadmap_line(summary)]


def suggested_section(summary: HomeSummary) -> list[Block]:
    """Wins without a competency of the target, and the one Trellis suggests: the packet already places
    them there, marked "suggested"; one tap confirms it."""
    if not summary.suggested:
        return []
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.HOME_SUGGESTED,
            text=MarkdownTextObject(
                text="*Confirm where these wins belong*\nYour packet places them by their words, marked "
                "_suggested_. Tag them to make them count."
            ),
        )
    ]
    for logged, competency in summary.suggested:
        win = logged.win
        line = f"{win.happened_on:%-d %b}: {escape_within(win.text, 150)}\n→ looks like *{escape(competency.name)}*"
        blocks.append(
            SectionBlock(
                block_id=f"{SUGGESTED_BLOCK_PREFIX}{win.id}",
                text=MarkdownTextObject(text=line),
                accessory=ButtonElement(
                    text="Tag it", action_id=ActionId.HOME_WIN_TAG, value=f"{win.id}:{competency.id}", style="primary"
                ),
            )
        )
    return blocks


def roadmap_line(summary: HomeSummary) -> list[Block]:
    """Progress on the roadmap, and what is due next."""
    if summary.position is None:
        return []
    plan = summary.objectives
    if not plan:
        text = "*Roadmap*: no objectives yet. `/trellis roadmap` turns a gap into a concrete project."
        return [SectionBlock(text=MarkdownTextObject(text=text))]
    done = sum(1 for objective in plan if objective.status == "done")
    upcoming = sorted(
        (o for o in plan if o.status in ("planned", "in_progress") and o.due_on is not None),
        key=lambda o: o.due_on or date.max,
    )
    text = f"*Roadmap*: {done} of {len(plan)} done"
    if upcoming:
        text += f" · next due: {escape_within(upcoming[0].title, 150)} ({upcoming[0].due_on:%-d %b})"
    return [SectionBlock(text=MarkdownTextObject(text=text))]


SAFE_URL = re.compile(r"^https?://[^\s<>|]+$")


def public_post(win: LoggedWin, author: str, names: dict[str, str], channel: str) -> dict[str, Any]:
    """The growth-channel message for a public win: every word of the person escaped, text fallback too."""
    who = escape_within(author or "Someone", 100)
    quoted = escape_within(win.win.text, SHOWN).replace("\n", "\n>")
    said = f"🌱 *{who}* operated at the next level:\n>{quoted}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=shorten(said, 3000)))]
    context = []
    if win.competencies:
        context.append(escape(", ".join(names.get(c, c) for c in win.competencies)))
    if win.win.evidence_url and SAFE_URL.match(win.win.evidence_url):
        context.append(f"<{win.win.evidence_url}|evidence>")
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(context))]))
    return {
        "channel": channel,
        "text": f"🌱 {who} logged a win: {escape_within(win.win.text, 300)}",
        "blocks": [block.to_dict() for block in blocks],
        "unfurl_links": False,
        "unfurl_media": False,
    }
