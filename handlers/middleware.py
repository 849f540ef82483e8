"""Cross-cutting steps every request passes through, in order, after Bolt's own verification.

`reject_unknown_shapes` runs earlier than the rest, as the app's `before_authorize` (see bot.app).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from growth.checkins import enrol
from growth.people import Profile, ensure_person
from handlers.services import SERVICES_KEY, Services, services_of
from storage.events import record_delivery

PERSON_KEY = "trellis_person"
Next = Callable[[], BoltResponse]


def register(app: App, services: Services) -> None:
    def provide_services(context: BoltContext, next: Next) -> BoltResponse:
        context[SERVICES_KEY] = services
        return next()

    app.use(provide_services)
    app.use(skip_repeated_events)
    app.use(attach_person)


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
    return BoltResponse(status=200, body="")


def attach_person(
    body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger, next: Next
) -> BoltResponse:
    """Create or refresh the person behind this request (users.info: name, time zone) before listeners run."""
    user_id, team_id = context.user_id, context.team_id
    if not user_id or not team_id or (body.get("event") or {}).get("bot_id"):
        return next()  # no one, or a bot's message (our own included): not a person to know
    services = services_of(context)
    now = services.clock()
    with services.db.session() as session:
        person = ensure_person(
            session,
            team_id=team_id,
            user_id=user_id,
            enterprise_id=context.enterprise_id,
            load_profile=lambda: slack_profile(client, team_id=team_id, user_id=user_id, logger=logger),
            now=now,
            fallback_name=str(body.get("user_name") or (body.get("user") or {}).get("name") or ""),
        )
        if person.profile_refreshed_at == now and not person.deleted:
            enrol(session, person=person, now=now)  # weekly check-ins, in the time zone Slack just told us
        context[PERSON_KEY] = person
    return next()


def slack_profile(client: WebClient, *, team_id: str, user_id: str, logger: logging.Logger) -> Profile | None:
    """users.info in our terms, or None when Slack cannot tell us now (the caller uses what it has)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, SlackClientError, URLError, OSError) as error:
        logger.warning("users.info failed for team=%s user=%s (%s)", team_id, user_id, error)
        return None
    return profile_from_user(user)


def profile_from_user(user: dict[str, Any]) -> Profile:
    """Slack's users.info `user` object, in our terms."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    return Profile(
        display_name=str(name or ""),
        tz=user.get("tz"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        deleted=bool(user.get("deleted")),
        status_text=str(profile.get("status_text") or ""),
        status_emoji=str(profile.get("status_emoji") or ""),
        status_expiration=_whole(profile.get("status_expiration")),
    )


def _whole(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0
