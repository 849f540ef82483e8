"""App Home pictures as image blocks that reference the Slack file they were uploaded as."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ImageBlock
from slack_sdk.models.blocks.basic_components import SlackFile

from blocks.ids import PICTURE_BLOCK_PREFIX
from blocks.text import shorten
from growth.pictures import HomePictures

ALT_LIMIT = 2_000  # Slack's limit for an image block's alt_text (and its title)


def picture(pictures: HomePictures, kind: str) -> list[Block]:
    """The picture of `kind`, if one was uploaded; nothing otherwise (the words beside it say the same)."""
    return [
        ImageBlock(
            block_id=PICTURE_BLOCK_PREFIX + shown.kind,
            slack_file=SlackFile(id=shown.file_id),
            alt_text=shorten(shown.alt, ALT_LIMIT),
            title=shorten(shown.title, ALT_LIMIT),
        )
        for shown in pictures.shown
        if shown.kind == kind
    ]


def without_pictures(blocks: list[dict]) -> list[dict]:
    """The same blocks without the pictures: what the App Home shows when Slack cannot show a file yet."""
    return [block for block in blocks if not str(block.get("block_id", "")).startswith(PICTURE_BLOCK_PREFIX)]
