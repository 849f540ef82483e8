"""Publishing the App Home tab, from wherever something on it changed. A picture whose data changed is
queued to be drawn, and goes out right after the home is shown (`delivery.senders.pictures`)."""

from __future__ import annotations

from slack_sdk import WebClient

from delivery.home import show_home
from growth.home import home_of
from growth.pictures import due_notices
from handlers.services import Services
from storage.models import Person


def publish_home(client: WebClient, services: Services, person: Person) -> None:
    with services.work() as work:
        home = home_of(work.session, person=person, defaults=services.frameworks, now=work.now)
        work.notify(due_notices(person, home.summary.pictures))
    with work.sending():  # the home first, then the pictures drawn anew
        show_home(client, person, home)
