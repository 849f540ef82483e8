"""The directory tick: each workspace's people refreshed from Slack's users.list once an hour (time
zones, statuses, leavers). Check-ins read what it stored."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from delivery.dispatcher import ClientForTeam
from delivery.profiles import directory
from growth import directory as people
from growth.people import directories_due, directory_done
from storage.db import Database

log = logging.getLogger(__name__)

EVERY = timedelta(hours=1)  # per workspace; the job itself ticks more often, to find the workspaces due


def refresh_directories(db: Database, client_for_team: ClientForTeam, now: datetime) -> str:
    """Each workspace due, a users.list page at a time, each page in a transaction of its own: however
    large the workspace, the job holds one page of people and locks their rows only while it writes
    them. A listing that fails part-way keeps the pages applied and is read again from the start at
    the next tick, as the workspace is marked done only once its last page is in."""
    with db.session() as session:
        due = directories_due(session, now=now, every=EVERY)
    done, listed, changed, failed = 0, 0, 0, []
    for team_id, enterprise_id in due:
        client = client_for_team(team_id, enterprise_id)
        if client is None:
            continue
        try:
            for page in directory(client):
                with db.session() as session:
                    changes = people.refresh(session, team_id=team_id, profiles=page, now=now)
                listed, changed = listed + changes.updated, changed + changes.changed
        except (SlackApiError, SlackClientError, OSError) as error:
            failed.append(team_id)  # tried again at the next tick; check-ins use what was stored
            log.warning("users.list failed for team=%s: %s", team_id, error)
            continue
        with db.session() as session:
            directory_done(session, team_id=team_id, now=now)
        done += 1
    line = f"refreshed {done} workspace directories ({listed} people, {changed} changed)"
    return line + (f"; users.list failed for {', '.join(failed)}" if failed else "")
