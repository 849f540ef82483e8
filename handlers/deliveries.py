"""Events API deliveries, acted on exactly once: answered only once their effect is committed, so a
delivery whose handling failed answers 500 and Slack's retry of it is acted on; one that succeeded is
never acted on again.

Slack retries a delivery that was not answered 2xx within three seconds (HTTP: with X-Slack-Retry-Num;
Socket Mode: the envelope again), so every retry carries the same `event_id`. A delivery's receipt is
written with its effect: in the same transaction where the effect is a write (`first_delivery`), else
just after it (`ActedOnce`). Repeats of a delivery already acted on are answered by
`handlers.middleware.SkipRepeatedEvents` before anything else runs.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
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
    """An event listener that does its work, then writes the delivery's receipt.

    Bolt runs with `process_before_response` (`handlers.answering`), so an event's listener runs in the
    request's thread and Bolt acknowledges the event only after it returns; one that raised is answered
    500 (through the app's error handler) and Slack retries it. Bolt injects arguments by the names in
    `__call__`'s signature; the listener gets the ones it names."""

    GIVEN = ("body", "event", "payload", "client", "context", "logger")

    def __init__(self, listener: Callable[..., None]) -> None:
        self.listener = listener
        self.wants = list(inspect.signature(listener).parameters)
        unknown = set(self.wants) - set(self.GIVEN)
        if unknown:
            raise TypeError(f"event listener {listener.__name__} wants {sorted(unknown)}; it may take {self.GIVEN}")
        self.__name__ = listener.__name__  # Bolt's logs name listeners

    def __call__(
        self, body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext, logger: Any
    ) -> None:
        given = {"body": body, "event": event, "payload": event, "client": client}
        given |= {"context": context, "logger": logger}
        self.listener(**{name: given[name] for name in self.wants})
        with services_of(context).db.session() as session:
            first_delivery(session, body, context)


def register_event(app: App, matches: str | re.Pattern[str], listener: Callable[..., None]) -> None:
    """Register an Events API listener, answered once its effect is committed."""
    app.event(matches)(ActedOnce(listener))
