"""The weekly growth thread: the check-in DM's buttons, the entry modal, thread replies, `/trellis checkin`."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.checkins import HISTORY_PAGE, closed_message, entry_modal, entry_saved, history, reminder_set
from blocks.ids import ActionId, BlockId
from blocks.text import from_slack_markup
from blocks.wins import win_answer
from growth import checkins
from growth.checkins import Answers, Written
from growth.errors import GrowthError
from growth.roadmap import objectives
from growth.vocabulary import win_vocabulary
from handlers.deliveries import first_delivery
from handlers.middleware import PERSON_KEY
from handlers.parsing import number, parse, row_id, values_of
from handlers.services import Services, services_of
from storage.models import Checkin, Person

USAGE = "`/trellis checkin` writes this week's growth thread entry; `/trellis checkin history` shows your thread."
log = logging.getLogger(__name__)


def checkin_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    _, rest = parse(command.get("text"))
    word = rest.casefold()
    if word == "history":
        text, blocks = _history(services, person, page=0)
        ack(response_type="ephemeral", text=text, blocks=[block.to_dict() for block in blocks])
        return
    if word:
        ack(response_type="ephemeral", text=USAGE)
        return
    ack()
    _open_entry(client, services, person, trigger_id=command["trigger_id"], checkin_id=None)


def _open_entry(
    client: WebClient, services: Services, person: Person, *, trigger_id: str, checkin_id: int | None
) -> None:
    now = services.clock()
    with services.db.session() as session:
        if checkin_id is not None:
            row: Checkin | None = checkins.own_checkin(session, person=person, checkin_id=checkin_id)
        else:
            week = checkins.week_key(checkins.local_today(person, now))
            row = checkins.entry_of_week(session, person=person, week=week)
        plan = objectives(session, person=person, open_only=True)
    week = row.week if row is not None else checkins.week_key(checkins.local_today(person, now))
    view = entry_modal(checkin_id=checkin_id or (row.id if row else None), row=row, objectives=plan, week=week)
    client.views_open(trigger_id=trigger_id, view=view.to_dict())


def write_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    value = str(action.get("value") or "")
    checkin_id = number(value)
    _open_entry(client, services, person, trigger_id=body["trigger_id"], checkin_id=checkin_id)


def entry_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    answers = _answers(values_of(view))
    checkin_id = number(view.get("private_metadata"))
    try:
        with services.work() as work:
            written = checkins.write_entry(
                work.session, person=person, answers=answers, now=work.now, checkin_id=checkin_id
            )
            work.notify(written.notices)
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.CHECKIN_LEARNED: str(error)})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack()
        _after_entry(client, person, written)


def _answers(values: dict[str, Any]) -> Answers:
    def field(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(ActionId.CHECKIN_FIELD) or {}

    objective = (field(BlockId.CHECKIN_OBJECTIVE).get("selected_option") or {}).get("value")
    return Answers(
        learned=field(BlockId.CHECKIN_LEARNED).get("value") or "",
        operated=field(BlockId.CHECKIN_OPERATED).get("value") or "",
        blockers=field(BlockId.CHECKIN_BLOCKERS).get("value") or "",
        objective_id=row_id(objective) if objective else None,
        private=bool(field(BlockId.CHECKIN_PRIVATE).get("selected_options")),
    )


def _after_entry(client: WebClient, person: Person, written: Written) -> None:
    """Close the week's check-in message, and answer in its thread (or the DM) with "Make it a win"."""
    row = written.checkin
    text, blocks = entry_saved(row, first=written.first, shared=written.share)
    where: dict[str, Any] = {"channel": row.channel_id or person.slack_user_id}
    if row.channel_id and row.message_ts:
        where["thread_ts"] = row.message_ts
        try:
            client.chat_update(channel=row.channel_id, ts=row.message_ts, text=closed_message(row), blocks=[])
        except SlackApiError as error:  # the message was deleted: the entry is kept all the same
            log.info("could not close check-in %s: %s", row.id, error)
    client.chat_postMessage(**where, text=text, blocks=[block.to_dict() for block in blocks])


def skip_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        row = checkins.skip(session, person=person, checkin_id=row_id(action.get("value")), now=services.clock())
    respond(text=closed_message(row), replace_original=True)


def remind_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        reminder = checkins.remind_tomorrow(
            work.session, person=person, checkin_id=row_id(action.get("value")), now=work.now
        )
        work.notify(reminder.notices)
    respond(text=reminder_set(reminder.at.astimezone(checkins.zone_of(person))), replace_original=True)


def make_win_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        made = checkins.make_win(
            work.session,
            person=person,
            checkin_id=row_id(action.get("value")),
            defaults=services.frameworks,
            now=work.now,
        )
        work.notify(made.notices)
        vocabulary = win_vocabulary(work.session, person=person, defaults=services.frameworks, now=work.now)
    with work.sending():
        text, blocks = win_answer(made.logged, vocabulary, note=made.note)
        respond(text=text, blocks=[block.to_dict() for block in blocks], replace_original=True)


def page_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    value = str(action.get("value") or "0")
    text, blocks = _history(services, person, page=number(value) or 0)
    respond(text=text, blocks=[block.to_dict() for block in blocks], replace_original=True)


def _history(services: Services, person: Person, *, page: int) -> tuple[str, list[Any]]:
    with services.db.session() as session:
        entries = checkins.thread(session, person=person, limit=HISTORY_PAGE + 1, offset=page * HISTORY_PAGE)
        streak = checkins.streak(session, person=person, now=services.clock())
    return history(entries[:HISTORY_PAGE], streak, page=page, more=len(entries) > HISTORY_PAGE)


def dm_message(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A plain reply in the thread of a check-in joins that week's entry (once, whatever Slack retries:
    the delivery's receipt is written in the same transaction)."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    if not thread_ts or thread_ts == ts:
        return
    services, person = services_of(context), context.get(PERSON_KEY)
    if person is None:
        return
    with services.work() as work:
        if not first_delivery(work.session, body, context):
            return  # another delivery of this event already added it
        written = checkins.add_reply(
            work.session,
            team_id=person.team_id,
            user_id=person.slack_user_id,
            channel=str(event.get("channel") or ""),
            thread_ts=str(thread_ts),
            text=from_slack_markup(str(event.get("text") or "")),
            now=work.now,
        )
        if written is not None:
            work.notify(written.notices)
    with work.sending():  # the answer first, then this change's own messages
        if written is None or not written.first:
            return
        client.chat_postMessage(
            channel=str(event["channel"]),
            thread_ts=str(thread_ts),
            text="✅ Added to this week's growth thread entry. Every reply here joins it.",
        )
