"""Settings: one frozen object built once at start-up from the environment and `.env`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from pathlib import Path

from dotenv import dotenv_values

from storage.db import DEFAULT_DATABASE_URL, normalise_database_url

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_FRAMEWORK = "software-engineering"
DEFAULT_PORT = 3000

APP_SETTINGS = "your Slack app's settings at https://api.slack.com/apps"
WHERE = {
    "SLACK_BOT_TOKEN": f"OAuth & Permissions > Bot User OAuth Token (starts with xoxb-) in {APP_SETTINGS}",
    "SLACK_SIGNING_SECRET": f"Basic Information > App Credentials > Signing Secret in {APP_SETTINGS}",
    "SLACK_APP_TOKEN": (
        "Basic Information > App-Level Tokens (create one with the connections:write scope, "
        f"it starts with xapp-) in {APP_SETTINGS}"
    ),
    "SLACK_CLIENT_ID": f"Basic Information > App Credentials > Client ID in {APP_SETTINGS}",
    "SLACK_CLIENT_SECRET": f"Basic Information > App Credentials > Client Secret in {APP_SETTINGS}",
}
SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


class Mode(Enum):
    """What the process is about to do; each mode needs different settings."""

    SOCKET = "socket"
    HTTP = "http"
    WORKER = "worker"
    OFFLINE = "offline"  # db upgrade, jobs list, demo: no Slack credentials needed


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line a person can act on."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable} {message}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_client_id: str | None
    slack_client_secret: str | None
    slack_api_url: str
    database_url: str
    framework: str
    port: int
    ask_follow_up_days: int = 7
    anonymity_min: int = 3
    retention_days: int = 30

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @classmethod
    def load(cls, mode: Mode, values: Mapping[str, str] | None = None) -> Settings:
        """Validate for `mode` the given values, or the environment over `.env` (the environment wins)."""
        return cls.from_values(environment() if values is None else values, mode)

    @classmethod
    def from_values(cls, values: Mapping[str, str], mode: Mode) -> Settings:
        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        settings = cls(
            slack_bot_token=_token(get("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN", "xoxb-"),
            slack_signing_secret=_secret(get("SLACK_SIGNING_SECRET")),
            slack_app_token=_token(get("SLACK_APP_TOKEN"), "SLACK_APP_TOKEN", "xapp-"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            slack_api_url=_api_url(get("SLACK_API_URL") or DEFAULT_API_URL),
            database_url=_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            framework=get("TRELLIS_FRAMEWORK") or DEFAULT_FRAMEWORK,
            port=_port(get("PORT")),
            ask_follow_up_days=_days(get("TRELLIS_ASK_FOLLOW_UP_DAYS")),
            anonymity_min=_anonymity_min(get("TRELLIS_ANONYMITY_MIN")),
            retention_days=_retention_days(get("TRELLIS_RETENTION_DAYS")),
        )
        settings._require(mode)
        return settings

    def _require(self, mode: Mode) -> None:
        if mode is Mode.OFFLINE:
            return
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID"
            raise _missing(missing, "(OAuth needs both the client id and the client secret)")
        if self.oauth_enabled and mode is Mode.SOCKET:
            raise SettingsError(
                "SLACK_CLIENT_ID",
                "is set, but multi-workspace OAuth needs HTTP mode: run `trellis serve --http`, "
                "or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for Socket Mode",
            )
        if not self.oauth_enabled and not self.slack_bot_token:
            raise _missing("SLACK_BOT_TOKEN")
        if mode is Mode.HTTP and not self.slack_signing_secret:
            raise _missing("SLACK_SIGNING_SECRET")
        if mode is Mode.SOCKET and not self.slack_app_token:
            raise _missing("SLACK_APP_TOKEN", "(Socket Mode needs an app-level token)")


def no_slack_credentials(values: Mapping[str, str]) -> bool:
    """True when none of the Slack variables is set: the cue to run the demo instead."""
    return not any(values.get(name, "").strip() for name in SLACK_VARIABLES)


def environment(dotenv_path: str | Path = ".env") -> dict[str, str]:
    """The process environment over `.env`: what `Settings.load` reads by default."""
    values: dict[str, str] = {}
    if Path(dotenv_path).is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ)
    return values


def _database_url(raw: str) -> str:
    try:
        return normalise_database_url(raw)
    except ValueError as error:
        raise SettingsError("DATABASE_URL", str(error)) from None


def _missing(variable: str, extra: str = "") -> SettingsError:
    hint = f" Find it under {WHERE[variable]}."
    return SettingsError(variable, f"is not set{' ' + extra if extra else ''}.{hint}")


def _token(value: str | None, variable: str, prefix: str) -> str | None:
    if value is not None and not value.startswith(prefix):
        raise SettingsError(variable, f"should start with {prefix!r}. Find the right one under {WHERE[variable]}.")
    return value


def _secret(value: str | None) -> str | None:
    if value is not None and any(ch.isspace() for ch in value):
        raise SettingsError(
            "SLACK_SIGNING_SECRET",
            f"contains white space. Copy it again from {WHERE['SLACK_SIGNING_SECRET']}.",
        )
    return value


def _api_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise SettingsError("SLACK_API_URL", f"must be an http(s) URL such as {DEFAULT_API_URL}")
    return value if value.endswith("/") else value + "/"


def _days(value: str | None) -> int:
    if value is None:
        return 7
    if not value.isdigit() or not 1 <= int(value) <= 90:
        raise SettingsError("TRELLIS_ASK_FOLLOW_UP_DAYS", f"must be a number of days from 1 to 90, not {value!r}")
    return int(value)


def _anonymity_min(value: str | None) -> int:
    """At least 3: with fewer anonymous answers, people can tell who said what."""
    if value is None:
        return 3
    if not value.isdigit() or not 3 <= int(value) <= 20:
        raise SettingsError(
            "TRELLIS_ANONYMITY_MIN",
            f"must be a whole number from 3 to 20, not {value!r}: with fewer than 3 anonymous answers, "
            "people can tell who said what",
        )
    return int(value)


def _retention_days(value: str | None) -> int:
    """How long an uninstalled workspace's data is kept: at least a day, so an uninstall by mistake is
    undone by reinstalling."""
    if value is None:
        return 30
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise SettingsError("TRELLIS_RETENTION_DAYS", f"must be a number of days from 1 to 3650, not {value!r}")
    return int(value)


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError("PORT", f"must be a TCP port number between 1 and 65535, not {value!r}")
    return int(value)
