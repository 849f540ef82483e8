"""Mentors in Block Kit: the request to confirm, the list with what each mentor sees, and the room."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    MarkdownTextObject,
    Option,
    SectionBlock,
)

from blocks.ids import ActionId
from blocks.text import escape, one_line
from growth.mentors import SEES_WORDS, Mentorship, Sees, Status

USAGE = (
    "`/trellis mentor @name` asks them to mentor you; `/trellis mentor` lists your mentors, what each sees, "
    "and opens a private mentorship room."
)


def _name(text: str) -> str:
    return escape(one_line(text, 60) or "Someone")


def request_message(found: Mentorship) -> tuple[str, list[Block]]:
    who = _name(found.person.display_name)
    text = f"{who} asks you to be their mentor in Trellis."
    value = str(found.link.id)
    return text, [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{who}* asks you to be their mentor in Trellis. They choose what you see: the wins they "
                "share, their growth thread, their roadmap."
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(text="Confirm", action_id=ActionId.MENTOR_CONFIRM, value=value, style="primary"),
                ButtonElement(text="Not me", action_id=ActionId.MENTOR_DECLINE, value=value),
            ]
        ),
    ]


def outcome_for_mentor(found: Mentorship) -> str:
    who = _name(found.person.display_name)
    return {
        Status.CONFIRMED: f"✅ You are {who}'s mentor in Trellis.",
        Status.DECLINED: f"You said no to mentoring {who}. They have been told.",
        Status.ENDED: f"Your mentorship of {who} has ended.",
        Status.PENDING: f"{who} asked you to be their mentor.",
    }[Status(found.link.status)]


def outcome_for_person(found: Mentorship) -> str:
    who = _name(found.mentor.display_name)
    return {
        Status.CONFIRMED: f"✅ {who} is your mentor now. `/trellis mentor` chooses what they see.",
        Status.DECLINED: f"{who} said no to mentoring you this time.",
        Status.ENDED: f"Your mentorship with {who} has ended.",
        Status.PENDING: f"Waiting for {who} to confirm.",
    }[Status(found.link.status)]


def mentors_message(found: Sequence[Mentorship]) -> tuple[str, list[Block]]:
    if not found:
        return "You have no mentor in Trellis yet. " + USAGE, [
            SectionBlock(text=MarkdownTextObject(text="You have no mentor in Trellis yet. " + USAGE))
        ]
    text = f"Your mentors: {len(found)}."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{text}*"))]
    options = {sees: Option(value=sees.value, text=f"They see {SEES_WORDS[sees]}") for sees in Sees}
    for mentorship in found[:15]:
        value = str(mentorship.link.id)
        who = _name(mentorship.mentor.display_name)
        if mentorship.link.status == Status.PENDING:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{who}*: waiting for them to confirm.")))
            continue
        room = f" · room: <#{mentorship.link.room_channel_id}>" if mentorship.link.room_channel_id else ""
        chosen = [options[sees] for sees in Sees if sees in mentorship.sees]
        blocks.append(
            SectionBlock(
                block_id=f"mentor:{value}",
                text=MarkdownTextObject(text=f"*{who}*{room}"),
                accessory=CheckboxesElement(
                    action_id=ActionId.MENTOR_SEES, options=list(options.values()), initial_options=chosen or None
                ),
            )
        )
        buttons = []
        if not mentorship.link.room_channel_id:
            buttons.append(ButtonElement(text="Open a mentorship room", action_id=ActionId.MENTOR_ROOM, value=value))
        buttons.append(
            ButtonElement(
                text="End",
                action_id=ActionId.MENTOR_END,
                value=value,
                confirm=ConfirmObject(
                    title="End this mentorship?", text=f"{who} is told.", confirm="End it", deny="Keep it"
                ),
            )
        )
        blocks.append(ActionsBlock(elements=buttons))
    return text, blocks


def room_welcome(found: Mentorship) -> str:
    return (
        f"🌱 A mentorship room for {_name(found.person.display_name)} and {_name(found.mentor.display_name)}. "
        "Growth-thread entries and roadmap changes are posted here (as chosen in `/trellis mentor`), for discussion."
    )


def room_refused(reason: str | None) -> str:
    return (
        f"Slack would not make the room ({reason}). A workspace admin may need to reinstall Trellis "
        "with the groups:write permission."
    )
