"""`trellis doctor`: what a real install gets wrong, checked one line at a time, each saying how to fix it.

A line is `ok`, `warn` (not done yet, and nothing is broken by it: no scheduler has started yet, no
growth channel chosen yet) or `FAIL`; any FAIL makes the exit status 1. Each check asks only what
the one before it made possible: with no database there is no scheduler to look at, and with Slack
out of reach no channel to ask about.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.app import SlackUnavailable, auth_test
from bot.oauth import BOT_SCOPES, installation_store
from bot.settings import WHERE, Mode, Settings, SettingsError, environment
from bot.slack_client import SlackClients
from growth.workspaces import growth_channel, overview
from schedules.jobs import JOBS
from storage import migrate
from storage.db import Database, DatabaseUnavailable, describe
from storage.job_runs import seen
from storage.migrate import SchemaOutOfDate
from storage.types import utcnow

OK, WARN, FAIL = "ok", "warn", "FAIL"
SCOPES_WHERE = "OAuth & Permissions > Scopes (manifest.yml lists them all), then reinstall the app"
LATE = timedelta(minutes=1)  # beyond twice a job's interval: it is not running


@dataclass(frozen=True)
class Check:
    status: str
    name: str
    line: str

    def __str__(self) -> str:
        return f"{self.status:<4}  {self.name}: {self.line}"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    doctor = commands.add_parser(
        "doctor", help="check the install: tokens, scopes, signing secret, database, scheduler, growth channel"
    )
    doctor.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)  # each failure is said once, in its line
    checks = []
    for check in diagnose(environment(), now=utcnow()):
        print(check, flush=True)
        checks.append(check)
    failed = sum(check.status == FAIL for check in checks)
    print(f"{failed} problem{'s' if failed != 1 else ''} to fix" if failed else "all good")
    return 1 if failed else 0


def diagnose(values: Mapping[str, str], *, now: datetime) -> Iterator[Check]:
    try:
        settings = Settings.load(Mode.OFFLINE, values)
    except SettingsError as error:
        yield Check(FAIL, "settings", str(error))
        return
    yield from _credentials(settings)
    db = Database.from_url(settings.database_url)
    try:
        database = _database(db)
        yield database
        teams = yield from _slack(settings, db if database.status == OK else None)
        if database.status != OK:
            return
        yield _scheduler(db, now)
        for team_id, token in teams:
            yield _growth_channel(settings, db, team_id, token)
    finally:
        db.dispose()


def _credentials(settings: Settings) -> Iterator[Check]:
    """What the mode needs: OAuth and HTTP need the signing secret, Socket Mode the app token."""
    if settings.slack_client_id or settings.slack_client_secret:
        if not settings.oauth_enabled:
            missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
            yield Check(FAIL, "oauth", f"{missing} is not set (OAuth needs both). Find it under {WHERE[missing]}.")
        else:
            yield Check(OK, "oauth", "several workspaces, installed from /slack/install (HTTP mode)")
    elif not settings.slack_bot_token:
        yield Check(FAIL, "bot token", f"SLACK_BOT_TOKEN is not set. Find it under {WHERE['SLACK_BOT_TOKEN']}.")
    socket = bool(settings.slack_app_token) and not settings.oauth_enabled
    if settings.slack_signing_secret:
        yield Check(OK, "signing secret", "set: HTTP requests are verified")
    elif socket:
        yield Check(OK, "signing secret", "not set, not needed in Socket Mode (`trellis serve --http` needs it)")
    else:
        yield Check(
            FAIL,
            "signing secret",
            "SLACK_SIGNING_SECRET is not set, and HTTP mode (OAuth, or no SLACK_APP_TOKEN) needs it to verify "
            f"Slack's requests. Find it under {WHERE['SLACK_SIGNING_SECRET']}.",
        )


def _database(db: Database) -> Check:
    try:
        migrate.ensure_current(db)
    except (DatabaseUnavailable, SchemaOutOfDate) as error:
        return Check(FAIL, "database", str(error))
    return Check(OK, "database", f"{describe(db.engine)} reachable, schema at revision {migrate.head_revision()}")


def _slack(settings: Settings, db: Database | None) -> Iterator[Check]:
    """The tokens Slack accepts and the scopes it granted; returns the (workspace, token) pairs that work."""
    working: list[tuple[str, str]] = []
    tokens = list(_tokens(settings, db))
    if settings.oauth_enabled and db is not None and not tokens:
        yield Check(
            WARN, "installs", "no workspace has installed Trellis yet: install it from https://YOUR-HOST/slack/install"
        )
    for label, token in tokens:
        try:
            answer = auth_test(settings.slack_api_url, token)
        except SettingsError as error:
            refused = (
                "Slack refuses it: reinstall the app there from /slack/install"
                if settings.oauth_enabled
                else str(error)
            )
            yield Check(FAIL, label, refused)
            continue
        except SlackUnavailable as error:
            yield Check(FAIL, "slack", str(error))
            return working
        team_id = str(answer.get("team_id") or "")
        yield Check(OK, label, f"Slack accepts it (workspace {answer.get('team') or team_id}, {team_id})")
        yield _scopes(label, answer)
        working.append((team_id, token))
    if settings.slack_app_token and not settings.oauth_enabled:
        yield _app_token(settings)
    return working


def _tokens(settings: Settings, db: Database | None) -> Iterator[tuple[str, str]]:
    if not settings.oauth_enabled:
        if settings.slack_bot_token:
            yield "bot token", settings.slack_bot_token
        return
    if db is None:
        return
    installations = installation_store(settings, db)
    with db.session() as session:
        known = [one for one in overview(session) if one.uninstalled_at is None]
    for one in known:
        bot = installations.find_bot(enterprise_id=one.enterprise_id, team_id=one.team_id)
        if bot is not None and bot.bot_token:
            yield f"bot token of {one.team_id}", bot.bot_token


def _scopes(label: str, answer: SlackResponse) -> Check:
    headers = {name.lower(): value for name, value in (answer.headers or {}).items()}
    granted_header = headers.get("x-oauth-scopes")
    if granted_header is None:
        return Check(WARN, f"scopes of the {label}", "Slack did not say which scopes the token has")
    raw = granted_header[0] if isinstance(granted_header, list) else granted_header
    granted = {scope.strip() for scope in str(raw).split(",") if scope.strip()}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if missing:
        return Check(FAIL, f"scopes of the {label}", f"missing {', '.join(missing)}: add them under {SCOPES_WHERE}")
    return Check(OK, f"scopes of the {label}", f"all {len(BOT_SCOPES)} that manifest.yml asks for")


def _app_token(settings: Settings) -> Check:
    """apps.connections.open only hands out a Socket Mode URL: nothing connects."""
    client = SlackClients(settings.slack_api_url).for_requests(settings.slack_app_token)
    try:
        client.apps_connections_open(app_token=settings.slack_app_token or "")
    except SlackApiError as error:
        code = error.response.get("error")
        return Check(
            FAIL,
            "app token",
            f"SLACK_APP_TOKEN was refused by Slack ({code}). Find it under {WHERE['SLACK_APP_TOKEN']}.",
        )
    except (SlackClientError, OSError) as error:
        return Check(FAIL, "app token", f"cannot reach Slack to check it ({error})")
    return Check(OK, "app token", "Slack accepts it: Socket Mode can connect")


def _scheduler(db: Database, now: datetime) -> Check:
    with db.session() as session:
        found = seen(session)
    if not found:
        return Check(
            WARN,
            "scheduler",
            "no scheduler has run yet: `trellis serve` runs one in Socket Mode; beside `trellis serve --http`, "
            "run `trellis worker` (Procfile worker:)",
        )
    missing = sorted(set(JOBS) - set(found))
    if missing:
        return Check(
            FAIL,
            "scheduler",
            f"the running scheduler does not have the job{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            "restart `trellis worker` (or `trellis serve`) with this version",
        )
    late = []
    for name, job in JOBS.items():
        last = max(filter(None, (found[name].registered_at, found[name].last_run_at)))
        if now - last > 2 * job.every + LATE:
            late.append(f"{name} (last {last:%Y-%m-%d %H:%M} UTC)")
    if late:
        return Check(
            FAIL,
            "scheduler",
            f"no scheduler has run {', '.join(late)} on time: is `trellis worker` (or `trellis serve`) running?",
        )
    outbox = found["outbox"].last_run_at
    ago = f"; the outbox last ran {int((now - outbox).total_seconds())} s ago" if outbox else ""
    return Check(OK, "scheduler", f"all {len(JOBS)} jobs registered and on time{ago}")


def _growth_channel(settings: Settings, db: Database, team_id: str, token: str) -> Check:
    name = f"growth channel of {team_id}"
    with db.session() as session:
        channel = growth_channel(session, team_id=team_id)
    if channel is None:
        return Check(
            WARN,
            name,
            "none chosen yet, so public wins are not posted: a workspace admin chooses it in `/trellis settings`",
        )
    client = SlackClients(settings.slack_api_url).for_requests(token)
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "channel_not_found":
            return Check(
                FAIL,
                name,
                f"<#{channel}> is private and Trellis is not in it, or it was deleted: type `/invite @Trellis` in "
                "it, or choose another in `/trellis settings`",
            )
        if code == "missing_scope":
            return Check(
                FAIL,
                name,
                f"cannot check <#{channel}> without {error.response.get('needed')}: add it under {SCOPES_WHERE}",
            )
        return Check(FAIL, name, f"Slack answered conversations.info with {code}")
    except (SlackClientError, OSError) as error:
        return Check(FAIL, name, f"cannot reach Slack to check it ({error})")
    where = f"#{info.get('name') or channel}"
    if info.get("is_archived"):
        return Check(FAIL, name, f"{where} is archived: unarchive it, or choose another in `/trellis settings`")
    if not info.get("is_member"):
        return Check(FAIL, name, f"Trellis is not a member of {where}: type `/invite @Trellis` in it")
    return Check(OK, name, f"{where}, and Trellis is a member")
