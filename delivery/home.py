"""Showing a person their App Home: from a request (`handlers.home`) and once a picture on it is uploaded
(`delivery.senders.pictures`)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.help import AVAILABLE
from blocks.home import home_view
from blocks.pictures import without_pictures
from growth.home import Home
from storage.models import Person

log = logging.getLogger(__name__)


def show_home(client: WebClient, person: Person, home: Home) -> None:
    """views.publish the App Home. Should Slack refuse a picture's file (not readable yet, or deleted),
    the home goes out without its pictures rather than not at all: the words beside them say the same."""
    view = home_view(person, AVAILABLE, home).to_dict()
    try:
        client.views_publish(user_id=person.slack_user_id, view=view)
    except SlackApiError as error:
        if error.response.get("error") != "invalid_blocks" or not home.summary.pictures.shown:
            raise
        log.warning("App Home pictures refused team=%s user=%s", person.team_id, person.slack_user_id)
        client.views_publish(user_id=person.slack_user_id, view={**view, "blocks": without_pictures(view["blocks"])})
