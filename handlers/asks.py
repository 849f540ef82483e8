"""`/trellis ask`, and the manager's Try it out / Let's talk / Not this time, and logging the outcome."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.asks import ask_modal, decided_for_manager, done_view, note_modal, sent_to_manager
from blocks.ids import ActionId, BlockId, CallbackId
from blocks.wins import win_answer
from growth import asks
from growth.asks import AskInvalid, Door, Draft, Status
from growth.errors import GrowthError
from growth.people import local_today
from growth.vocabulary import win_vocabulary
from handlers.home import publish_home
from handlers.middleware import PERSON_KEY
from handlers.parsing import choice, day, metadata, row_id, selected, values_of
from handlers.services import Services, services_of
from storage.models import Person


def ask_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    now = services.clock()
    with services.db.session() as session:
        offered = asks.form(session, person=person, defaults=services.frameworks, now=now)
    ack()
    view = ask_modal(
        competencies=offered.competencies, manager_name=offered.manager.display_name, today=local_today(person, now)
    )
    client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())


def ask_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    work = services.work()
    now = work.now  # one moment for the whole change
    try:
        with work:
            brought = asks.bring(
                work.session,
                person=person,
                draft=_draft(values_of(view)),
                request_key=f"view:{view['id']}",
                defaults=services.frameworks,
                today=local_today(person, now),
                now=now,
            )
            work.notify(brought.notices)
    except AskInvalid as invalid:
        ack(response_action="errors", errors={invalid.field: str(invalid)})
        return
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.ASK_DECISION: str(error)})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack(response_action="update", view=done_view(sent_to_manager(brought.manager.display_name)).to_dict())


def _draft(values: dict[str, Any]) -> Draft:
    def field(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(ActionId.ASK_FIELD) or {}

    door = (field(BlockId.ASK_DOOR).get("selected_option") or {}).get("value") or Door.NOT_SURE.value
    return Draft(
        decision=field(BlockId.ASK_DECISION).get("value") or "",
        recommendation=field(BlockId.ASK_RECOMMENDATION).get("value") or "",
        two_way=choice(Door, door),
        options=field(BlockId.ASK_OPTIONS).get("value") or "",
        needed_by=day(field(BlockId.ASK_NEEDED_BY).get("selected_date")),
        competency_id=(field(BlockId.ASK_COMPETENCY).get("selected_option") or {}).get("value"),
    )


def approve_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services, manager = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        decision = asks.decide(
            work.session,
            ask_id=row_id(action.get("value")),
            manager=manager,
            verdict=Status.APPROVED,
            note="",
            now=work.now,
            follow_up_after=services.ask_follow_up,
        )
        work.notify(decision.notices)
        name = asks.competency_name(work.session, ask=decision.parties.ask, defaults=services.frameworks, now=work.now)
    with work.sending():  # the answer first, then this change's own messages
        if _from_home(body):
            publish_home(client, services, manager)
        else:
            text, blocks = decided_for_manager(decision.parties, name)
            respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)


def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


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
    with services.db.session() as session:
        found = asks.parties(session, team_id=manager.team_id, ask_id=row_id(action.get("value")))
        asks.may_decide(session, found, manager)
        name = asks.competency_name(session, ask=found.ask, defaults=services.frameworks, now=services.clock())
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
    where = metadata(view)
    verdict = Status.DECLINED if view["callback_id"] == CallbackId.ASK_DECLINE else Status.TALK
    note = selected(values_of(view), BlockId.ASK_NOTE, ActionId.ASK_FIELD, "value") or ""
    ask_id = row_id(where.get("ask_id"))
    try:
        with services.work() as work:
            decision = asks.decide(
                work.session, ask_id=ask_id, manager=manager, verdict=verdict, note=note, now=work.now
            )
            work.notify(decision.notices)
            name = asks.competency_name(
                work.session, ask=decision.parties.ask, defaults=services.frameworks, now=work.now
            )
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.ASK_NOTE: str(error)})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack()
        _show_decision(client, services, manager, decision.parties, name, where)


def _show_decision(
    client: WebClient, services: Services, manager: Person, found: asks.Parties, name: str | None, where: dict[str, Any]
) -> None:
    if not where.get("channel") or not where.get("ts"):
        publish_home(client, services, manager)  # decided from the App Home: redraw it
        return
    text, blocks = decided_for_manager(found, name)
    with suppress(SlackApiError):  # the message is gone: the decision is kept and the person was told
        client.chat_update(channel=where["channel"], ts=where["ts"], text=text, blocks=[b.to_dict() for b in blocks])


def outcome_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        logged = asks.log_outcome(
            work.session,
            person=person,
            ask_id=row_id(action.get("value")),
            today=local_today(person, work.now),
            now=work.now,
        )
        work.notify(logged.notices)
        vocabulary = win_vocabulary(work.session, person=person, defaults=services.frameworks, now=work.now)
    with work.sending():
        text, blocks = win_answer(logged.logged, vocabulary, note=logged.note)
        respond(text=text, blocks=[b.to_dict() for b in blocks], replace_original=True)
