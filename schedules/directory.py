"""The directory tick: each workspace's people refreshed from Slack's users.list once an hour (time
zones, statuses, leavers). Check-ins read what it stored."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from delivery.dispatcher import ClientForTeam
from delivery.profiles import directory
from growth import directory as people
from growth.people import directories_due
from storage.db import Database

log = logging.getLogger(__name__)

EVERY = timedelta(hours=1)  # per workspace; the job itself ticks more often, to find the workspaces due


def refresh_directories(db: Database, client_for_team: ClientForTeam, now: datetime) -> str:
    with db.session() as session:
        due = directories_due(session, now=now, every=EVERY)
    done, updated, failed = 0, 0, []
    for team_id, enterprise_id in due:
        client = client_for_team(team_id, enterprise_id)
        if client is None:
            continue
        try:
            profiles = directory(client)
        except (SlackApiError, SlackClientError, OSError) as error:
            failed.append(team_id)  # tried again at the next tick; check-ins use what was stored
            log.warning("users.list failed for team=%s: %s", team_id, error)
            continue
        with db.session() as session:
            changes = people.refresh(session, team_id=team_id, profiles=profiles, now=now)
        done, updated = done + 1, updated + changes.updated
    line = f"refreshed {done} workspace directories ({updated} people)"
    return line + (f"; users.list failed for {', '.join(failed)}" if failed else "")
