"""Events API deliveries, acted on exactly once: answered only once their effect is committed, so a
delivery whose handling failed answers 500 and Slack's retry of it is acted on; one that succeeded is
never acted on again.

Slack retries a delivery that was not answered 2xx within three seconds (HTTP: with X-Slack-Retry-Num;
Socket Mode: the envelope again), so every retry carries the same `event_id`. A delivery's receipt is
written with its effect: in the same transaction where the effect is a write (`first_delivery`), else
just after it (`ActedOnce`). Repeats of a delivery already acted on are answered by
`handlers.middleware.skip_repeated_events` before anything else runs.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlmodel import Session

from handlers.services import services_of
from storage.events import record_delivery


def delivery_of(body: dict[str, Any], context: BoltContext) -> tuple[str, str]:
    """(team, event_id): what identifies a delivery and its retries."""
    return str(context.team_id or body.get("team_id") or ""), str(body.get("event_id") or "")


def first_delivery(session: Session, body: dict[str, Any], context: BoltContext) -> bool:
    """Record the delivery in `session`'s transaction, before its effect: False when another delivery of
    the same event already committed its effect (on PostgreSQL a concurrent one waits for ours)."""
    team_id, event_id = delivery_of(body, context)
    return record_delivery(session, team_id=team_id, event_id=event_id, now=services_of(context).clock())


class ActedOnce:
    """An event listener run as its route's listener middleware, so that Slack is answered only once
    its work is done: the listener, then the receipt, then `next()`, after which Bolt's own listener
    (a no-op) acknowledges with 200.

    Bolt runs listener middleware in the request's thread before the listener, and answers 500 (through
    the app's error handler) when it raises; so a listener that failed is answered 500 and Slack retries
    it. Bolt injects arguments by the names in `__call__`'s signature; the listener gets the ones it
    names."""

    GIVEN = ("body", "event", "payload", "client", "context", "logger")

    def __init__(self, listener: Callable[..., None]) -> None:
        self.listener = listener
        self.wants = list(inspect.signature(listener).parameters)
        unknown = set(self.wants) - set(self.GIVEN)
        if unknown:
            raise TypeError(f"event listener {listener.__name__} wants {sorted(unknown)}; it may take {self.GIVEN}")

    def __call__(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        logger: Any,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse:
        given = {"body": body, "event": event, "payload": event, "client": client}
        given |= {"context": context, "logger": logger}
        self.listener(**{name: given[name] for name in self.wants})
        with services_of(context).db.session() as session:
            first_delivery(session, body, context)
        return next()


def register_event(app: App, matches: str | re.Pattern[str], listener: Callable[..., None]) -> None:
    """Register an Events API listener that is answered once its effect is committed.

    `App.event` acknowledges before its listener runs (and answers 200 whatever the listener then
    does); Bolt's other choice, `process_before_response`, would hold every command and click until its
    listener finished. Listener middleware is what Bolt runs before that acknowledgement, so the work is
    done there (`ActedOnce`) and the listener itself has nothing left to do."""
    app.event(matches, middleware=[ActedOnce(listener)])(_acknowledged)


def _acknowledged() -> None:
    """Bolt acknowledges the event; `ActedOnce` has done its work."""
