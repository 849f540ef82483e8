"""`/trellis feedback [@report]`: ask for feedback against the next level; the DM's Give feedback and
Can't this time; the answer form; closing early, extending, asking someone more, sharing, the results."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from blocks.feedback import (
    NAMED,
    Asking,
    answer_modal,
    asked_view,
    asking_modal,
    declined_text,
    notice_view,
    thanks_view,
)
from blocks.feedback_results import ask_more_modal, results_view
from blocks.ids import EXAMPLE_BLOCK_PREFIX, RATING_BLOCK_PREFIX, ActionId, BlockId
from growth import feedback
from growth.feedback import Draft, FeedbackInvalid, Given
from growth.links import manager_of
from handlers.home import publish_home
from handlers.middleware import PERSON_KEY
from handlers.parsing import day, loaded, mentioned, metadata, number, parse, values_of
from handlers.people import person_for
from handlers.services import Services, services_of
from storage.models import Person

FIELDS = {"note": BlockId.FEEDBACK_NOTE}  # growth's field names where they differ from the form's blocks


def feedback_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, asker = services_of(context), context[PERSON_KEY]
    users = mentioned(parse(command.get("text"))[1])
    person = person_for(client, services, asker=asker, user_id=users[0]) if users else asker
    view = _asking(services, asker, person)
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)


def open_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """From the App Home (one's own) or `/trellis team` (a report's: the value is their person id)."""
    ack()
    services, asker = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        person = feedback.about(session, asker=asker, person_id=number(action.get("value")))
    client.views_open(trigger_id=body["trigger_id"], view=_asking(services, asker, person))


def _asking(services: Services, asker: Person, person: Person) -> dict[str, Any]:
    with services.db.session() as session:
        form = feedback.asking_form(
            session,
            asker=asker,
            person=person,
            defaults=services.frameworks,
            anonymity_min=services.anonymity_min,
            now=services.clock(),
        )
    return asking_modal(form, for_report=person.id != asker.id).to_dict()


def ask_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, asker = services_of(context), context[PERSON_KEY]
    asking = loaded(Asking.load, view.get("private_metadata"))
    values = values_of(view)
    chosen = [o["value"] for o in _field(values, BlockId.FEEDBACK_SUGGESTED).get("selected_options") or []]
    chosen += list(_field(values, BlockId.FEEDBACK_PEOPLE).get("selected_users") or [])
    people = [person_for(client, services, asker=asker, user_id=user) for user in dict.fromkeys(chosen)]
    due = day(_field(values, BlockId.FEEDBACK_DUE).get("selected_date"))
    mode = (_field(values, BlockId.FEEDBACK_MODE).get("selected_option") or {}).get("value")
    try:
        with services.work() as work:
            person = feedback.about(work.session, asker=asker, person_id=asking.person_id)
            draft = Draft(
                responders=people,
                competency_ids=[
                    o["value"] for o in _field(values, BlockId.FEEDBACK_COMPETENCIES).get("selected_options") or []
                ],
                anonymous=mode != NAMED,
                due_on=due,
                note=_field(values, BlockId.FEEDBACK_NOTE).get("value") or "",
            )
            started = feedback.start(
                work.session,
                asker=asker,
                person=person,
                draft=draft,
                version_id=asking.version_id,
                target_ref=asking.target_ref,
                request_key=f"view:{view['id']}",
                anonymity_min=services.anonymity_min,
                now=work.now,
            )
            work.notify(started.notices)
    except FeedbackInvalid as invalid:
        ack(response_action="errors", errors={_block(invalid.field, values): str(invalid)})
        return
    shown = asked_view(
        started.round, person, len(started.requests), too_few=started.too_few, for_report=person.id != asker.id
    )
    with work.sending():
        ack(response_action="update", view=shown.to_dict())


def give_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Only the person asked opens the form; a closed round says so (through the error handler)."""
    ack()
    services, responder = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        form = feedback.answer_form(session, responder=responder, request_id=number(action.get("value")) or 0)
    container = body.get("container") or {}
    from_the_dm = action.get("block_id") == BlockId.FEEDBACK_REQUEST and container.get("message_ts")
    where = f"{container.get('channel_id')}/{container.get('message_ts')}" if from_the_dm else ""  # not a digest
    client.views_open(trigger_id=body["trigger_id"], view=answer_modal(form, where=where).to_dict())


def answer_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, responder = services_of(context), context[PERSON_KEY]
    meta = metadata(view)
    values = values_of(view)
    ratings: dict[str, tuple[str | None, str | None]] = {}
    for block_id in values:
        if block_id.startswith(RATING_BLOCK_PREFIX):
            competency_id = block_id.removeprefix(RATING_BLOCK_PREFIX)
            choice = (_field(values, block_id).get("selected_option") or {}).get("value")
            example = _field(values, f"{EXAMPLE_BLOCK_PREFIX}{competency_id}").get("value")
            ratings[competency_id] = (choice, example)
    given = Given(
        ratings,
        _field(values, BlockId.FEEDBACK_GAP).get("value"),
        _field(values, BlockId.FEEDBACK_NEXT).get("value"),
    )
    channel, _, ts = str(meta.get("w") or "").partition("/")
    try:
        with services.work() as work:
            answered = feedback.answer(
                work.session,
                responder=responder,
                request_id=number(meta.get("r")) or 0,
                given=given,
                now=work.now,
                from_message=(channel, ts) if channel and ts else None,
            )
            work.notify(answered.notices)
    except FeedbackInvalid as invalid:
        ack(response_action="errors", errors={_block(invalid.field, values): str(invalid)})
        return
    thanks = thanks_view(answered.round, answered.person, responder, first=answered.first)
    with work.sending():  # the thanks first; then the DM it came from says it was answered
        ack(response_action="update", view=thanks.to_dict())


def decline_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, responder = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        declined = feedback.decline(
            session, responder=responder, request_id=number(action.get("value")) or 0, now=services.clock()
        )
    if declined.answered_before:
        respond(text="You answered already: your answer stands.", response_type="ephemeral", replace_original=False)
        return
    respond(text=declined_text(declined.person), replace_original=True)


def close_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    done = "Closed. The results are on their way to your DM."
    _change(ack, body, action, client, respond, context, feedback.close_early, done)


def extend_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    done = "Extended by a week; those who have not answered are reminded."
    _change(ack, body, action, client, respond, context, feedback.extend, done)


def share_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    done = "Shared with your manager: the results are on their way to them."
    _change(ack, body, action, client, respond, context, feedback.share_with_manager, done)


def _change(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    change: Any,
    done: str,
) -> None:
    """A button on the person's own round: the change, what was queued (results, reminders), and where
    the button was, the word that it happened (a message in place, the App Home redrawn, a modal)."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        changed = change(work.session, person=person, round_id=number(action.get("value")) or 0, now=work.now)
        work.notify(changed.notices)
    with work.sending():
        view = body.get("view") or {}
        if context.response_url:
            respond(text=done, response_type="ephemeral", replace_original=False)
        elif view.get("type") == "home":
            publish_home(client, services, person)
        elif view.get("id"):
            client.views_update(view_id=view["id"], view=notice_view(done).to_dict())


def add_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        round = feedback.owned(session, person=person, round_id=number(action.get("value")) or 0)
    client.views_open(trigger_id=body["trigger_id"], view=ask_more_modal(round).to_dict())


def more_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    users = list(_field(values_of(view), BlockId.FEEDBACK_PEOPLE).get("selected_users") or [])
    people = [person_for(client, services, asker=person, user_id=user) for user in users]
    round_id = number(view.get("private_metadata")) or 0
    try:
        with services.work() as work:
            more = feedback.ask_more(work.session, person=person, round_id=round_id, responders=people, now=work.now)
            work.notify(more.notices)
    except feedback.FeedbackInvalid as invalid:
        ack(response_action="errors", errors={BlockId.FEEDBACK_PEOPLE: str(invalid)})
        return
    shown = asked_view(more.round, person, more.added, too_few=False, for_report=False)
    with work.sending():
        ack(response_action="update", view=shown.to_dict())


def see_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, viewer = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        made = feedback.summary(session, viewer=viewer, round_id=number(action.get("value")) or 0)
        manager = manager_of(session, report=made.person)
    client.views_open(trigger_id=body["trigger_id"], view=results_view(made, viewer=viewer, manager=manager).to_dict())


def _field(values: dict[str, Any], block: str) -> dict[str, Any]:
    return (values.get(block) or {}).get(ActionId.FEEDBACK_FIELD) or {}


def _block(field: str, values: dict[str, Any]) -> str:
    """The form's block for a field growth named, else the first block (an error is always shown)."""
    block = FIELDS.get(field, field)
    return block if block in values else next(iter(values), block)
