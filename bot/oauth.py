"""Multi-workspace install through Bolt's OAuth flow, with slack_sdk's SQLAlchemy stores on our engine.

The stores' tables are created by migration 0002, never by the stores themselves. An app with token
rotation turned on gets a refresh token with each install: Bolt's authorize refreshes the token a
request uses, and `outbox_token` the one the outbox uses, both through slack_sdk's `TokenRotator`
against SLACK_API_URL, saving the new token in the installation store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.settings import Settings
from growth import workspaces
from storage.db import Database

log = logging.getLogger("trellis.oauth")

BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "groups:write",
    "channels:read",
    "groups:read",
    "files:write",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_SECONDS = 600
ROTATE_BEFORE_MINUTES = 120  # a rotating token is refreshed this long before it expires (Bolt's default)


def installation_store(settings: Settings, db: Database) -> SQLAlchemyInstallationStore:
    assert settings.slack_client_id is not None
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=db.engine)


def oauth_settings(
    settings: Settings,
    db: Database,
    installations: SQLAlchemyInstallationStore,
    *,
    clock: Callable[[], datetime],
) -> OAuthSettings:
    def installed(args: SuccessArgs) -> BoltResponse:
        """A workspace installed the app (perhaps again, within the retention period: nothing is deleted)."""
        found = args.installation
        with db.session() as session:
            again = workspaces.installed(
                session, team_id=found.team_id or "", enterprise_id=found.enterprise_id, now=clock()
            )
        log.info("installed team=%s%s", found.team_id, " (again, within the retention period)" if again else "")
        return args.default.success(args)

    def failed(args: FailureArgs) -> BoltResponse:
        return args.default.failure(args)

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=db.engine),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(success=installed, failure=failed),
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
    )


def authorize(
    settings: Settings, installations: SQLAlchemyInstallationStore, client: WebClient
) -> InstallationStoreAuthorize:
    """Bolt's authorize for installed workspaces, whose token rotation calls SLACK_API_URL (`client`)."""
    return InstallationStoreAuthorize(
        logger=logging.getLogger("trellis.bolt"),
        installation_store=installations,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        client=client,
    )


def outbox_token(
    settings: Settings, installations: SQLAlchemyInstallationStore, client: WebClient
) -> Callable[[str, str | None], str | None]:
    """The bot token of an installed workspace for the outbox (None: not installed there). A rotating
    token close to expiring is refreshed first and saved as Bolt's authorize saves it (a refresh token
    works once, so the next request finds the new pair)."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    rotator = TokenRotator(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret, client=client
    )

    def token_for_team(team_id: str, enterprise_id: str | None) -> str | None:
        installation = installations.find_installation(enterprise_id=enterprise_id, team_id=team_id)
        if installation is None:
            bot = installations.find_bot(enterprise_id=enterprise_id, team_id=team_id)
            return bot.bot_token if bot is not None else None
        if installation.bot_refresh_token is None:
            return installation.bot_token
        try:
            refreshed = rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=ROTATE_BEFORE_MINUTES
            )
        except SlackTokenRotationError:
            # Another process used the refresh token a moment ago: its new pair is in the store.
            again = installations.find_installation(enterprise_id=enterprise_id, team_id=team_id)
            if again is None or again.bot_token == installation.bot_token:
                raise
            return again.bot_token
        if refreshed is None:
            return installation.bot_token
        installations.save(refreshed)
        log.info("refreshed the rotating bot token of team=%s", team_id)
        return refreshed.bot_token

    return token_for_team
