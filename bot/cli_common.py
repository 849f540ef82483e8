"""What the operator commands share: the database at the code's schema, and which workspace is meant.

In single-workspace mode the workspace is the bot token's (Slack's `auth.test` says which), so the
commands work before anyone has opened Trellis; with several workspaces, `--team` says which.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.app import check_slack
from bot.settings import Mode, Settings, SettingsError
from growth.people import ensure_workspace, workspace_ids
from storage import migrate
from storage.db import Database
from storage.types import utcnow


def database(settings: Settings | None = None) -> Database:
    """The database of DATABASE_URL, refused unless it is at the code's schema."""
    db = Database.from_url((settings or Settings.load(Mode.OFFLINE)).database_url)
    try:
        migrate.ensure_current(db)
    except BaseException:
        db.dispose()
        raise
    return db


def token_workspace(settings: Settings) -> tuple[str, str | None] | None:
    """(team, enterprise) of the bot token in single-workspace mode, from auth.test; None in OAuth mode
    or without a token. Raises SettingsError (a token Slack refuses) or SlackUnavailable."""
    if settings.oauth_enabled or not settings.slack_bot_token:
        return None
    answer = check_slack(settings)
    team_id = str(answer.get("team_id") or "")
    return (team_id, str(answer["enterprise_id"]) if answer.get("enterprise_id") else None) if team_id else None


def workspace(session: Session, settings: Settings, wanted: str | None) -> str:
    """The workspace a command is about: `wanted` (--team), the only one Trellis knows, or the bot
    token's; a clear SettingsError otherwise."""
    known = workspace_ids(session)
    if wanted is not None and wanted in known:
        return wanted
    if wanted is None and len(known) == 1:
        return known[0]
    if wanted is None and known:
        raise SettingsError("--team", f"is needed: Trellis serves several workspaces ({', '.join(known)})")
    own = token_workspace(settings)
    if own is not None and wanted in (None, own[0]):
        ensure_workspace(session, team_id=own[0], enterprise_id=own[1], now=utcnow())
        return own[0]
    if wanted is not None:
        listed = ", ".join(known) or "none yet"
        raise SettingsError("--team", f"{wanted} has not used Trellis yet (known workspaces: {listed})")
    raise SettingsError(
        "--team",
        "is needed: no workspace has installed Trellis yet (in OAuth mode, install it from /slack/install first)",
    )
