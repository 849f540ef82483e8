"""The posts in the workspace's growth channel: a public win, and an entry under the person's own
growth thread there (learning in public).

Each goes to the growth channel as it is when sent, so a post that waited goes to the channel an admin
has chosen since. A channel Trellis cannot post in (`growth.channel.PROBLEMS`) makes the post wait,
and the admins are told once; a post that gets through ends the wait for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.checkins import shared_entry, shared_thread_parent
from delivery.dispatcher import ChannelUnavailable, NothingToSend, Sender, post_once
from delivery.kinds import GROWTH_POST, SHARE
from delivery.outbound import Outbound
from growth import channel as channels
from growth import checkins
from growth.sharing import entry_still_shared
from growth.workspaces import growth_channel
from storage import outbox
from storage.db import Database
from storage.models import Checkin, CheckinPlan, Person
from storage.outbox import Claimed

Post = Callable[[str], dict[str, Any]]  # posts to the channel it is given; Slack's answer


def senders(db: Database, outbound: Outbound, clock: Callable[[], datetime]) -> dict[str, Sender]:
    def in_growth_channel(row: Claimed, post: Post) -> dict[str, Any]:
        with db.session() as session:
            channel = growth_channel(session, team_id=row.team_id)
        if channel is None:
            raise NothingToSend("the workspace has no growth channel")
        try:
            response = post(channel)
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code not in channels.PROBLEMS:
                raise
            now = clock()
            with db.session() as session:
                told = channels.failed(session, team_id=row.team_id, channel_id=channel, code=code, now=now)
                outbound.queue(session, told, now=now)
            raise ChannelUnavailable(code) from None
        with db.session() as session:
            if channels.worked(session, team_id=row.team_id):
                outbox.release_waiting(session, team_id=row.team_id, now=clock())
        return response

    def send_win(client: WebClient, row: Claimed) -> dict[str, Any]:
        return in_growth_channel(
            row, lambda channel: post_once(client, row.key, {**row.payload, "channel": channel}, in_doubt=row.in_doubt)
        )

    def send_share(client: WebClient, row: Claimed) -> dict[str, Any]:
        with db.session() as session:
            checkin = session.get(Checkin, int(row.payload["checkin_id"]))
            if checkin is None or checkin.team_id != row.team_id:
                raise NothingToSend("the entry is gone")
            person = session.get(Person, checkin.person_id)
            plan = checkins.plan_of(session, person) if person is not None else None
        if person is None or plan is None or not entry_still_shared(checkin, plan):
            raise NothingToSend("the entry is private now, or sharing is off")

        def post(channel: str) -> dict[str, Any]:
            thread_ts = plan.thread_ts if plan.thread_channel_id == channel else None
            if thread_ts is None:
                parent = post_once(
                    client,
                    f"growth-thread:{person.id}:{channel}",
                    {"channel": channel, "text": shared_thread_parent(person.display_name)},
                    in_doubt=row.in_doubt,
                )
                thread_ts = str(parent["ts"])
                with db.session() as session:
                    stored = session.get(CheckinPlan, plan.id)
                    assert stored is not None
                    stored.thread_channel_id, stored.thread_ts = channel, thread_ts
                    session.add(stored)
            reply = {"channel": channel, "thread_ts": thread_ts, "text": shared_entry(checkin)}
            return post_once(client, row.key, reply, in_doubt=row.in_doubt)

        return in_growth_channel(row, post)

    return {GROWTH_POST: send_win, SHARE: send_share}
