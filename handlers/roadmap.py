"""`/trellis roadmap`: objectives for the largest gaps, their status, and adding one."""

from __future__ import annotations

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
from handlers.parsing import choice, day, metadata, number, row_id, selected, values_of
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
    objective_id = row_id(str(action.get("block_id") or "").removeprefix("objective:"))
    status = choice(Status, (action.get("selected_option") or {}).get("value"))
    with services.work() as work:
        changed = set_status(work.session, person=person, objective_id=objective_id, status=status, now=work.now)
        work.notify(changed.notices)
    with work.sending():  # the answer first, then this change's own messages
        text, blocks = _message(services, person)
        respond(text=text, blocks=blocks, replace_original=True)


def objective_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    values = values_of(view)
    competency = selected(values, BlockId.OBJECTIVE_COMPETENCY, ActionId.OBJECTIVE_COMPETENCY) or ""
    title = selected(values, BlockId.OBJECTIVE_TITLE, ActionId.OBJECTIVE_TITLE, "value") or ""
    due = day(selected(values, BlockId.OBJECTIVE_DUE, ActionId.OBJECTIVE_DUE, "selected_date"))
    idea = selected(values, BlockId.OBJECTIVE_SUGGESTION, ActionId.OBJECTIVE_SUGGESTION)
    response_url = metadata(view).get("r")
    try:
        with services.work() as work:
            added = propose(
                work.session,
                person=person,
                competency_id=competency,
                title=title,
                suggestion=number(idea),
                due_on=due,
                defaults=services.frameworks,
                now=work.now,
            )
            work.notify(added.notices)
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.OBJECTIVE_TITLE: str(error)[:150]})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack()
        if isinstance(response_url, str) and response_url:
            text, blocks = _message(services, person)
            WebhookClient(response_url).send(text=text, blocks=blocks, replace_original=True)


def _message(services: Services, person: Person) -> tuple[str, list[dict[str, Any]]]:
    with services.db.session() as session:
        view = roadmap_view(session, person=person, defaults=services.frameworks, now=services.clock())
    text, blocks = roadmap_message(view)
    return text, [block.to_dict() for block in blocks]
