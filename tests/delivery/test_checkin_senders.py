"""Check-ins from the tick to the DM, against the Slack fake, on both databases: exactly once, whatever Slack says."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from slack_sdk import WebClient
from sqlalchemy import text as sql
from sqlmodel import select

from bot.slack_client import SlackClients
from delivery.dispatcher import MARKER, Dispatcher, post_once
from delivery.kinds import CHECKIN
from delivery.outbound import Outbound
from delivery.senders import growth_channel
from delivery.senders.checkins import senders
from growth import checkins
from growth.checkins import enrol
from growth.links import admin_set
from growth.notices import EntryShared
from growth.workspaces import set_growth_channel
from schedules.checkins import queue_checkins
from schedules.directory import refresh_directories
from schedules.jobs import JOBS, JobContext
from slacksim import FakeSlack
from storage import outbox
from storage.db import Database
from storage.models import Checkin, OutboxMessage, Person
from tests.clock import Clock
from tests.factories import person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY_3PM_UTC = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)

OUTBOUND = Outbound(())


def _dispatcher(db: Database, slack: FakeSlack, clock: Clock, *, batch: int = 50) -> Dispatcher:
    clients = SlackClients(slack.api_url)

    def client_for_team(team_id: str, enterprise_id: str | None) -> WebClient:
        return clients.for_outbox(slack.install(team_id))

    every = {**senders(db, clock), **growth_channel.senders(db, OUTBOUND, clock)}
    return Dispatcher(db, client_for_team, clock=clock, senders=every, batch=batch)


def _tick(db: Database, slack: FakeSlack, now: datetime) -> str:
    """What the `checkins` job does: people from users.list (hourly), then queue who is due."""
    clients = SlackClients(slack.api_url)
    refresh_directories(db, lambda team, _: clients.for_outbox(slack.install(team)), now)
    return queue_checkins(db, OUTBOUND, now)


def _people(db: Database, slack: FakeSlack, count: int, **flags: object) -> list[Person]:
    made = []
    for n in range(count):
        user_id = f"U0P{n:04d}"
        slack.add_user("T1", user_id, name=f"P{n}", tz="UTC", **flags)
        someone = person(db, user_id, now=MONDAY)
        with db.session() as session:
            enrol(session, person=someone, now=MONDAY)
        made.append(someone)
    return made


def _posted_keys(slack: FakeSlack) -> Counter[str]:
    return Counter(
        message["metadata"]["event_payload"]["key"]
        for message in slack.posted()
        if (message.get("metadata") or {}).get("event_type") == MARKER
    )


def _statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(session.exec(select(Checkin.status)).all())


def test_a_check_in_reaches_the_dm_with_its_three_prompts_and_buttons(db: Database, slack: FakeSlack) -> None:
    _people(db, slack, 1)
    clock = Clock(FRIDAY_3PM_UTC)
    assert _tick(db, slack, clock()).startswith("queued 1 check-ins")
    report = _dispatcher(db, slack, clock).drain()
    assert (report.sent, report.failed) == (1, 0)
    assert slack.calls("users.info") == [], "statuses come from the hourly users.list, not a call per person"
    (post,) = slack.calls("chat.postMessage")
    assert post.args["channel"] == "U0P0000", "posted to the user id: Slack opens the DM"
    assert slack.calls("conversations.open") == [], "no Tier 3 call per person"
    text = json.dumps(post.args["blocks"])
    for words in ("What I learned", "Where I operated at the next level", "What blocks me", "week 48"):
        assert words in text
    actions = [e["action_id"] for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["checkin_write", "checkin_skip", "checkin_remind"]
    with db.session() as session:
        row = session.exec(select(Checkin)).one()
    assert (row.status, row.channel_id, row.nudge) == ("sent", "D0P0000", "full") and row.message_ts
    with db.session() as session:  # marked sent by the sender, in the commit that recorded the check-in
        sent = session.exec(select(OutboxMessage)).one()
    assert sent.sent_at is not None and (sent.lease_owner, sent.calling) == (None, False)
    assert json.loads(sent.response or "{}") == {"channel": "D0P0000", "ts": row.message_ts}
    assert queue_checkins(db, OUTBOUND, clock()).startswith("queued 0 check-ins")
    assert _dispatcher(db, slack, clock).drain().sent == 0
    clock.advance(weeks=1)
    assert _tick(db, slack, clock()).startswith("queued 1 check-ins")
    assert _dispatcher(db, slack, clock).drain().sent == 1
    assert slack.calls("chat.postMessage")[-1].args["channel"] == "D0P0000", "the DM Slack answered with"


def test_someone_whose_status_says_away_is_not_nudged_that_week(db: Database, slack: FakeSlack) -> None:
    _people(db, slack, 2)
    slack.add_user("T1", "U0P0001", name="P1", tz="UTC", status_text="On vacation", status_emoji=":palm_tree:")
    clock = Clock(FRIDAY_3PM_UTC)
    _tick(db, slack, clock())
    report = _dispatcher(db, slack, clock).drain()
    assert (report.sent, report.unneeded, report.failed) == (1, 1, 0), "both done, one without a message"
    assert [call.args["channel"] for call in slack.calls("chat.postMessage")] == ["U0P0000"]
    assert _statuses(db) == {"away": 1, "sent": 1}


def test_someone_deleted_in_slack_is_marked_by_the_directory_and_never_nudged(db: Database, slack: FakeSlack) -> None:
    (someone,) = _people(db, slack, 1)
    slack.add_user("T1", "U0P0000", name="P0", tz="UTC", deleted=True)
    clock = Clock(FRIDAY_3PM_UTC)
    assert "queued 0 check-ins" in _tick(db, slack, clock())
    with db.session() as session:
        assert session.get(Person, someone.id).deleted
    assert slack.calls("conversations.open") == [] and slack.calls("chat.postMessage") == []


@pytest.mark.parametrize(
    ("method", "error"),
    [
        ("chat.postMessage", "cannot_dm_bot"),
        ("chat.postMessage", "channel_not_found"),
        ("chat.postMessage", "user_disabled"),
    ],
)
def test_someone_slack_will_not_let_us_dm_is_marked_and_never_retried(
    db: Database, slack: FakeSlack, method: str, error: str
) -> None:
    (someone,) = _people(db, slack, 1)
    clock = Clock(FRIDAY_3PM_UTC)
    _tick(db, slack, clock())
    slack.fail(method, error=error, status=200)
    report = _dispatcher(db, slack, clock).drain()
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    assert error in report.failures[0]
    with db.session() as session:
        assert session.get(Person, someone.id).deleted
    assert _statuses(db) == {"left": 1}
    clock.advance(weeks=1)
    assert "queued 0 check-ins" in _tick(db, slack, clock()), "not scheduled again"


def test_a_burst_of_dms_over_the_rate_limit_waits_as_told_and_loses_nothing(db: Database, slack: FakeSlack) -> None:
    _people(db, slack, 24)
    slack.limit({"chat.postMessage": 8.0})
    clock = Clock(FRIDAY_3PM_UTC)
    _tick(db, slack, clock())
    report = _dispatcher(db, slack, clock).drain(wait_for_rate_limits=30)
    assert report.sent == 24 and report.failed == 0
    assert slack.limited > 0, "Slack did answer 429"
    keys = _posted_keys(slack)
    assert len(keys) == 24 and set(keys.values()) == {1}
    assert _statuses(db) == {"sent": 24}


def test_a_500_is_retried_with_backoff_and_sent_once(db: Database, slack: FakeSlack) -> None:
    _people(db, slack, 1)
    slack.fail("chat.postMessage", status=500, times=2)
    clock = Clock(FRIDAY_3PM_UTC)
    queue_checkins(db, OUTBOUND, clock())
    dispatcher = _dispatcher(db, slack, clock)
    assert dispatcher.drain().retried == 1
    with db.session() as session:
        row = session.exec(select(OutboxMessage)).one()
    assert row.attempts == 1 and row.last_error == "internal_error"
    assert timedelta(seconds=3) <= row.next_attempt_at - clock() <= timedelta(seconds=6), "5 s, with jitter"
    assert dispatcher.drain().claimed == 0, "not before the backoff"
    clock.advance(seconds=7)
    assert dispatcher.drain().retried == 1
    clock.advance(seconds=12)
    assert dispatcher.drain().sent == 1
    assert len(slack.posted()) == 1 and _statuses(db) == {"sent": 1}


def test_a_row_in_doubt_after_a_dead_sender_is_not_posted_twice(db: Database, slack: FakeSlack) -> None:
    """A sender posted, then died before it could say so: the next sender finds the post and stops. Only
    the row whose call had begun is looked for; the rest of the dead sender's batch just goes."""
    _people(db, slack, 3)
    clock = Clock(FRIDAY_3PM_UTC)
    queue_checkins(db, OUTBOUND, clock())
    client = SlackClients(slack.api_url).for_outbox(slack.install("T1"))
    claimed = outbox.claim_due(db, now=clock(), limit=10)
    assert len(claimed) == 3 and not any(row.in_doubt for row in claimed)
    dead = claimed[0]
    outbox.mark_calling(db, [dead.id])
    with db.session() as session:
        channel = session.get(Checkin, dead.payload["checkin_id"]).person_id
    post_once(
        client, dead.key, {"channel": f"U0P{channel - 1:04d}", "text": "posted by the dead sender"}, in_doubt=False
    )
    clock.advance(seconds=outbox.LEASE.total_seconds() + 1)  # the dead sender renews nothing
    report = _dispatcher(db, slack, clock).drain()
    assert report.sent == 3
    keys = _posted_keys(slack)
    assert set(keys.values()) == {1} and len(keys) == 3, "each check-in is in Slack exactly once"
    assert [call.args["include_all_metadata"] for call in slack.calls("conversations.history")] == ["1"]
    assert len(slack.calls("conversations.open")) == 1, "the one in doubt, whose DM was not known yet"


def test_two_dispatchers_at_once_never_send_the_same_row(db: Database, slack: FakeSlack) -> None:
    _people(db, slack, 60)
    clock = Clock(FRIDAY_3PM_UTC)
    assert queue_checkins(db, OUTBOUND, clock()).startswith("queued 60")
    slack.latency = 0.002
    try:
        reports = []
        threads = [
            threading.Thread(target=lambda: reports.append(_dispatcher(db, slack, clock, batch=5).drain()))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        slack.latency = 0.0
    assert sum(report.sent for report in reports) == 60
    assert all(report.sent > 0 for report in reports), "both did some of the work"
    keys = _posted_keys(slack)
    assert len(keys) == 60 and set(keys.values()) == {1}


def test_two_ticks_at_once_queue_each_check_in_once(db: Database, slack: FakeSlack) -> None:
    _people(db, slack, 40)
    summaries: list[str] = []
    once = partial(queue_checkins, db, OUTBOUND, FRIDAY_3PM_UTC)
    ticks = [threading.Thread(target=lambda: summaries.append(once())) for _ in range(3)]
    for tick in ticks:
        tick.start()
    for tick in ticks:
        tick.join(timeout=60)
    with db.session() as session:
        assert len(session.exec(select(OutboxMessage).where(OutboxMessage.method == CHECKIN)).all()) == 40
    assert _statuses(db) == {"queued": 40}


def test_a_shared_entry_goes_under_the_persons_own_thread_in_the_growth_channel(db: Database, slack: FakeSlack) -> None:
    (someone,) = _people(db, slack, 1)
    admin = person(db, "U0ADMIN", admin=True)
    with db.session() as session:
        set_growth_channel(session, person=admin, channel_id="C0GROWTH", now=MONDAY)
        checkins.change_settings(session, person=someone, settings=checkins.Settings(share=True), now=MONDAY)
    for week, text in ((0, "Learned <!channel> & more"), (1, "Week two")):
        clock = Clock(MONDAY + timedelta(weeks=week))  # each entry is written, and sent, in its own week
        with db.session() as session:
            written = checkins.write_entry(session, person=someone, answers=checkins.Answers(learned=text), now=clock())
            assert written.share and written.first
            assert [type(notice) for notice in written.notices] == [EntryShared]
            OUTBOUND.queue(session, written.notices, now=clock())
        assert _dispatcher(db, slack, clock).drain().sent == 1
    parent, first, second = slack.posted("C0GROWTH")
    assert "P0000's growth thread" in parent["text"] and "thread_ts" not in parent
    assert first["thread_ts"] == second["thread_ts"] == parent["ts"], "one thread per person"
    assert "Learned &lt;!channel&gt; &amp; more" in first["text"] and "<!channel>" not in first["text"]
    with db.session() as session:
        private = checkins.write_entry(
            session,
            person=someone,
            answers=checkins.Answers(learned="Mine", private=True),
            now=MONDAY + timedelta(weeks=2),
        )
    assert not private.share


def test_a_manager_gets_one_digest_a_week_without_anything_private(db: Database, slack: FakeSlack) -> None:
    (report,) = _people(db, slack, 1)
    admin, manager = person(db, "U0ADMIN", admin=True), person(db, "U0BOSS", tz="UTC")
    slack.add_user("T1", "U0BOSS", name="Boss", tz="UTC")
    with db.session() as session:
        admin_set(session, admin=admin, report=report, manager=manager, now=MONDAY)
        checkins.write_entry(session, person=report, answers=checkins.Answers(learned="Public lesson"), now=MONDAY)
    with db.session() as session:
        checkins.write_entry(
            session,
            person=report,
            answers=checkins.Answers(learned="Secret lesson", private=True),
            now=MONDAY - timedelta(weeks=1),
        )
    nine = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the next Monday, 09:00 for the manager
    clock = Clock(nine - timedelta(minutes=1))
    assert "and 0 digests" in _tick(db, slack, clock())
    clock.advance(minutes=1)
    assert "and 1 digests" in _tick(db, slack, clock())
    assert "and 0 digests" in _tick(db, slack, clock()), "one a week"
    _dispatcher(db, slack, clock).drain()
    (digest,) = [m for m in slack.posted("D0BOSS")]
    text = json.dumps(digest["blocks"])
    assert "Public lesson" in text and "Secret lesson" not in text and "*P0*" in text


def test_weekly_dms_sent_weeks_ago_are_forgotten_and_never_sent_again(db: Database, slack: FakeSlack) -> None:
    """The outbox keeps the weekly DMs' rows for five weeks, then the hourly prune job deletes them; a
    growth channel post's row stays (a deleted win takes its post down through it)."""
    (report,) = _people(db, slack, 1)
    admin, manager = person(db, "U0ADMIN", admin=True), person(db, "U0BOSS", tz="UTC")
    slack.add_user("T1", "U0BOSS", name="Boss", tz="UTC")
    with db.session() as session:
        admin_set(session, admin=admin, report=report, manager=manager, now=MONDAY)
    clock = Clock(FRIDAY_3PM_UTC)
    assert _tick(db, slack, clock()) == "queued 1 check-ins (0 paused, skipped or not due yet) and 1 digests"
    with db.session() as session:
        post = {"channel": "C0GROWTH", "text": "a win"}
        outbox.enqueue(session, team_id="T1", key="win-post:1:1", method="chat.postMessage", payload=post, now=clock())
    assert _dispatcher(db, slack, clock).drain().sent == 3

    def prune() -> str:
        return JOBS["prune"].run(
            JobContext(db=db, dispatcher=_dispatcher(db, slack, clock), outbound=OUTBOUND, now=clock())
        )

    clock.advance(days=34)
    assert "and 0 weekly DMs sent more than 35 days ago" in prune()
    clock.advance(days=2)
    assert "and 2 weekly DMs sent more than 35 days ago" in prune()
    with db.session() as session:
        assert [row.key for row in session.exec(select(OutboxMessage)).all()] == ["win-post:1:1"]
    assert _tick(db, slack, clock()) == "queued 1 check-ins (0 paused, skipped or not due yet) and 1 digests", (
        "this week's, not the forgotten week's"
    )
    assert _dispatcher(db, slack, clock).drain().sent == 2
    sent = _posted_keys(slack)
    assert len(sent) == 5 and set(sent.values()) == {1}, sent


def test_ticks_all_week_queue_each_digest_once_and_spend_no_ids_on_it(db: Database, slack: FakeSlack) -> None:
    """The digest tick runs every minute: were it to offer every manager's digest at each run, the outbox's
    unique key would skip the repeats, but each would take an id from PostgreSQL's sequence."""
    admin, boss = person(db, "U0ADMIN", admin=True), person(db, "U0BOSS", tz="UTC")
    with db.session() as session:
        for report in _people(db, slack, 3):
            admin_set(session, admin=admin, report=report, manager=boss, now=MONDAY)
    monday_nine = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for minute in range(0, 6 * 24 * 60, 97):  # every 97 minutes from Monday 09:00 to Sunday
        queue_checkins(db, OUTBOUND, monday_nine + timedelta(minutes=minute))
    with db.session() as session:
        keys = [row.key for row in session.exec(select(OutboxMessage)).all()]
        assert keys.count(f"digest:{boss.id}:2026-W49") == 1
        if db.is_postgres:
            spent = session.execute(sql("SELECT last_value FROM outbox_id_seq")).scalar_one()
            assert spent == len(keys), f"{spent} ids spent on {len(keys)} rows"
