"""Publishing the App Home tab, from wherever something on it changed."""

from __future__ import annotations

from slack_sdk import WebClient

from blocks.help import AVAILABLE
from blocks.home import home_view
from growth.home import home_of
from handlers.services import Services
from storage.models import Person


def publish_home(client: WebClient, services: Services, person: Person) -> None:
    with services.db.session() as session:
        home = home_of(session, person=person, defaults=services.frameworks, now=services.clock())
    client.views_publish(user_id=person.slack_user_id, view=home_view(person, AVAILABLE, home))
