"""`/trellis settings`: the weekly check-in for everyone, the growth channel for workspace admins."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from growth import checkins
from growth.errors import GrowthError
from growth.workspaces import growth_channel, set_growth_channel
from handlers.blocks.settings import OFF, SHARE, SKIP, settings_modal, settings_saved
from handlers.ids import Action, Block, View
from handlers.middleware import PERSON_KEY
from handlers.services import Services, services_of
from storage.models import Person


def register(app: App) -> None:
    app.view(View.SETTINGS)(settings_submitted)
    app.action(Action.OPEN_SETTINGS)(open_settings_clicked)


def settings_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open(client, services_of(context), context[PERSON_KEY], command["trigger_id"])


def open_settings_clicked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    _open(client, services_of(context), context[PERSON_KEY], body["trigger_id"])


def _open(client: WebClient, services: Services, person: Person, trigger_id: str) -> None:
    now = services.clock()
    with services.db.session() as session:
        channel = growth_channel(session, team_id=person.team_id)
        plan = checkins.enrol(session, person=person, now=now)
        current = checkins.current_settings(plan, person, now)
        line = checkins.describe_plan(plan, person, now)
    view = settings_modal(
        is_admin=person.is_admin, growth_channel=channel, settings=current, plan_line=line, time_zone=person.tz
    )
    client.views_open(trigger_id=trigger_id, view=view.to_dict())


def settings_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    values = view["state"]["values"]
    now = services.clock()
    try:
        with services.db.session() as session:
            plan = checkins.change_settings(session, person=person, settings=_checkin_settings(values), now=now)
            line = checkins.describe_plan(plan, person, now)
            if Block.GROWTH_CHANNEL in values:
                chosen = (values[Block.GROWTH_CHANNEL] or {}).get(Action.GROWTH_CHANNEL, {})
                set_growth_channel(session, person=person, channel_id=chosen.get("selected_channel"), now=now)
            channel = growth_channel(session, team_id=person.team_id)
    except GrowthError as error:
        block = Block.GROWTH_CHANNEL if Block.GROWTH_CHANNEL in values else Block.CHECKIN_DAY
        ack(response_action="errors", errors={block: str(error)})
        return
    ack(response_action="update", view=settings_saved(line, channel).to_dict())


def _checkin_settings(values: dict[str, Any]) -> checkins.Settings:
    def field(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(Action.CHECKIN_FIELD) or {}

    def chosen(block: str, default: int) -> int:
        value = (field(block).get("selected_option") or {}).get("value")
        return int(value) if value is not None else default

    options = {option["value"] for option in field(Block.CHECKIN_OPTIONS).get("selected_options") or []}
    return checkins.Settings(
        weekday=chosen(Block.CHECKIN_DAY, checkins.DEFAULT_WEEKDAY),
        hour=chosen(Block.CHECKIN_HOUR, checkins.DEFAULT_HOUR),
        pause_weeks=chosen(Block.CHECKIN_PAUSE, 0),
        skip_this_week=SKIP in options,
        opted_out=OFF in options,
        share=SHARE in options,
    )
