"""`/trellis settings`: the weekly check-in for everyone, the growth channel for workspace admins."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.ids import ActionId, BlockId
from blocks.settings import OFF, SHARE, SKIP, settings_modal, settings_saved
from growth import checkins
from growth.errors import GrowthError
from growth.settings import UNCHANGED, current, save
from handlers.middleware import PERSON_KEY
from handlers.parsing import Unreadable, channel_id, number, selected, values_of
from handlers.services import Services, services_of
from storage.models import Person


def settings_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open(client, services_of(context), context[PERSON_KEY], command["trigger_id"])


def open_settings_clicked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open(client, services_of(context), context[PERSON_KEY], body["trigger_id"])


def _open(client: WebClient, services: Services, person: Person, trigger_id: str) -> None:
    with services.db.session() as session:
        shown = current(session, person=person, now=services.clock())
    view = settings_modal(
        is_admin=person.is_admin,
        growth_channel=shown.growth_channel,
        settings=shown.checkin,
        plan_line=shown.plan_line,
        time_zone=person.tz,
    )
    client.views_open(trigger_id=trigger_id, view=view.to_dict())


def settings_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    values = values_of(view)
    channel: object = UNCHANGED
    if BlockId.GROWTH_CHANNEL in values:
        chosen = selected(values, BlockId.GROWTH_CHANNEL, ActionId.GROWTH_CHANNEL, "selected_channel")
        channel = channel_id(chosen) if chosen else None
    try:
        with services.work() as work:
            saved = save(work.session, person=person, checkin=_checkin_settings(values), channel=channel, now=work.now)
            work.notify(saved.notices)
    except GrowthError as error:
        block = BlockId.GROWTH_CHANNEL if BlockId.GROWTH_CHANNEL in values else BlockId.CHECKIN_DAY
        ack(response_action="errors", errors={block: str(error)})
        return
    ack(response_action="update", view=settings_saved(saved.plan_line, saved.growth_channel).to_dict())


def _checkin_settings(values: dict[str, Any]) -> checkins.Settings:
    def field(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(ActionId.CHECKIN_FIELD) or {}

    def chosen(block: str, default: int) -> int:
        value = (field(block).get("selected_option") or {}).get("value")
        if value is None:
            return default
        found = number(value)
        if found is None:
            raise Unreadable("a choice no settings form offers")
        return found

    options = {option["value"] for option in field(BlockId.CHECKIN_OPTIONS).get("selected_options") or []}
    return checkins.Settings(
        weekday=chosen(BlockId.CHECKIN_DAY, checkins.DEFAULT_WEEKDAY),
        hour=chosen(BlockId.CHECKIN_HOUR, checkins.DEFAULT_HOUR),
        pause_weeks=chosen(BlockId.CHECKIN_PAUSE, 0),
        skip_this_week=SKIP in options,
        opted_out=OFF in options,
        share=SHARE in options,
    )
