"""Events API listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.home import publish_home
from handlers.middleware import PERSON_KEY
from handlers.services import services_of


def home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, services_of(context), context[PERSON_KEY])
