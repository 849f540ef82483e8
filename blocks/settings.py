"""`/trellis settings`: a person's weekly check-in, and what a workspace admin sets for everyone."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ChannelSelectElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.personal_data import data_blocks
from blocks.text import escape
from growth.checkins import LONGEST_PAUSE_WEEKS, WEEKDAYS, Settings

SKIP, SHARE, OFF = "skip_this_week", "share", "opted_out"


def _select(block_id: str, label: str, options: list[Option], chosen: str) -> InputBlock:
    initial = next(option for option in options if option.value == chosen)
    return InputBlock(
        block_id=block_id,
        label=label,
        element=StaticSelectElement(action_id=ActionId.CHECKIN_FIELD, options=options, initial_option=initial),
    )


def checkin_blocks(settings: Settings, plan_line: str, time_zone: str | None) -> list[Block]:
    days = [Option(value=str(i), text=name) for i, name in enumerate(WEEKDAYS)]
    hours = [Option(value=str(hour), text=f"{hour:02d}:00") for hour in range(24)]
    pauses = [Option(value="0", text="Not paused")] + [
        Option(value=str(n), text=f"{n} week{'s' if n > 1 else ''}") for n in range(1, LONGEST_PAUSE_WEEKS + 1)
    ]
    choices = {
        SKIP: Option(value=SKIP, text="Skip this week"),
        SHARE: Option(
            value=SHARE,
            text="Share my entries in the growth channel",
            description="Learning in public: each entry is posted under your own thread there.",
        ),
        OFF: Option(value=OFF, text="Turn my weekly check-ins off"),
    }
    on = [
        choices[name]
        for name, chosen in ((SKIP, settings.skip_this_week), (SHARE, settings.share), (OFF, settings.opted_out))
        if chosen
    ]
    zone = escape(time_zone) if time_zone else "UTC, until Slack tells me yours"
    return [
        SectionBlock(text=MarkdownTextObject(text=f"*Weekly check-in*\n{escape(plan_line)}")),
        _select(BlockId.CHECKIN_DAY, "Day", days, str(settings.weekday)),
        _select(BlockId.CHECKIN_HOUR, "Hour", hours, str(settings.hour)),
        ContextBlock(elements=[MarkdownTextObject(text=f"In your Slack time zone: {zone}.")]),
        _select(BlockId.CHECKIN_PAUSE, "Pause for", pauses, str(settings.pause_weeks)),
        InputBlock(
            block_id=BlockId.CHECKIN_OPTIONS,
            label="Options",
            optional=True,
            element=CheckboxesElement(
                action_id=ActionId.CHECKIN_FIELD, options=list(choices.values()), initial_options=on or None
            ),
        ),
    ]


def settings_modal(
    *, is_admin: bool, growth_channel: str | None, settings: Settings, plan_line: str, time_zone: str | None
) -> View:
    where = f"<#{growth_channel}>" if growth_channel else "no channel yet"
    blocks: list[Block] = [*checkin_blocks(settings, plan_line, time_zone), DividerBlock()]
    if is_admin:
        blocks += [
            InputBlock(
                block_id=BlockId.GROWTH_CHANNEL,
                label="Growth channel",
                optional=True,
                hint="Public wins and shared growth threads are posted here. Invite @Trellis to the channel first.",
                element=ChannelSelectElement(
                    action_id=ActionId.GROWTH_CHANNEL, initial_channel=growth_channel, placeholder="Choose a channel"
                ),
            ),
            ContextBlock(elements=[MarkdownTextObject(text="You see this because you are a workspace admin.")]),
        ]
    else:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*Growth channel:* {where}. Public wins and shared growth threads are posted there; "
                    "a workspace admin chooses the channel."
                )
            )
        )
    blocks += [DividerBlock(), *data_blocks()]
    return View(
        type="modal", callback_id=CallbackId.SETTINGS, title="Settings", submit="Save", close="Cancel", blocks=blocks
    )


def settings_saved(plan_line: str, growth_channel: str | None) -> View:
    where = f"<#{growth_channel}>" if growth_channel else "nowhere (no growth channel)"
    return View(
        type="modal",
        callback_id=CallbackId.SETTINGS,
        title="Settings",
        close="Done",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"Saved. {escape(plan_line)}\nPublic wins are posted to {where}.")
            )
        ],
    )
