"""Flagging an unclear expectation: the button, the modal, the thanks, and the owners' list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import escape, escape_within, one_line, shorten
from growth.frameworks.flags import COMMENT_LIMIT, FlaggedExpectation
from growth.frameworks.model import Framework

HOME_FLAGS_SHOWN = 5


@dataclass(frozen=True)
class FlagTarget:
    """Which expectations a flag button offers: a level of one framework version, maybe one page of it."""

    version_id: int
    level_id: str
    first: int = 0
    count: int | None = None  # None: every competency of the level

    def dump(self) -> str:
        return json.dumps({"v": self.version_id, "l": self.level_id, "f": self.first, "n": self.count})

    @classmethod
    def load(cls, text: str) -> FlagTarget:
        data = json.loads(text)
        count = data.get("n")
        return cls(int(data["v"]), str(data["l"]), int(data.get("f") or 0), None if count is None else int(count))


def flag_button(target: FlagTarget) -> ActionsBlock:
    return ActionsBlock(
        elements=[ButtonElement(text="Flag an unclear expectation", action_id=ActionId.FLAG_OPEN, value=target.dump())]
    )


def flag_modal(framework: Framework, target: FlagTarget) -> View:
    asked = framework.expectations_at(target.level_id)
    end = None if target.count is None else target.first + target.count
    options = [
        Option(
            text=shorten(competency.name, 75),
            value=competency.id,
            description=shorten(expectation.text, 75),
        )
        for competency, expectation in asked[target.first : end][:100]
    ]
    return View(
        type="modal",
        callback_id=CallbackId.FLAG,
        title="Flag as unclear",
        submit="Send",
        close="Back",
        private_metadata=target.dump(),
        blocks=[
            SectionBlock(
                text="Frameworks get better when people say where they are hard to judge against. "
                "The people who own this one will see your note, not your name."
            ),
            InputBlock(
                block_id=BlockId.FLAG_WHICH,
                label=f"Which expectation of {target.level_id}?",
                element=StaticSelectElement(action_id=ActionId.FLAG_WHICH, options=options, placeholder="Choose one"),
            ),
            InputBlock(
                block_id=BlockId.FLAG_COMMENT,
                label="What is unclear?",
                element=PlainTextInputElement(
                    action_id=ActionId.FLAG_COMMENT,
                    multiline=True,
                    max_length=COMMENT_LIMIT,
                    placeholder="For example: what counts as cross-team? Two teams in one group?",
                ),
            ),
        ],
    )


def flag_thanks(competency: str, level_id: str) -> View:
    return View(
        type="modal",
        callback_id=CallbackId.FLAG,
        title="Thank you",
        close="Back",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"Your note on *{escape(level_id)} · {escape(competency)}* went to the people who own "
                    "the framework."
                )
            )
        ],
    )


def flags_section(flags: Sequence[FlaggedExpectation]) -> list[Block]:
    """For a workspace admin's App Home: the expectations people find unclear, most flagged first."""
    if not flags:
        return []
    lines = []
    for item in flags[:HOME_FLAGS_SHOWN]:
        latest = one_line(item.comments[0][1], 1000)
        count = len(item.comments)
        lines.append(
            f"• *{escape(item.level_id)} · {escape(item.competency)}* ({count} flag{'s' if count != 1 else ''}): "
            f"“{escape_within(latest, 120)}”"
        )
    more = len(flags) - HOME_FLAGS_SHOWN
    blocks: list[Block] = [
        SectionBlock(
            block_id=BlockId.HOME_FLAGS,
            text=MarkdownTextObject(
                text=shorten("*Unclear expectations, for the framework's owners*\n" + "\n".join(lines), 3000)
            ),
        )
    ]
    note = (
        f"{more} more, and every comment: `trellis framework feedback`."
        if more > 0
        else "Every comment: `trellis framework feedback`."
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return blocks
