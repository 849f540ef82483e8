"""Each workspace's people, refreshed from Slack's users.list once an hour: time zones, statuses, leavers.

One users.list page carries 200 people, so a workspace of thousands costs a handful of calls, where
users.info would cost one (Tier 4) call per person at check-in time. Check-ins read what this stored.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from growth import checkins
from growth.people import Profile, apply_directory, directories_due
from handlers.middleware import profile_from_user
from schedules.dispatcher import ClientForTeam
from storage.db import Database

log = logging.getLogger(__name__)

EVERY = timedelta(hours=1)
PAGE = 200
PATIENCE = 30  # 429s waited out in one refresh before it gives up until the next tick


def refresh_directories(db: Database, client_for_team: ClientForTeam, now: datetime) -> str:
    with db.session() as session:
        due = directories_due(session, now=now, every=EVERY)
    done, people, failed = 0, 0, []
    for team_id, enterprise_id in due:
        client = client_for_team(team_id, enterprise_id)
        if client is None:
            continue
        try:
            profiles = _members(_patient(client))
        except (SlackApiError, SlackClientError, OSError) as error:
            failed.append(team_id)  # tried again at the next tick; check-ins use what was stored
            log.warning("users.list failed for team=%s: %s", team_id, error)
            continue
        with db.session() as session:
            changes = apply_directory(session, team_id=team_id, profiles=profiles, now=now)
            for person in changes.left:
                checkins.record_left(session, person_id=person.id or 0, now=now)
            for person in changes.moved:
                plan = checkins.plan_of(session, person)
                if plan is not None:
                    checkins.reschedule(session, plan=plan, person=person, now=now)
        done, people = done + 1, people + changes.updated
    line = f"refreshed {done} workspace directories ({people} people)"
    return line + (f"; users.list failed for {', '.join(failed)}" if failed else "")


def _patient(client: WebClient) -> WebClient:
    """The workspace's client, but waiting out users.list's Retry-After (Tier 2: some 20 pages a minute)."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=PATIENCE)],
    )


def _members(client: Any) -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    cursor = None
    while True:
        page = client.users_list(limit=PAGE, cursor=cursor) if cursor else client.users_list(limit=PAGE)
        for member in page.get("members") or []:
            if not member.get("is_bot") and member.get("id"):
                profiles[member["id"]] = profile_from_user(member)
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return profiles
