"""Builds the bot: database, Slack clients, dispatcher, and the Bolt app with every handler registered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.oauth import authorize, installation_store, oauth_settings, outbox_token
from bot.settings import WHERE, Settings, SettingsError
from bot.slack_client import SlackClients
from delivery.dispatcher import ClientForTeam, Dispatcher
from delivery.outbound import Outbound
from delivery.responding import Responder
from delivery.senders import asks, checkins, feedback, growth_channel, pictures, uploads
from growth.frameworks.loader import FrameworkInvalid
from growth.frameworks.model import Framework
from growth.frameworks.shipped import defaults
from handlers import routes
from handlers.services import Services
from handlers.shapes import Screen
from storage.db import Database
from storage.types import utcnow

# Threads that run listeners. Bolt's default is 5, fewer than gunicorn's 8 request threads a worker:
# under load the requests queued for a listener thread while others finished sending after their ack.
LISTENER_THREADS = 16
OUTBOX_LANES = 2  # batches the worker's dispatcher sends at once on PostgreSQL (Dispatcher.lanes)


def outbox_lanes(db: Database) -> int:
    """PostgreSQL takes several writers at once; SQLite has one writer, and lanes only queue for it."""
    return OUTBOX_LANES if db.is_postgres else 1


class SlackUnavailable(Exception):
    """Slack (or SLACK_API_URL) cannot be reached at start-up."""


@dataclass
class Bot:
    settings: Settings
    db: Database
    clients: SlackClients
    dispatcher: Dispatcher
    outbound: Outbound
    app: App

    def close(self) -> None:
        self.db.dispose()


def build_bot(settings: Settings, *, clock: Callable[[], datetime] = utcnow, db: Database | None = None) -> Bot:
    db = db or Database.from_url(settings.database_url)
    clients = SlackClients(settings.slack_api_url)
    revocations: TokenRevocationListeners | None = None
    if settings.oauth_enabled:
        installations = installation_store(settings, db)
        token_for_team = outbox_token(settings, installations, clients.for_requests(None))
        auth: dict[str, Any] = {
            "oauth_settings": oauth_settings(settings, db, installations, clock=clock),
            "authorize": authorize(settings, installations, clients.for_requests(None)),
        }
        revocations = TokenRevocationListeners(installations)
    else:
        token_for_team = _single_token(settings.slack_bot_token)
        auth = {}
    frameworks = starting_frameworks(settings)
    outbound = Outbound(frameworks)
    dispatcher = Dispatcher(
        db,
        _outbox_clients(clients, token_for_team),
        clock=clock,
        uploads={**uploads.makers(db, frameworks, clock), **feedback.makers(db)},
        senders={
            **checkins.senders(db, clock),
            **growth_channel.senders(db, outbound, clock),
            **asks.senders(db, frameworks, clock),
            **feedback.senders(db),
            **pictures.senders(db, frameworks, clock),
        },
        lanes=outbox_lanes(db),
    )
    listeners = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener")
    app = App(
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=bool(settings.slack_signing_secret),
        token_verification_enabled=False,
        before_authorize=Screen(),
        process_before_response=True,  # listeners answer at their ack() all the same: handlers.answering
        listener_executor=listeners,
        client=clients.for_requests(None if settings.oauth_enabled else settings.slack_bot_token),
        logger=logging.getLogger("trellis.bolt"),
        **auth,
    )
    services = Services(
        db=db,
        dispatcher=dispatcher,
        outbound=outbound,
        clock=clock,
        frameworks=frameworks,
        ask_follow_up=timedelta(days=settings.ask_follow_up_days),
        anonymity_min=settings.anonymity_min,
        revocations=revocations,
        responder=Responder(connections=LISTENER_THREADS),
    )
    routes.register(app, services, listeners)
    return Bot(settings=settings, db=db, clients=clients, dispatcher=dispatcher, outbound=outbound, app=app)


def starting_frameworks(settings: Settings) -> tuple[Framework, ...]:
    """The frameworks a workspace starts on; a broken TRELLIS_FRAMEWORK file stops start-up."""
    try:
        frameworks, _ = defaults(settings.framework)
    except FrameworkInvalid as invalid:
        more = len(invalid.problems) - 1
        extra = f" (and {more} more: run `trellis framework validate`)" if more else ""
        message = f"is neither a shipped framework nor a valid file: {invalid.problems[0]}{extra}"
        raise SettingsError("TRELLIS_FRAMEWORK", message) from None
    return frameworks


TokenForTeam = Callable[[str, str | None], str | None]


def _single_token(token: str | None) -> TokenForTeam:
    return lambda team_id, enterprise_id: token


def _outbox_clients(clients: SlackClients, token_for_team: TokenForTeam) -> ClientForTeam:
    """How the dispatcher finds the client for a workspace's outbox rows (None: not installed there)."""

    def client_for_team(team_id: str, enterprise_id: str | None) -> WebClient | None:
        token = token_for_team(team_id, enterprise_id)
        return clients.for_outbox(token) if token else None

    return client_for_team


def check_slack(settings: Settings) -> dict[str, object]:
    """auth.test with the bot token: a wrong token or an unreachable Slack stops start-up with one line."""
    return auth_test(settings.slack_api_url, settings.slack_bot_token).data  # type: ignore[return-value]


def auth_test(api_url: str, token: str | None) -> SlackResponse:
    """Slack's auth.test for `token` (its answer's headers list the granted scopes). Raises SettingsError
    for a token Slack refuses, SlackUnavailable when Slack cannot be asked; each one line."""
    client = SlackClients(api_url).for_requests(token)
    try:
        return client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", f"HTTP {error.response.status_code}")
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
            raise SettingsError(
                "SLACK_BOT_TOKEN", f"was refused by Slack ({code}). Find it under {WHERE['SLACK_BOT_TOKEN']}."
            ) from None
        raise SlackUnavailable(f"Slack answered auth.test with {code} at {api_url}") from None
    except (URLError, SlackClientError, OSError) as error:
        raise SlackUnavailable(
            f"cannot reach the Slack API at {api_url} ({error}); check SLACK_API_URL and the network"
        ) from None
