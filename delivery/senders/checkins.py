"""The senders of the growth thread: the weekly check-in DM and a manager's digest, each composed when it
is sent (an entry shared in the growth channel is `growth_channel`'s).

A row may wait in the outbox behind a rate limit, so each sender looks again just before sending: is
the check-in still unanswered, is the person still there and not away (as the hourly directory left
them), have they moved time zone?
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.checkins import checkin_message, digest_message
from delivery.dispatcher import Gone, Later, NothingToSend, Recorded, Sender, post_once, summary
from delivery.kinds import CHECKIN, DIGEST
from growth import checkins
from growth.checkins import Status
from storage import outbox
from storage.db import Database
from storage.models import Person
from storage.outbox import Claimed

# What Slack says when there is no one to DM any more: the person is marked and never retried. A post
# addressed to a user id that Slack does not know answers channel_not_found.
NO_ONE_THERE = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot", "account_inactive", "channel_not_found"})


def senders(db: Database, clock: Callable[[], datetime]) -> dict[str, Sender]:
    def send_checkin(client: WebClient, row: Claimed) -> dict[str, Any]:
        now = clock()
        checkin_id, reminder = int(row.payload["checkin_id"]), bool(row.payload.get("reminder"))
        found = db.read(
            lambda session: checkins.delivery(session, team_id=row.team_id, checkin_id=checkin_id, reminder=reminder)
        )
        if found is None:
            raise NothingToSend("answered, skipped or closed before it was sent")
        person = found.person  # as the hourly users.list (or their own last request) left them
        later = checkins.later_this_week(found, now)
        if later is not None:
            raise Later(later)
        if checkins.is_away(person, now):
            with db.session() as session:
                checkins.record_not_sent(session, checkin_id=checkin_id, status=Status.AWAY, now=now)
            raise NothingToSend("away")
        # chat.postMessage takes a user id and answers with the DM's id: no conversations.open (Tier 3,
        # some 50 a minute) per person on a first week; the id is remembered for the weeks after.
        channel = found.plan.dm_channel_id or person.slack_user_id
        text, blocks = checkin_message(found)
        payload = {"channel": channel, "text": text, "blocks": [block.to_dict() for block in blocks]}
        try:
            response = post_once(client, row.key, payload, in_doubt=row.in_doubt)
        except SlackApiError as error:
            if error.response.get("error") in NO_ONE_THERE:
                _left(db, person, now)
            raise
        with db.session() as session:  # what the send changed, and the row marked sent, in one commit
            checkins.record_sent(
                session,
                checkin_id=checkin_id,
                channel=response["channel"],
                ts=response["ts"],
                nudge=found.nudge,
                now=now,
            )
            if response["channel"] != found.plan.dm_channel_id:
                checkins.remember_dm(session, person_id=person.id or 0, channel=str(response["channel"]))
            outbox.record_sent(session, row.id, now=now, response=summary(response))
        return Recorded(response)

    def send_digest(client: WebClient, row: Claimed) -> dict[str, Any]:
        now = clock()
        with db.session() as session:
            manager = session.get(Person, int(row.payload["manager_id"]))
            if manager is None or manager.team_id != row.team_id or manager.deleted:
                raise Gone(f"manager {row.payload['manager_id']}")
            week = row.payload.get("week") or checkins.week_key(checkins.local_today(manager, now))
            made = checkins.digest_of(session, manager=manager, now=now, since=checkins.digest_since(manager, week))
        if not made.reports:
            raise NothingToSend("no confirmed reports any more")
        text, blocks = digest_message(made.reports, made.feedback)
        payload = {"channel": manager.slack_user_id, "text": text, "blocks": [block.to_dict() for block in blocks]}
        return post_once(client, row.key, payload, in_doubt=row.in_doubt)

    return {CHECKIN: send_checkin, DIGEST: send_digest}


def _left(db: Database, person: Person, now: datetime) -> None:
    with db.session() as session:
        checkins.record_left(session, person_id=person.id or 0, now=now)
