"""`/trellis settings`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from growth.errors import GrowthError
from growth.workspaces import growth_channel, set_growth_channel
from handlers.blocks.settings import settings_modal, settings_saved
from handlers.ids import Action, Block, View
from handlers.middleware import PERSON_KEY
from handlers.services import services_of


def register(app: App) -> None:
    app.view(View.SETTINGS)(settings_submitted)


def settings_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        channel = growth_channel(session, team_id=person.team_id)
    view = settings_modal(is_admin=person.is_admin, growth_channel=channel)
    client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())


def settings_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    chosen = (view["state"]["values"].get(Block.GROWTH_CHANNEL) or {}).get(Action.GROWTH_CHANNEL, {})
    channel = chosen.get("selected_channel")
    try:
        with services.db.session() as session:
            set_growth_channel(session, person=person, channel_id=channel, now=services.clock())
    except GrowthError as error:
        ack(response_action="errors", errors={Block.GROWTH_CHANNEL: str(error)})
        return
    ack(response_action="update", view=settings_saved(channel).to_dict())
