"""`/trellis roadmap`: objectives for the largest gaps, their status, and adding one."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from blocks.career import no_level_blocks
from blocks.ids import ActionId, BlockId
from blocks.roadmap import objective_modal, roadmap_message
from growth.errors import GrowthError
from growth.levels import NoLevelYet
from growth.roadmap import Status, propose, roadmap_view, set_status
from handlers.middleware import PERSON_KEY
from handlers.services import Services, services_of
from storage.models import Person


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
    objective_id = int(str(action["block_id"]).removeprefix("objective:"))
    status = Status(action["selected_option"]["value"])
    with services.work() as work:
        changed = set_status(work.session, person=person, objective_id=objective_id, status=status, now=work.now)
        work.notify(changed.notices)
    with work.sending():  # the answer first, then this change's own messages
        text, blocks = _message(services, person)
        respond(text=text, blocks=blocks, replace_original=True)


def objective_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    values = view["state"]["values"]

    def chosen(block: str, action: str, key: str = "selected_option") -> Any:
        return (values.get(block) or {}).get(action, {}).get(key)

    competency = (chosen(BlockId.OBJECTIVE_COMPETENCY, ActionId.OBJECTIVE_COMPETENCY) or {}).get("value", "")
    title = chosen(BlockId.OBJECTIVE_TITLE, ActionId.OBJECTIVE_TITLE, "value") or ""
    due = chosen(BlockId.OBJECTIVE_DUE, ActionId.OBJECTIVE_DUE, "selected_date")
    idea = (chosen(BlockId.OBJECTIVE_SUGGESTION, ActionId.OBJECTIVE_SUGGESTION) or {}).get("value")
    try:
        with services.work() as work:
            added = propose(
                work.session,
                person=person,
                competency_id=competency,
                title=title,
                suggestion=int(idea) if str(idea).isdigit() else None,
                due_on=date.fromisoformat(due) if due else None,
                defaults=services.frameworks,
                now=work.now,
            )
            work.notify(added.notices)
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.OBJECTIVE_TITLE: str(error)[:150]})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack()
        response_url = json.loads(view.get("private_metadata") or "{}").get("r")
        if response_url:
            text, blocks = _message(services, person)
            WebhookClient(response_url).send(text=text, blocks=blocks, replace_original=True)


def _message(services: Services, person: Person) -> tuple[str, list[dict[str, Any]]]:
    with services.db.session() as session:
        view = roadmap_view(session, person=person, defaults=services.frameworks, now=services.clock())
    text, blocks = roadmap_message(view)
    return text, [block.to_dict() for block in blocks]
