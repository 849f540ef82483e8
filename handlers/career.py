"""`/trellis level` and `/trellis gaps`: choosing a target, and the self-assessment against it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.career import (
    FormState,
    gaps_modal,
    level_modal,
    level_saved_view,
    no_level_blocks,
    pages,
)
from blocks.ids import GAP_BLOCK_PREFIX, ActionId, BlockId, CallbackId
from growth.assessments import assessment_form, submit_assessment
from growth.errors import GrowthError
from growth.levels import NoLevelYet, choose_level, level_choices
from handlers.home import publish_home
from handlers.middleware import PERSON_KEY
from handlers.parsing import loaded, number, selected, values_of, view_of
from handlers.services import services_of


def level_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=_level_view(context))


def gaps_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    try:
        view = _first_gaps_page(context)
    except NoLevelYet as error:
        blocks = [block.to_dict() for block in no_level_blocks(str(error))]
        ack(response_type="ephemeral", text=str(error), blocks=blocks)
        return
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)


def open_level(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=_level_view(context))


def open_gaps(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """From the App Home (open a modal) or from the level-saved modal (replace it)."""
    ack()
    try:
        view = _first_gaps_page(context)
    except NoLevelYet:
        view = _level_view(context)
    current = body.get("view") or {}
    if current.get("type") == "modal" and current.get("id"):
        client.views_update(view_id=current["id"], hash=current.get("hash"), view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def level_changed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The current level changed in the modal: offer the targets that level allows."""
    ack()
    chosen = (action.get("selected_option") or {}).get("value")
    view = view_of(body, CallbackId.LEVEL)
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=_level_view(context, current_ref=chosen))


def level_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    values = values_of(view)
    current = selected(values, BlockId.LEVEL_CURRENT, ActionId.LEVEL_CURRENT)
    target = selected(values, BlockId.LEVEL_TARGET, ActionId.LEVEL_TARGET)
    if current is None:
        ack(response_action="errors", errors={BlockId.LEVEL_CURRENT: "Choose your current level."})
        return
    if target is None:
        ack(response_action="errors", errors={BlockId.LEVEL_CURRENT: "This level offers no target; choose another."})
        return
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            where = choose_level(
                session,
                person=person,
                level_ref=current,
                target_ref=target,
                defaults=services.frameworks,
                now=services.clock(),
            )
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.LEVEL_TARGET: str(error)[:150]})
        return
    ack(response_action="update", view=level_saved_view(where))
    publish_home(client, services, person)


def gaps_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    state = loaded(FormState.load, view.get("private_metadata"))
    answers = list(state.answers)
    values = values_of(view)
    for block_id in values:
        if block_id.startswith(GAP_BLOCK_PREFIX):
            rating = number(selected(values, block_id, ActionId.GAP_RATING))
            index = number(block_id[len(GAP_BLOCK_PREFIX) :])
            if rating is not None and index is not None and index < len(answers):
                answers[index] = rating
    with services.db.session() as session:
        form = assessment_form(session, person=person, defaults=services.frameworks, now=services.clock())
    if form.stored.id != state.version_id or form.position.target.ref != state.target_ref:
        raise GrowthError("Your target or its framework changed since you opened this. Run /trellis gaps again.")
    asked = form.stored.framework.expectations_at(form.position.target.level.id)
    if state.page + 1 < pages(form):
        following = FormState(state.version_id, state.target_ref, state.page + 1, answers)
        ack(response_action="update", view=gaps_modal(form, following))
        return
    ratings = {competency.id: rating for (competency, _), rating in zip(asked, answers, strict=False) if rating}
    with services.work() as work:  # a refusal is shown in the modal (handlers.errors)
        submitted = submit_assessment(
            work.session,
            person=person,
            version_id=state.version_id,
            target_ref=state.target_ref,
            ratings=ratings,
            defaults=services.frameworks,
            now=work.now,
        )
        work.notify(submitted.notices)
    with work.sending():  # the answer first, then this change's own messages
        ack()
        publish_home(client, services, person)


def _level_view(context: BoltContext, current_ref: str | None = None) -> dict[str, Any]:
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        choices = level_choices(session, person=person, defaults=services.frameworks, now=services.clock())
    where = choices.position
    current = current_ref or (person.level_ref if where is not None else None)
    target = where.target.ref if where is not None and current == person.level_ref else None
    preferred = [framework.name for framework in services.frameworks]
    return level_modal(choices.catalogue, current, target, preferred).to_dict()


def _first_gaps_page(context: BoltContext) -> dict[str, Any]:
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        form = assessment_form(session, person=person, defaults=services.frameworks, now=services.clock())
    asked = form.stored.framework.expectations_at(form.position.target.level.id)
    answers = [form.previous.get(competency.id, 0) for competency, _ in asked]
    assert form.stored.id is not None
    return gaps_modal(form, FormState(form.stored.id, form.position.target.ref, 0, answers)).to_dict()
