"""Levels and gaps in Block Kit: the level modal, the self-assessment pages, the result, the home section."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from blocks.flags import FlagTarget, flag_button
from blocks.ids import GAP_BLOCK_PREFIX, ActionId, BlockId, CallbackId
from blocks.pictures import picture
from blocks.text import escape, shorten
from growth.assessments import Form, Recorded
from growth.frameworks.catalogue import Catalogue, Target
from growth.gaps import Delta, summary_line
from growth.home import HomeSummary
from growth.levels import Position
from growth.pictures import GAP_TREND

PAGE_SIZE = 10  # competencies per assessment page: 40 competencies become 4 pages, far under 100 blocks
SECTION_LIMIT = 3000
OPTION_TEXT_LIMIT = 75
KIND = {"next": "next level", "lateral": "lateral move", "diagonal": "diagonal move", "chosen": "your choice"}


def _level_option(ref: str, level_id: str, title: str, note: str = "") -> Option:
    label = shorten(f"{level_id} · {title}" + (f" ({note})" if note else ""), OPTION_TEXT_LIMIT)
    return Option(text=label, value=ref)


def level_modal(
    catalogue: Catalogue, current_ref: str | None, target_ref: str | None, preferred: Sequence[str] = ()
) -> View:
    """`preferred` frameworks come first (TRELLIS_FRAMEWORK's, then the other defaults)."""
    rank = {name: index for index, name in enumerate(preferred)}
    ordered = sorted(catalogue.frameworks.values(), key=lambda framework: rank.get(framework.name, len(rank)))
    groups = [
        OptionGroup(
            label=shorten(track.name, OPTION_TEXT_LIMIT),
            options=[_level_option(framework.ref(level.id), level.id, level.title) for level in track.levels],
        )
        for framework in ordered
        for track in framework.tracks
        if track.levels
    ]
    options = {option.value: option for group in groups for option in group.options}
    current = StaticSelectElement(
        action_id=ActionId.LEVEL_CURRENT,
        placeholder="Choose your current level",
        option_groups=groups[:100],
        initial_option=options.get(current_ref or ""),
    )
    blocks: list[Block] = [
        InputBlock(block_id=BlockId.LEVEL_CURRENT, label="Your level now", element=current, dispatch_action=True)
    ]
    targets = catalogue.targets_from(current_ref) if current_ref else []
    if targets:
        choices = [_level_option(t.ref, t.level.id, t.level.title, KIND[t.kind]) for t in targets]
        chosen = next((o for o in choices if o.value == target_ref), choices[0])
        blocks.append(
            InputBlock(
                block_id=BlockId.LEVEL_TARGET,
                label="Where you are heading",
                element=StaticSelectElement(action_id=ActionId.LEVEL_TARGET, options=choices, initial_option=chosen),
                hint="The next level comes first; moves to other tracks follow, where the framework allows them.",
            )
        )
    elif current_ref:
        blocks.append(SectionBlock(text="This is the top of its track, and the framework offers no move from here."))
    else:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="Choose your level; the targets it offers appear here.")])
        )
    return View(
        type="modal",
        callback_id=CallbackId.LEVEL,
        title="Your level",
        submit="Save",
        close="Cancel",
        blocks=blocks,
    )


def level_saved_view(where: Position) -> View:
    text = (
        f"Saved. You are at *{escape(where.level.id)} · {escape(where.level.title)}*, heading for "
        f"*{escape(where.target.level.id)} · {escape(where.target.level.title)}*."
    )
    return View(
        type="modal",
        callback_id=CallbackId.LEVEL_SAVED,
        title="Your level",
        close="Done",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=text)),
            SectionBlock(
                text=f"Next: see where you stand against what {where.target.level.id} expects.",
                accessory=ButtonElement(text="See where I stand", action_id=ActionId.OPEN_GAPS, style="primary"),
            ),
        ],
    )


@dataclass(frozen=True)
class FormState:
    """What an assessment page carries in private_metadata: compact, to stay far under Slack's 3,000."""

    version_id: int
    target_ref: str
    page: int
    answers: list[int]  # by position at the target level; 0 = not answered yet

    def dump(self) -> str:
        return json.dumps({"v": self.version_id, "t": self.target_ref, "p": self.page, "a": self.answers})

    @classmethod
    def load(cls, text: str) -> FormState:
        data = json.loads(text)
        return cls(int(data["v"]), str(data["t"]), int(data["p"]), [int(a) for a in data["a"]])


def pages(form: Form) -> int:
    count = len(form.stored.framework.expectations_at(form.position.target.level.id))
    return max(1, -(-count // PAGE_SIZE))


def gaps_modal(form: Form, state: FormState) -> View:
    framework = form.stored.framework
    target = form.position.target.level
    asked = framework.expectations_at(target.id)
    total = pages(form)
    first = state.page * PAGE_SIZE
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"How consistently do you operate at what *{escape(target.id)} · {escape(target.title)}* "
                "expects? Answer for where you are today; only you see this."
            )
        )
    ]
    for index, (competency, expectation) in enumerate(asked[first : first + PAGE_SIZE], start=first):
        rated = state.answers[index] if index < len(state.answers) else 0
        options = [
            Option(
                text=shorten(label.capitalize(), OPTION_TEXT_LIMIT),
                value=str(step),
                description=f"what {target.id} expects" if step == expectation.mastery else None,
            )
            for step, label in enumerate(framework.scale, start=1)
        ]
        element = RadioButtonsElement(
            action_id=ActionId.GAP_RATING,
            options=options,
            initial_option=next((option for option in options if option.value == str(rated)), None),
        )
        blocks.append(
            InputBlock(
                block_id=f"{GAP_BLOCK_PREFIX}{index}",
                label=shorten(competency.name, 2000),
                hint=shorten("\n• ".join((f"{target.id} expects: {expectation.text}", *expectation.details)), 2000),
                element=element,
            )
        )
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=f"{escape(framework.title)} {escape(framework.version)}")])
    )
    blocks.insert(-1, flag_button(FlagTarget(state.version_id, target.id, first, PAGE_SIZE)))
    title = "Where you stand" + (f" {state.page + 1}/{total}" if total > 1 else "")
    submit = "Next" if state.page + 1 < total else "See my gaps"
    return View(
        type="modal",
        callback_id=CallbackId.GAPS,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=state.dump(),
        blocks=blocks,
    )


def gap_lines(delta: Delta, scale: Sequence[str], level_id: str) -> list[str]:
    lines = []
    for gap in delta.gaps:
        mark = "✅" if gap.delta == 0 else "🔸" * min(gap.delta, 3)
        lines.append(
            f"{mark} *{escape(gap.competency.name)}*: you, {scale[gap.rated - 1]}; "
            f"{level_id} expects {scale[gap.expected - 1]}"
        )
    return lines


def _sections(lines: list[str]) -> list[SectionBlock]:
    """Lines packed into sections of at most 3,000 characters each."""
    sections, chunk = [], ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_LIMIT:
            sections.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else shorten(line, SECTION_LIMIT)
    if chunk:
        sections.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    return sections


def result_message(recorded: Recorded, target: Target) -> tuple[str, list[Block]]:
    """The DM after a self-assessment: one line, then competency by competency."""
    framework = recorded.stored.framework
    level = target.level
    line = summary_line(recorded.delta, level.id)
    blocks: list[Block] = [
        HeaderBlock(text=shorten(f"Where you stand against {level.id} · {level.title}", 150)),
        SectionBlock(text=MarkdownTextObject(text=f"*{escape(line)}*")),
        *_sections(gap_lines(recorded.delta, framework.scale, level.id)),
        flag_button(FlagTarget(recorded.stored.id, level.id)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Against {escape(framework.title)} {escape(framework.version)} "
                    f"(revision {recorded.stored.revision}). Your App Home keeps the trend."
                )
            ]
        ),
    ]
    return line, blocks


def home_section(summary: HomeSummary) -> list[Block]:
    where = summary.position
    if where is None:
        return [
            SectionBlock(
                block_id=BlockId.HOME_GAPS,
                text=MarkdownTextObject(text="*Where are you heading?* Set your level and target to see your gaps."),
                accessory=ButtonElement(text="Set my level", action_id=ActionId.OPEN_LEVEL, style="primary"),
            )
        ]
    heading = f"*{escape(where.level.id)} → {escape(where.target.level.id)} · {escape(where.target.level.title)}*"
    if summary.latest is None:
        body = f"{heading}\nYou have not assessed yourself against {escape(where.target.level.id)} yet."
    else:
        gaps = summary.latest.delta.largest
        listed = "\n".join(f"• {escape(gap.competency.name)}" for gap in gaps) or "• none: you meet every expectation"
        body = f"{heading}\n*Your biggest gaps to {escape(where.target.level.id)}:*\n{listed}"
    blocks: list[Block] = [
        SectionBlock(block_id=BlockId.HOME_GAPS, text=MarkdownTextObject(text=shorten(body, SECTION_LIMIT)))
    ]
    if summary.trend:
        points = " · ".join(f"{p.at:%-d %b}: gap {p.total_gap}" for p in summary.trend)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Assessments, newest first: {points}")]))
    blocks += picture(summary.pictures, GAP_TREND)
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(text="Assess where I stand", action_id=ActionId.OPEN_GAPS, style="primary"),
                ButtonElement(text="Change level or target", action_id=ActionId.OPEN_LEVEL),
            ]
        )
    )
    return blocks


def no_level_blocks(message: str) -> list[Block]:
    return [
        SectionBlock(
            text=MarkdownTextObject(text=message),
            accessory=ButtonElement(text="Set my level", action_id=ActionId.OPEN_LEVEL, style="primary"),
        )
    ]
