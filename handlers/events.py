"""Events API listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from handlers.blocks.home import home_view
from handlers.commands import AVAILABLE
from handlers.middleware import PERSON_KEY


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)


def publish_home(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab", "home") != "home":
        return
    client.views_publish(user_id=event["user"], view=home_view(context[PERSON_KEY], AVAILABLE))
