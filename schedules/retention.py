"""The retention tick: the data of workspaces the app was uninstalled from, deleted once the retention
period (TRELLIS_RETENTION_DAYS) has passed. Slack is asked first whether the app is back there (a
reinstall that Trellis did not hear of, or a new bot token in single-workspace mode): then nothing is
deleted, and the workspace is installed again."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from delivery.dispatcher import TOKEN_GONE, ClientForTeam
from growth import workspaces
from storage.db import Database

log = logging.getLogger(__name__)


def delete_uninstalled(db: Database, client_for_team: ClientForTeam, now: datetime, keep: timedelta) -> str:
    with db.session() as session:
        due = workspaces.due_for_deletion(session, now=now, keep=keep)
    deleted, back, unsure = [], [], []
    for team_id, enterprise_id in due:
        found = _installed(client_for_team, team_id, enterprise_id)
        if found is None:
            unsure.append(team_id)  # Slack could not say: asked again at the next tick
            continue
        with db.session() as session:
            if found:
                workspaces.installed(session, team_id=team_id, enterprise_id=enterprise_id, now=now)
                back.append(team_id)
                continue
            counts = workspaces.delete_workspace(session, team_id=team_id)
        log.info("deleted workspace %s, uninstalled more than %s days ago: %s", team_id, keep.days, counts)
        deleted.append(team_id)
    line = f"deleted {len(deleted)} workspaces uninstalled more than {keep.days} days ago"
    line += f"; installed again, kept: {', '.join(back)}" if back else ""
    return line + (f"; Slack could not be asked about {', '.join(unsure)}" if unsure else "")


def _installed(client_for_team: ClientForTeam, team_id: str, enterprise_id: str | None) -> bool | None:
    """Whether the app is installed in the workspace now (auth.test with its token); None: unknown."""
    client = client_for_team(team_id, enterprise_id)
    if client is None:
        return False
    try:
        return client.auth_test().get("team_id") == team_id
    except SlackApiError as error:
        if error.response.get("error") in TOKEN_GONE:
            return False
        log.warning("auth.test failed for team=%s: %s", team_id, error.response.get("error"))
        return None
    except (SlackClientError, OSError) as error:
        log.warning("auth.test failed for team=%s: %s", team_id, error)
        return None
