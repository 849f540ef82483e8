"""`/trellis roadmap`: objectives for the largest gaps, their status, and adding one."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from growth.career import NoLevelYet, roadmap_view
from growth.errors import GrowthError
from growth.mentors import Sees
from growth.roadmap import Status, add, set_status
from handlers.blocks.career import no_level_blocks
from handlers.blocks.roadmap import objective_modal, roadmap_change, roadmap_message
from handlers.ids import Action, Block, View
from handlers.mentors import post_to_rooms
from handlers.middleware import PERSON_KEY
from handlers.services import Services, services_of
from storage.models import Person


def register(app: App) -> None:
    app.action(Action.OBJECTIVE_ADD)(add_clicked)
    app.action(Action.OBJECTIVE_STATUS)(status_chosen)
    app.view(View.OBJECTIVE)(objective_submitted)


def roadmap_command(ack: Ack, context: BoltContext, **_: Any) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    try:
        text, blocks = _message(services, person)
    except NoLevelYet as error:
        ack(response_type="ephemeral", text=str(error), blocks=[b.to_dict() for b in no_level_blocks(str(error))])
        return
    ack(response_type="ephemeral", text=text, blocks=blocks)


def add_clicked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        view = roadmap_view(session, person=person, defaults=services.frameworks, now=services.clock())
    client.views_open(trigger_id=body["trigger_id"], view=objective_modal(view, body.get("response_url")).to_dict())


def status_chosen(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    objective_id = int(action["block_id"].removeprefix("objective:"))
    status = Status(action["selected_option"]["value"])
    try:
        with services.db.session() as session:
            changed = set_status(session, person=person, objective_id=objective_id, status=status, now=services.clock())
            stamp = int(services.clock().timestamp())
            post_to_rooms(
                session,
                person=person,
                showing=Sees.ROADMAP,
                key=f"room-objective:{objective_id}:{status.value}:{stamp}",
                text=roadmap_change(person.display_name, changed),
            )
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    services.dispatcher.drain(team_id=person.team_id)
    text, blocks = _message(services, person)
    respond(text=text, blocks=blocks, replace_original=True)


def objective_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    values = view["state"]["values"]

    def chosen(block: str, action: str, key: str = "selected_option") -> Any:
        return (values.get(block) or {}).get(action, {}).get(key)

    competency = (chosen(Block.OBJECTIVE_COMPETENCY, Action.OBJECTIVE_COMPETENCY) or {}).get("value", "")
    title = chosen(Block.OBJECTIVE_TITLE, Action.OBJECTIVE_TITLE, "value") or ""
    due = chosen(Block.OBJECTIVE_DUE, Action.OBJECTIVE_DUE, "selected_date")
    idea = (chosen(Block.OBJECTIVE_SUGGESTION, Action.OBJECTIVE_SUGGESTION) or {}).get("value")
    try:
        with services.db.session() as session:
            current = roadmap_view(session, person=person, defaults=services.frameworks, now=services.clock())
            if not title.strip() and idea is not None and int(idea) < len(current.suggestions):
                suggestion = current.suggestions[int(idea)]
                title, competency = suggestion.activity, suggestion.competency_id
            added = add(
                session,
                person=person,
                competency_id=competency,
                title=title,
                due_on=date.fromisoformat(due) if due else None,
                now=services.clock(),
            )
            post_to_rooms(
                session,
                person=person,
                showing=Sees.ROADMAP,
                key=f"room-objective:{added.id}",
                text=roadmap_change(person.display_name, added),
            )
    except GrowthError as error:
        ack(response_action="errors", errors={Block.OBJECTIVE_TITLE: str(error)[:150]})
        return
    ack()
    services.dispatcher.drain(team_id=person.team_id)
    response_url = json.loads(view.get("private_metadata") or "{}").get("r")
    if response_url:
        text, blocks = _message(services, person)
        WebhookClient(response_url).send(text=text, blocks=blocks, replace_original=True)


def _message(services: Services, person: Person) -> tuple[str, list[dict[str, Any]]]:
    with services.db.session() as session:
        view = roadmap_view(session, person=person, defaults=services.frameworks, now=services.clock())
    text, blocks = roadmap_message(view)
    return text, [block.to_dict() for block in blocks]
