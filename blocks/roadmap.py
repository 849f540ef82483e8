"""The roadmap in Block Kit: the list with a status menu per objective, and the form to add one."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
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
from growth.roadmap import LABELS, TITLE_LIMIT, RoadmapView, Status
from storage.models import Objective

LISTED = 40  # objectives shown in the message, well under Slack's 50 blocks


def _status_options() -> list[Option]:
    return [Option(text=label, value=status.value) for status, label in LABELS.items()]


def roadmap_message(view: RoadmapView) -> tuple[str, list[Block]]:
    target = view.position.target.level
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*Your roadmap to {escape_within(target.id, 40)} · {escape_within(target.title, 80)}*"
            )
        )
    ]
    if not view.objectives:
        blocks.append(SectionBlock(text="No objectives yet. Turn each large gap into a concrete project, with a date."))
    for objective in view.objectives[:LISTED]:
        competency = view.names.get(objective.competency_id, objective.competency_id)
        due = f" · due {objective.due_on:%-d %b %Y}" if objective.due_on else ""
        current = next(o for o in _status_options() if o.value == objective.status)
        blocks.append(
            SectionBlock(
                block_id=f"objective:{objective.id}",
                text=MarkdownTextObject(
                    text=f"*{escape_within(objective.title, 400)}*\n{escape_within(competency, 80)}{due}"
                ),
                accessory=StaticSelectElement(
                    action_id=ActionId.OBJECTIVE_STATUS, options=_status_options(), initial_option=current
                ),
            )
        )
    blocks.append(
        ActionsBlock(
            elements=[ButtonElement(text="Add an objective", action_id=ActionId.OBJECTIVE_ADD, style="primary")]
        )
    )
    done = sum(1 for o in view.objectives if o.status == Status.DONE.value)
    return f"Your roadmap to {target.id}: {done} of {len(view.objectives)} done", blocks


def objective_modal(view: RoadmapView, response_url: str | None) -> View:
    framework, level_id = view.position.target.framework, view.position.target.level.id
    expected = {c.id: c for c, _ in framework.expectations_at(level_id)}
    competencies = [
        Option(text=shorten(expected[cid].name, 75), value=cid) for cid in view.gap_order if cid in expected
    ]
    blocks: list[Block] = [
        InputBlock(
            block_id=BlockId.OBJECTIVE_COMPETENCY,
            label="Which gap does it close?",
            hint="Your largest gaps come first.",
            element=StaticSelectElement(
                action_id=ActionId.OBJECTIVE_COMPETENCY, options=competencies[:100], initial_option=competencies[0]
            ),
        )
    ]
    if view.suggestions:
        ideas = [
            Option(text=shorten(f"{s.competency}: {s.activity}", 75), value=str(index))
            for index, s in enumerate(view.suggestions[:100])
        ]
        blocks.append(
            InputBlock(
                block_id=BlockId.OBJECTIVE_SUGGESTION,
                label="Start from a suggestion",
                optional=True,
                hint=f"Concrete projects the framework suggests at {level_id}. Or write your own below.",
                element=StaticSelectElement(
                    action_id=ActionId.OBJECTIVE_SUGGESTION, options=ideas, placeholder="Choose"
                ),
            )
        )
    blocks += [
        InputBlock(
            block_id=BlockId.OBJECTIVE_TITLE,
            label="The objective, in your words",
            optional=True,
            element=PlainTextInputElement(
                action_id=ActionId.OBJECTIVE_TITLE,
                max_length=TITLE_LIMIT,
                placeholder="Propose and lead the on-call rotation redesign with Payments and Platform",
            ),
        ),
        InputBlock(
            block_id=BlockId.OBJECTIVE_DUE,
            label="Due",
            optional=True,
            element=DatePickerElement(action_id=ActionId.OBJECTIVE_DUE),
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.OBJECTIVE,
        title="Add an objective",
        submit="Add",
        close="Cancel",
        private_metadata=json.dumps({"r": response_url}),
        blocks=blocks,
    )


def roadmap_change(name: str, objective: Objective) -> str:
    """For a mentorship room: an objective added or moved on."""
    who = escape(one_line(name, 60) or "Someone")
    due = f", due {objective.due_on:%-d %B}" if objective.due_on else ""
    status = objective.status.replace("_", " ")
    return f"🗺️ {who}'s roadmap: “{escape_within(one_line(objective.title, 250), 350)}” is *{status}*{due}."
