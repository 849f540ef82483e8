"""A person's own data, from `/trellis settings`: take it out, or delete it (`growth.personal_data`)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import escape


def data_blocks() -> list[Block]:
    """The settings' last section: the two buttons."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text="*Your data*\nTake out everything Trellis holds about you, as a file, or delete it all."
            )
        ),
        ActionsBlock(
            block_id=BlockId.MY_DATA,
            elements=[
                ButtonElement(text="Export my data", action_id=ActionId.DATA_EXPORT, value="export"),
                ButtonElement(text="Delete my data…", action_id=ActionId.DATA_DELETE, value="delete", style="danger"),
            ],
        ),
    ]


def export_on_its_way() -> View:
    return View(
        type="modal",
        callback_id=CallbackId.DATA_EXPORTED,
        title="Your data",
        close="Done",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="📦 A file with everything Trellis holds about you (JSON) is on its way to your DM with "
                    "Trellis: your wins, growth thread, self-assessments, asks, roadmap, links, and the feedback "
                    "about you and that you gave by name."
                )
            )
        ],
    )


def delete_confirmation(user_id: str) -> View:
    """Pushed over the settings: what goes, what stays for others, and one button to do it."""
    return View(
        type="modal",
        callback_id=CallbackId.DATA_DELETE,
        title="Delete my data",
        submit="Delete it all",
        close="Keep my data",
        private_metadata=user_id,
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text="*This deletes everything Trellis holds about you*, at once and for good: your wins "
                    "(and their posts in the growth channel), your growth thread, self-assessments, roadmap, asks, "
                    "manager and mentor links, and the feedback about you."
                )
            ),
            SectionBlock(
                text=MarkdownTextObject(
                    text="*What stays for others:* an ask you brought stays with your manager as withdrawn, without "
                    "a word of it; feedback you gave someone stays as counts only, without your words or your name."
                )
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Want a copy first? Close this and choose *Export my data*. If you use Trellis again "
                        "later, you start afresh."
                    )
                ]
            ),
        ],
    )


def data_deleted(summary: str) -> View:
    return _deletion_modal(
        f"🗑️ Done. Trellis deleted everything it held about you ({escape(summary)}). "
        "What it had posted in channels is being taken down.",
        title="Data deleted",
        close="Done",
    )


def deleting() -> View:
    """While the deletion runs (a long history takes longer than Slack waits for an answer)."""
    return _deletion_modal("⏳ Deleting everything Trellis holds about you…", clear_on_close=None)


def not_deleted() -> View:
    return _deletion_modal(
        "That did not go through, so nothing was deleted. Please try again in a minute from `/trellis settings`."
    )


def not_yours() -> View:
    return _deletion_modal(
        "This confirmation was opened by someone else, so nothing was deleted. "
        "Open `/trellis settings` and choose *Delete my data* yourself."
    )


def _deletion_modal(
    text: str, *, title: str = "Delete my data", close: str = "Close", clear_on_close: bool | None = True
) -> View:
    """The modal a deletion's confirmation becomes: one line of news."""
    return View(
        type="modal",
        callback_id=CallbackId.DATA_DELETED,
        title=title,
        close=close,
        clear_on_close=clear_on_close,
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def home_after_deletion() -> View:
    """The App Home once the person deleted their data: nothing of it is shown any more."""
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Your growth, week by week"),
            SectionBlock(
                text=MarkdownTextObject(
                    text="You deleted your Trellis data: nothing of it is kept. Use any Trellis command "
                    "(`/trellis help`) to start afresh."
                )
            ),
        ],
    )
