"""The weekly growth thread: the check-in DM's buttons, the entry modal, thread replies, `/trellis checkin`."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from growth import checkins
from growth.checkins import Answers, Written
from growth.errors import GrowthError
from growth.mentors import Sees
from growth.roadmap import objectives
from handlers.blocks.checkins import HISTORY_PAGE, closed_message, entry_modal, entry_saved, history, shared_entry
from handlers.blocks.text import escape, from_slack_markup, one_line
from handlers.commands_list import parse
from handlers.ids import Action, Block, View
from handlers.mentors import post_to_rooms
from handlers.middleware import PERSON_KEY
from handlers.services import Services, services_of
from handlers.wins import logged_answer
from schedules.kinds import CHECKIN, SHARE
from storage import outbox
from storage.models import Checkin, Person

USAGE = "`/trellis checkin` writes this week's growth thread entry; `/trellis checkin history` shows your thread."


def register(app: App) -> None:
    app.action(Action.CHECKIN_WRITE)(write_clicked)
    app.action(Action.CHECKIN_SKIP)(skip_clicked)
    app.action(Action.CHECKIN_REMIND)(remind_clicked)
    app.action(Action.CHECKIN_WIN)(make_win_clicked)
    app.action(Action.CHECKIN_PAGE)(page_clicked)
    app.view(View.CHECKIN)(entry_submitted)
    app.event("message")(dm_message)


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
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    value = str(action.get("value") or "")
    checkin_id = int(value) if value.isdigit() else None
    try:
        _open_entry(client, services, person, trigger_id=body["trigger_id"], checkin_id=checkin_id)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)


def entry_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    answers = _answers(view["state"]["values"])
    checkin_id = int(view["private_metadata"]) if view.get("private_metadata") else None
    try:
        with services.db.session() as session:
            written = checkins.write_entry(
                session, person=person, answers=answers, now=services.clock(), checkin_id=checkin_id
            )
            _share(session, written, person)
    except GrowthError as error:
        ack(response_action="errors", errors={Block.CHECKIN_LEARNED: str(error)})
        return
    ack()
    _after_entry(client, services, person, written)


def _answers(values: dict[str, Any]) -> Answers:
    def field(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(Action.CHECKIN_FIELD) or {}

    objective = (field(Block.CHECKIN_OBJECTIVE).get("selected_option") or {}).get("value")
    return Answers(
        learned=field(Block.CHECKIN_LEARNED).get("value") or "",
        operated=field(Block.CHECKIN_OPERATED).get("value") or "",
        blockers=field(Block.CHECKIN_BLOCKERS).get("value") or "",
        objective_id=int(objective) if objective else None,
        private=bool(field(Block.CHECKIN_PRIVATE).get("selected_options")),
    )


def _share(session: Any, written: Written, person: Person) -> None:
    """Learning in public: the week's first entry goes under the person's thread in the growth channel;
    and to each mentorship room whose mentor sees the growth thread (never a private entry)."""
    row = written.checkin
    if written.share and written.first:
        outbox.enqueue(
            session, team_id=row.team_id, key=f"share:{row.id}", method=SHARE, payload={"checkin_id": row.id}
        )
    if written.first and not row.private:
        text = f"📓 {escape(one_line(person.display_name, 60))}'s growth thread\n{shared_entry(row)}"
        post_to_rooms(session, person=person, showing=Sees.THREAD, key=f"room-entry:{row.id}", text=text)


def _after_entry(client: WebClient, services: Services, person: Person, written: Written) -> None:
    """Close the week's check-in message, and answer in its thread (or the DM) with "Make it a win"."""
    row = written.checkin
    services.dispatcher.drain(team_id=person.team_id)
    text, blocks = entry_saved(row, first=written.first, shared=written.share)
    where: dict[str, Any] = {"channel": row.channel_id or person.slack_user_id}
    if row.channel_id and row.message_ts:
        where["thread_ts"] = row.message_ts
        try:
            client.chat_update(channel=row.channel_id, ts=row.message_ts, text=closed_message(row), blocks=[])
        except SlackApiError as error:  # the message was deleted: the entry is kept all the same
            logging.getLogger(__name__).info("could not close check-in %s: %s", row.id, error)
    client.chat_postMessage(**where, text=text, blocks=[block.to_dict() for block in blocks])


def skip_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            row = checkins.skip(session, person=person, checkin_id=int(action["value"]), now=services.clock())
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    respond(text=closed_message(row), replace_original=True)


def remind_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    checkin_id = int(action["value"])
    try:
        with services.db.session() as session:
            at = checkins.remind_at(session, person=person, checkin_id=checkin_id, now=services.clock())
            outbox.enqueue(
                session,
                team_id=person.team_id,
                key=f"checkin-remind:{checkin_id}:{at:%Y-%m-%d}",
                method=CHECKIN,
                payload={"checkin_id": checkin_id, "reminder": True},
                due_at=at,
            )
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    local = at.astimezone(checkins.zone_of(person))
    respond(text=f"⏰ I'll bring this check-in back tomorrow, {local:%A} at {local:%H:%M}.", replace_original=True)


def make_win_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            logged = checkins.make_win(
                session,
                person=person,
                checkin_id=int(action["value"]),
                defaults=services.frameworks,
                now=services.clock(),
            )
            text, blocks = logged_answer(services, session, person, logged)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    respond(text=text, blocks=[block.to_dict() for block in blocks], replace_original=True)


def page_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    text, blocks = _history(services, person, page=max(0, int(action["value"])))
    respond(text=text, blocks=[block.to_dict() for block in blocks], replace_original=True)


def _history(services: Services, person: Person, *, page: int) -> tuple[str, list[Any]]:
    with services.db.session() as session:
        entries = checkins.thread(session, person=person, limit=HISTORY_PAGE + 1, offset=page * HISTORY_PAGE)
        streak = checkins.streak(session, person=person, now=services.clock())
    return history(entries[:HISTORY_PAGE], streak, page=page, more=len(entries) > HISTORY_PAGE)


def dm_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A plain reply in the thread of a check-in joins that week's entry."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    if not thread_ts or thread_ts == ts:
        return
    services, person = services_of(context), context.get(PERSON_KEY)
    if person is None:
        return
    with services.db.session() as session:
        written = checkins.add_reply(
            session,
            team_id=person.team_id,
            user_id=person.slack_user_id,
            channel=str(event.get("channel") or ""),
            thread_ts=str(thread_ts),
            text=from_slack_markup(str(event.get("text") or "")),
            now=services.clock(),
        )
        if written is not None:
            _share(session, written, person)
    if written is None or not written.first:
        return
    services.dispatcher.drain(team_id=person.team_id)
    client.chat_postMessage(
        channel=str(event["channel"]),
        thread_ts=str(thread_ts),
        text="✅ Added to this week's growth thread entry. Every reply here joins it.",
    )
