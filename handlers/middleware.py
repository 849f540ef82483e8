"""Cross-cutting steps every request passes through, in order, after Bolt's own verification.

`reject_unknown_shapes` runs earlier than the rest, as the app's `before_authorize` (see bot.app).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient

from delivery.profiles import slack_profile
from growth.arrivals import arrive
from growth.people import known_person
from handlers.services import SERVICES_KEY, Services, services_of
from storage.events import record_delivery

PERSON_KEY = "trellis_person"
Next = Callable[[], BoltResponse]


class ProvideServices:
    """Puts the process's services on every request's context (a bound method: Bolt injects by name)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def __call__(self, context: BoltContext, next: Next) -> BoltResponse:
        context[SERVICES_KEY] = self.services
        return next()


def looks_like_slack(body: Any) -> bool:
    """The minimum every Slack request carries; anything else is not ours to act on."""
    if not isinstance(body, dict):
        return False
    if "command" in body:
        return bool(body.get("team_id")) and bool(body.get("user_id"))
    if body.get("type") == "event_callback":
        return isinstance(body.get("event"), dict) and bool(body.get("event_id"))
    return isinstance(body.get("type"), str)


def reject_unknown_shapes(body: Any, logger: logging.Logger, next: Next) -> BoltResponse:
    """Bolt's `before_authorize` step: right after the signature check, before anything reads the body."""
    if looks_like_slack(body):
        return next()
    keys = sorted(body)[:10] if isinstance(body, dict) else type(body).__name__
    logger.warning("rejected a signed request that is not shaped like Slack's (keys: %s)", keys)
    return BoltResponse(status=400, body="Bad Request: not a Slack request")


def skip_repeated_events(
    body: dict[str, Any], context: BoltContext, logger: logging.Logger, next: Next
) -> BoltResponse:
    if body.get("type") != "event_callback":
        return next()
    services = services_of(context)
    team_id = context.team_id or body.get("team_id") or ""
    with services.db.session() as session:
        first = record_delivery(session, team_id=team_id, event_id=body["event_id"], now=services.clock())
    if first:
        return next()
    logger.info("skipped a repeated delivery team=%s event_id=%s", team_id, body["event_id"])
    # Decided here, before any listener ran. Slack retries nothing answered 200; the header says the
    # delivery was recognised as a repeat (logs, proxies and tests can see it).
    return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})


def attach_person(
    body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger, next: Next
) -> BoltResponse:
    """Create or refresh the person behind this request (users.info: name, time zone) before listeners run."""
    user_id, team_id = context.user_id, context.team_id
    if not user_id or not team_id or (body.get("event") or {}).get("bot_id"):
        return next()  # no one, or a bot's message (our own included): not a person to know
    services = services_of(context)
    now, enterprise_id = services.clock(), context.enterprise_id
    person = services.db.read(
        lambda session: known_person(session, team_id=team_id, user_id=user_id, enterprise_id=enterprise_id, now=now)
    )
    if person is None:  # someone new, or a profile to refresh: a transaction, and users.info
        with services.db.session() as session:
            person = arrive(
                session,
                team_id=team_id,
                user_id=user_id,
                enterprise_id=enterprise_id,
                load_profile=lambda: slack_profile(client, team_id=team_id, user_id=user_id, logger=logger),
                now=now,
                fallback_name=str(body.get("user_name") or (body.get("user") or {}).get("name") or ""),
            )
    context[PERSON_KEY] = person
    return next()
