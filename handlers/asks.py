"""`/trellis ask`, and the manager's Try it out / Let's talk / Not this time, and logging the outcome."""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View as SlackView

from growth import asks
from growth.asks import AskInvalid, Door, Draft, Parties, Status
from growth.career import win_vocabulary
from growth.errors import GrowthError
from growth.links import manager_of
from growth.people import local_today
from handlers.blocks.asks import (
    ask_for_manager,
    ask_modal,
    decided_for_manager,
    decided_for_person,
    note_modal,
    sent_to_manager,
)
from handlers.home import publish_home
from handlers.ids import Action, Block, View
from handlers.middleware import PERSON_KEY
from handlers.people import dm_later
from handlers.services import Services, services_of
from handlers.wins import logged_answer
from schedules.kinds import ASK_FOLLOW_UP, ASK_REMINDER
from storage import outbox
from storage.models import Person


def register(app: App) -> None:
    app.view(View.ASK)(ask_submitted)
    app.action(Action.ASK_APPROVE)(approve_clicked)
    app.action(Action.ASK_TALK)(talk_clicked)
    app.action(Action.ASK_DECLINE)(decline_clicked)
    app.view(View.ASK_TALK)(note_submitted)
    app.view(View.ASK_DECLINE)(note_submitted)
    app.action(Action.ASK_OUTCOME)(outcome_clicked)


def ask_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    now = services.clock()
    with services.db.session() as session:
        manager = manager_of(session, report=person)
        vocabulary = win_vocabulary(session, person=person, defaults=services.frameworks, now=now)
    if manager is None:
        ack(response_type="ephemeral", text=asks.NO_MANAGER)
        return
    ack()
    competencies = [(competency.id, competency.name) for competency, _ in vocabulary.offered]
    view = ask_modal(competencies=competencies, manager_name=manager.display_name, today=local_today(person, now))
    client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())


def ask_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    now = services.clock()
    try:
        with services.db.session() as session:
            found_ask, manager, created = asks.create(
                session,
                person=person,
                draft=_draft(view["state"]["values"]),
                request_key=f"view:{view['id']}",
                today=local_today(person, now),
                now=now,
            )
            if created:
                found = Parties(found_ask, person, manager)
                name = asks.competency_name(session, ask=found_ask, defaults=services.frameworks, now=now)
                _to_manager(session, found, name)
                remind = asks.reminder_at(found_ask, manager, now)
                if remind is not None:
                    _queue(session, found, f"ask-remind:{found_ask.id}", ASK_REMINDER, due_at=remind)
    except AskInvalid as invalid:
        ack(response_action="errors", errors={invalid.field: str(invalid)})
        return
    except GrowthError as error:
        ack(response_action="errors", errors={Block.ASK_DECISION: str(error)})
        return
    ack(response_action="update", view=_done(sent_to_manager(manager.display_name)))
    services.dispatcher.drain(team_id=person.team_id)


def _draft(values: dict[str, Any]) -> Draft:
    def field(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(Action.ASK_FIELD) or {}

    door = (field(Block.ASK_DOOR).get("selected_option") or {}).get("value") or Door.NOT_SURE.value
    needed = field(Block.ASK_NEEDED_BY).get("selected_date")
    return Draft(
        decision=field(Block.ASK_DECISION).get("value") or "",
        recommendation=field(Block.ASK_RECOMMENDATION).get("value") or "",
        two_way=Door(door),
        options=field(Block.ASK_OPTIONS).get("value") or "",
        needed_by=date.fromisoformat(needed) if needed else None,
        competency_id=(field(Block.ASK_COMPETENCY).get("selected_option") or {}).get("value"),
    )


def _to_manager(session: Any, found: Parties, competency_name: str | None) -> None:
    text, blocks = ask_for_manager(found, competency_name)
    payload = {"channel": found.manager.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
    outbox.enqueue(
        session, team_id=found.ask.team_id, key=f"ask:{found.ask.id}", method="chat.postMessage", payload=payload
    )


def _queue(session: Any, found: Parties, key: str, method: str, *, due_at: Any = None) -> None:
    outbox.enqueue(
        session, team_id=found.ask.team_id, key=key, method=method, payload={"ask_id": found.ask.id}, due_at=due_at
    )


def _tell_person(session: Any, found: Parties) -> None:
    dm_later(session, found.person, f"ask-decided:{found.ask.id}", decided_for_person(found))


def _done(text: str) -> dict[str, Any]:
    return SlackView(
        type="modal", title="Bring an ask", close="Done", blocks=[SectionBlock(text=MarkdownTextObject(text=text))]
    ).to_dict()


def approve_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services, manager = services_of(context), context[PERSON_KEY]
    now = services.clock()
    try:
        with services.db.session() as session:
            found, changed = asks.decide(
                session, ask_id=int(action["value"]), manager=manager, verdict=Status.APPROVED, note="", now=now
            )
            if changed:
                _tell_person(session, found)
                _queue(
                    session, found, f"ask-follow-up:{found.ask.id}", ASK_FOLLOW_UP, due_at=now + services.ask_follow_up
                )
            name = asks.competency_name(session, ask=found.ask, defaults=services.frameworks, now=now)
    except GrowthError as error:
        _say(body, client, respond, manager, str(error))
        return
    if _from_home(body):
        publish_home(client, services, manager)
    else:
        text, blocks = decided_for_manager(found, name)
        respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)
    services.dispatcher.drain(team_id=manager.team_id)


def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def _say(body: dict[str, Any], client: WebClient, respond: Respond, person: Person, text: str) -> None:
    """An error for a click: in place for a message, as a DM for the App Home (which has no response_url)."""
    if _from_home(body):
        client.chat_postMessage(channel=person.slack_user_id, text=text)
    else:
        respond(text=text, response_type="ephemeral", replace_original=False)


def talk_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _open_note(ack, body, action, client, respond, context, Status.TALK)


def decline_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    _open_note(ack, body, action, client, respond, context, Status.DECLINED)


def _open_note(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    verdict: Status,
) -> None:
    """The note comes first (a modal); a click on a decided ask shows the decision instead."""
    ack()
    services, manager = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            found = asks.parties(session, team_id=manager.team_id, ask_id=int(action["value"]))
            asks.may_decide(session, found, manager)
            name = asks.competency_name(session, ask=found.ask, defaults=services.frameworks, now=services.clock())
    except GrowthError as error:
        _say(body, client, respond, manager, str(error))
        return
    if found.ask.status != Status.OPEN:
        if _from_home(body):
            publish_home(client, services, manager)
            return
        text, blocks = decided_for_manager(found, name)
        respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)
        return
    container = body.get("container") or {}
    where = {"ask_id": found.ask.id, "channel": container.get("channel_id"), "ts": container.get("message_ts")}
    view = note_modal(found, verdict=verdict, private_metadata=json.dumps(where))
    client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())


def note_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, manager = services_of(context), context[PERSON_KEY]
    where = json.loads(view.get("private_metadata") or "{}")
    verdict = Status.DECLINED if view["callback_id"] == View.ASK_DECLINE else Status.TALK
    note = ((view["state"]["values"].get(Block.ASK_NOTE) or {}).get(Action.ASK_FIELD) or {}).get("value") or ""
    now = services.clock()
    try:
        with services.db.session() as session:
            found, changed = asks.decide(
                session, ask_id=int(where["ask_id"]), manager=manager, verdict=verdict, note=note, now=now
            )
            if changed:
                _tell_person(session, found)
            name = asks.competency_name(session, ask=found.ask, defaults=services.frameworks, now=now)
    except GrowthError as error:
        ack(response_action="errors", errors={Block.ASK_NOTE: str(error)})
        return
    ack()
    _show_decision(client, services, manager, found, name, where)


def _show_decision(
    client: WebClient, services: Services, manager: Person, found: Parties, name: str | None, where: dict[str, Any]
) -> None:
    services.dispatcher.drain(team_id=manager.team_id)
    if not where.get("channel") or not where.get("ts"):
        publish_home(client, services, manager)  # decided from the App Home: redraw it
        return
    text, blocks = decided_for_manager(found, name)
    with suppress(SlackApiError):  # the message is gone: the decision is kept and the person was told
        client.chat_update(channel=where["channel"], ts=where["ts"], text=text, blocks=[b.to_dict() for b in blocks])


def outcome_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    now = services.clock()
    try:
        with services.db.session() as session:
            logged = asks.log_outcome(
                session, person=person, ask_id=int(action["value"]), today=local_today(person, now), now=now
            )
            text, blocks = logged_answer(services, session, person, logged)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)
