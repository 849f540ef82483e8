"""Manager links in Block Kit: the request to confirm, and its outcome."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, MarkdownTextObject, SectionBlock

from blocks.ids import ActionId
from blocks.text import escape
from growth.links import Link, Status
from storage.models import Person

USAGE = (
    "`/trellis manager @name` asks them to confirm they manage you. `/trellis manager` shows your link, "
    "`/trellis manager end` ends it. Workspace admins: `/trellis manager @report @manager` (or `none`)."
)


def _name(person_name: str) -> str:
    return escape(person_name or "Someone")


def request_message(link: Link) -> tuple[str, list[Block]]:
    who = _name(link.report.display_name)
    text = f"{who} asks you to confirm you are their manager in Trellis."
    return text, [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{who}* asks you to confirm you are their manager in Trellis. As their manager you see the "
                "wins they share and, when they ask, their promotion packet; you approve their asks."
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(text="Confirm", action_id=ActionId.LINK_CONFIRM, value=str(link.id), style="primary"),
                ButtonElement(text="Not me", action_id=ActionId.LINK_DECLINE, value=str(link.id)),
            ]
        ),
    ]


def outcome_for_manager(link: Link) -> str:
    who = _name(link.report.display_name)
    return {
        Status.CONFIRMED: f"✅ You confirmed you manage {who}. You'll see the wins they share with you.",
        Status.DECLINED: f"You said you are not {who}'s manager. They have been told.",
        Status.ENDED: f"Your link as {who}'s manager has ended.",
        Status.PENDING: f"{who} asked you to confirm you are their manager.",
    }[link.status]


def outcome_for_report(link: Link) -> str:
    who = _name(link.manager.display_name)
    return {
        Status.CONFIRMED: f"✅ {who} confirmed: they are your manager in Trellis.",
        Status.DECLINED: f"{who} said they are not your manager. Ask the right person with `/trellis manager @name`.",
        Status.ENDED: f"Your link to {who} as your manager has ended.",
        Status.PENDING: f"Waiting for {who} to confirm.",
    }[link.status]


def link_status(manager: Person | None) -> str:
    """`/trellis manager` alone: who the person's confirmed manager is."""
    if manager is None:
        return "You have no confirmed manager in Trellis. " + USAGE
    return f"Your manager in Trellis: *{escape(manager.display_name)}* (confirmed). `/trellis manager end` ends it."
