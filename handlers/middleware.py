"""Cross-cutting steps every request passes through, in order, after Bolt's own verification.

`handlers.shapes.Screen` runs earlier than the rest, as the app's `before_authorize` (see bot.app).

Each step is a `slack_bolt.middleware.Middleware`, Bolt's class-based middleware: Bolt calls its
`process(req=, resp=, next=)` as it is, where a plain function is first wrapped and handed its
arguments by name, worked out again on every request (under load, argument building in all was 6% of
a click's server time: these steps, the listener, and every route's matcher tried).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from growth.arrivals import arrive
from growth.frameworks.versions import note_newest_seen
from growth.people import known_person
from handlers.deliveries import delivery_of
from handlers.parsing import Unreadable
from handlers.people import profile_first
from handlers.services import SERVICES_KEY, Services, services_of
from storage.events import delivered
from storage.models import Person

PERSON_KEY = "trellis_person"
Next = Callable[[], BoltResponse]


class ProvideServices(Middleware):
    """Puts the process's services on every request's context, and its `respond`: Bolt's, posting over
    the process's kept-alive connections (`delivery.responding`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        context = req.context
        context[SERVICES_KEY] = self.services
        if context.response_url:
            context["respond"] = self.services.responder.for_url(context.response_url)
        return next()


class SkipRepeatedEvents(Middleware):
    """A delivery already acted on is answered at once; the receipt is written with the effect
    (`handlers.deliveries`), so a delivery whose handling failed is acted on when Slack retries it."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        body, context = req.body, req.context
        if body.get("type") != "event_callback":
            return next()
        team_id, event_id = delivery_of(body, context)
        with services_of(context).db.session() as session:
            repeat = delivered(session, team_id=team_id, event_id=event_id)
        if not repeat:
            return next()
        context.logger.info("skipped a repeated delivery team=%s event_id=%s", team_id, event_id)
        # Slack retries nothing answered 200; the header says the delivery was recognised as a repeat
        # (logs, proxies and tests can see it).
        return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})


class AttachPerson(Middleware):
    """Create or refresh the person behind this request (users.info: name, time zone) before listeners run."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        body, context = req.body, req.context
        user_id, team_id = context.user_id, context.team_id
        note_newest_seen(None, None)  # what an earlier request on this thread read is not this one's
        if not user_id or not team_id or (body.get("event") or {}).get("bot_id"):
            return next()  # no one, or a bot's message (our own included): not a person to know
        context[PERSON_KEY] = self._person(body, context, team_id=team_id, user_id=user_id)
        return next()

    def _person(self, body: dict[str, Any], context: BoltContext, *, team_id: str, user_id: str) -> Person:
        services = services_of(context)
        now, enterprise_id = services.clock(), context.enterprise_id
        known = services.db.read(
            lambda session: known_person(
                session, team_id=team_id, user_id=user_id, enterprise_id=enterprise_id, now=now
            )
        )
        if known is not None:
            note_newest_seen(team_id, known.newest_framework)  # the catalogue is read again only if it changed
            return known.person
        # Someone new, or a profile to refresh: users.info first, then a transaction.
        assert context.client is not None
        load = profile_first(context.client, services, team_id=team_id, user_id=user_id, logger=context.logger)
        with services.db.session() as session:
            return arrive(
                session,
                team_id=team_id,
                user_id=user_id,
                enterprise_id=enterprise_id,
                load_profile=load,
                now=now,
                fallback_name=str(body.get("user_name") or (body.get("user") or {}).get("name") or ""),
            )


class InAMessage(Middleware):
    """Before a button that answers by redrawing the message it is in: clicked anywhere without one (no
    response_url: the App Home, a modal), it is stale or forged, and nothing is changed."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        if not req.body.get("response_url"):
            raise Unreadable("a message's button clicked outside a message")
        return next()
