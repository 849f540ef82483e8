"""Publishing the App Home tab, from wherever something on it changed."""

from __future__ import annotations

from slack_sdk import WebClient

from growth import checkins
from growth.career import home_summary
from growth.people import local_today
from growth.team import team_of
from handlers.blocks.home import home_view
from handlers.commands_list import AVAILABLE
from handlers.services import Services
from storage.models import Person


def publish_home(client: WebClient, services: Services, person: Person) -> None:
    with services.db.session() as session:
        now = services.clock()
        summary = home_summary(
            session, person=person, defaults=services.frameworks, now=now, today=local_today(person, now)
        )
        thread = checkins.home_thread(session, person=person, now=now)
        team = team_of(session, manager=person, now=now)
    view = home_view(person, AVAILABLE, summary, thread, team)
    client.views_publish(user_id=person.slack_user_id, view=view)
