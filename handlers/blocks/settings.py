"""`/trellis settings`: what a person can set, and what a workspace admin sets for everyone."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ChannelSelectElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.ids import Action
from handlers.ids import Block as Id
from handlers.ids import View as ViewId


def settings_modal(*, is_admin: bool, growth_channel: str | None) -> View:
    where = f"<#{growth_channel}>" if growth_channel else "no channel yet"
    if not is_admin:
        return View(
            type="modal",
            callback_id=ViewId.SETTINGS,
            title="Settings",
            close="Close",
            blocks=[
                SectionBlock(
                    text=MarkdownTextObject(
                        text=f"*Growth channel:* {where}. Wins you make public are posted there; "
                        "a workspace admin chooses the channel."
                    )
                )
            ],
        )
    blocks: list[Block] = [
        InputBlock(
            block_id=Id.GROWTH_CHANNEL,
            label="Growth channel",
            optional=True,
            hint="Public wins are posted here. Invite @Trellis to the channel first.",
            element=ChannelSelectElement(
                action_id=Action.GROWTH_CHANNEL, initial_channel=growth_channel, placeholder="Choose a channel"
            ),
        ),
        ContextBlock(elements=[MarkdownTextObject(text="You see this because you are a workspace admin.")]),
    ]
    return View(
        type="modal", callback_id=ViewId.SETTINGS, title="Settings", submit="Save", close="Cancel", blocks=blocks
    )


def settings_saved(growth_channel: str | None) -> View:
    where = f"<#{growth_channel}>" if growth_channel else "nowhere (no growth channel)"
    return View(
        type="modal",
        callback_id=ViewId.SETTINGS,
        title="Settings",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=f"Saved. Public wins are posted to {where}."))],
    )
