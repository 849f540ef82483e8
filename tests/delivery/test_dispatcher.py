"""The dispatcher against the Slack fake, on both databases: every row sent once, whatever Slack says."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.slack_client import SlackClients
from delivery.dispatcher import CALLING_AHEAD, MAX_ATTEMPTS, Dispatcher, Gone, Upload
from slacksim import FakeSlack
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _dispatcher(db: Database, slack: FakeSlack, clock: Clock) -> Dispatcher:
    clients = SlackClients(slack.api_url)

    def client_for_team(team_id: str, enterprise_id: str | None) -> WebClient:
        return clients.for_outbox("xoxb-test")

    return Dispatcher(db, client_for_team, clock=clock)


def _queue(db: Database, *keys: str, user: str = "U0MAYA", team: str = "T1") -> None:
    with db.session() as session:
        for key in keys:
            outbox.enqueue(
                session,
                team_id=team,
                key=key,
                method="chat.postMessage",
                payload={"channel": user, "text": f"hello {key}"},
                now=datetime.now(UTC),
            )


def _rows(db: Database) -> dict[str, OutboxMessage]:
    with db.session() as session:
        return {row.key: row for row in session.exec(select(OutboxMessage)).all()}


def _texts(slack: FakeSlack) -> list[str]:
    return [call.args["text"] for call in slack.calls("chat.postMessage")]


def test_due_rows_are_sent_once_and_marked_sent(db: Database, slack: FakeSlack, clock: Clock) -> None:
    _queue(db, "a", "b")
    dispatcher = _dispatcher(db, slack, clock)
    assert dispatcher.drain().sent == 2
    assert dispatcher.drain().sent == 0
    assert sorted(_texts(slack)) == ["hello a", "hello b"]
    rows = _rows(db)
    assert all(row.sent_at is not None for row in rows.values())
    assert '"ts"' in (rows["a"].response or "")


def test_a_429_is_waited_out_as_slack_asks_and_the_row_sent_once(db: Database, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    _queue(db, "a", "b")
    started = time.monotonic()
    report = _dispatcher(db, slack, clock).drain(wait_for_rate_limits=10)
    assert report.sent == 2
    calls = slack.calls("chat.postMessage")
    assert len(calls) == 2 + 1
    assert calls[1].at - calls[0].at >= 1.0, "the retry came before Retry-After"
    assert time.monotonic() - started >= 1.0
    assert sorted(_texts(slack)[1:]) == ["hello a", "hello b"]
    assert _rows(db)["a"].attempts == 0, "a rate limit is not a failed attempt"


def test_a_429_pauses_only_that_workspace(db: Database, slack: FakeSlack, clock: Clock) -> None:
    _queue(db, "t1-a", "t1-b", team="T1")
    _queue(db, "t2-a", team="T2")
    slack.fail("chat.postMessage", status=429, retry_after=30, times=1)
    report = _dispatcher(db, slack, clock).run_once()
    assert report.sent == 1
    assert report.retried == 2
    assert len(slack.calls("chat.postMessage")) == 2, "the paused workspace's second row was not tried"


def test_a_429_on_one_method_holds_back_no_other(db: Database, slack: FakeSlack, clock: Clock) -> None:
    """Slack limits each method apart: a spent chat.update (Tier 3) leaves chat.postMessage free."""
    with db.session() as session:
        outbox.enqueue(
            session,
            team_id="T1",
            key="post",
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": "first"},
            now=clock(),
        )
    sent = _dispatcher(db, slack, clock)
    sent.drain()
    message = slack.posted("D0MAYA")[-1]
    with db.session() as session:
        for key in ("update-a", "update-b"):
            outbox.enqueue(
                session,
                team_id="T1",
                key=key,
                method="chat.update",
                payload={"channel": "D0MAYA", "ts": message["ts"], "text": key},
                now=clock(),
            )
        outbox.enqueue(
            session,
            team_id="T1",
            key="post-2",
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": "second"},
            now=clock(),
        )
    slack.fail("chat.update", status=429, retry_after=30, times=1)
    report = sent.run_once()
    assert (report.sent, report.retried) == (1, 2), "the second post went; both updates wait their turn"
    assert len(slack.calls("chat.update")) == 1 and _rows(db)["post-2"].sent_at is not None


def test_server_errors_back_off_and_the_row_survives_until_sent(db: Database, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", status=500, times=2)
    _queue(db, "a")
    dispatcher = _dispatcher(db, slack, clock)
    assert dispatcher.drain().retried == 1
    assert _rows(db)["a"].sent_at is None
    assert dispatcher.drain().sent == 0, "retried before its backoff"
    clock.advance(seconds=6)
    assert dispatcher.drain().retried == 1
    clock.advance(seconds=11)
    assert dispatcher.drain().sent == 1
    assert _texts(slack) == ["hello a"] * 3
    assert _rows(db)["a"].attempts == 2


def test_a_connection_error_is_retried(db: Database, slack: FakeSlack, clock: Clock) -> None:
    _queue(db, "a")
    clients = SlackClients("http://127.0.0.1:1/api/")
    down = Dispatcher(db, lambda team, ent: clients.for_outbox("xoxb-test"), clock=clock)
    assert down.drain().retried == 1
    clock.advance(seconds=6)
    assert _dispatcher(db, slack, clock).drain().sent == 1


def test_an_answer_retrying_cannot_change_fails_the_row_at_once(db: Database, slack: FakeSlack, clock: Clock) -> None:
    _queue(db, "gone", user="U0NOBODY")
    report = _dispatcher(db, slack, clock).drain()
    assert report.failed == 1
    assert report.failures == ["gone: channel_not_found"]
    row = _rows(db)["gone"]
    assert row.failed_at is not None and row.last_error == "channel_not_found"
    clock.advance(days=1)
    assert _dispatcher(db, slack, clock).drain().failed == 0
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_row_that_keeps_failing_is_given_up_after_the_last_attempt(
    db: Database, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail("chat.postMessage", status=503, times=None)
    _queue(db, "a")
    dispatcher = _dispatcher(db, slack, clock)
    for _ in range(MAX_ATTEMPTS):
        dispatcher.drain()
        clock.advance(minutes=16)
    row = _rows(db)["a"]
    assert row.failed_at is not None
    assert row.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert len(slack.calls("chat.postMessage")) == MAX_ATTEMPTS


def test_a_sender_that_died_mid_send_loses_nothing(db: Database, slack: FakeSlack, clock: Clock) -> None:
    _queue(db, "a", "b")
    dead = outbox.claim_due(db, now=clock(), limit=1)  # claimed, then the process died
    dispatcher = _dispatcher(db, slack, clock)
    assert dispatcher.drain().sent == 1
    clock.advance(seconds=outbox.LEASE.total_seconds() + 1)
    assert dispatcher.drain().sent == 1
    assert sorted(_texts(slack)) == ["hello a", "hello b"]
    assert dead[0].key in ("a", "b")


def test_a_slow_sender_keeps_its_rows_while_it_works(
    db: Database, slack: FakeSlack, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lease is short and renewed from a heartbeat: a sender whose calls outlast it keeps its rows,
    and nobody else sends them meanwhile."""
    monkeypatch.setattr(outbox, "LEASE", timedelta(seconds=0.6))
    monkeypatch.setattr(outbox, "RENEW", timedelta(seconds=0.1))
    _queue(db, "a", "b")
    slack.latency = 0.5  # two calls: twice the lease
    slow = threading.Thread(target=_dispatcher(db, slack, clock).run_once)
    slow.start()
    try:
        slack.wait_for("chat.postMessage")  # it holds both rows now
        taken: list[outbox.Claimed] = []
        while slow.is_alive():
            taken += outbox.claim_due(db, now=clock(), limit=10)
            time.sleep(0.05)
    finally:
        slow.join()
        slack.latency = 0.0
    assert taken == [], "the heartbeat kept the lease"
    assert sorted(_texts(slack)) == ["hello a", "hello b"]


def test_a_sender_killed_mid_batch_leaves_only_the_rows_it_had_begun_in_doubt(
    db: Database, slack: FakeSlack, clock: Clock
) -> None:
    _queue(db, *[f"k{n:02d}" for n in range(12)])
    calls = 0

    class Killed(BaseException):
        """What SIGKILL would do: nothing after it runs."""

    def send(client: WebClient, row: outbox.Claimed) -> dict[str, str]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise Killed
        return client.chat_postMessage(**row.payload).data  # type: ignore[return-value]

    dying = _dispatcher(db, slack, clock)
    dying.senders = {"chat.postMessage": send}
    with pytest.raises(Killed):
        dying.run_once()
    clock.advance(seconds=outbox.LEASE.total_seconds() + 1)
    taken = outbox.claim_due(db, now=clock(), limit=50)
    assert len(taken) == 10, "two were sent before it died"
    assert sum(row.in_doubt for row in taken) == CALLING_AHEAD - 2, "only the rows marked ahead of their calls"


def test_lanes_of_one_dispatcher_share_the_work_and_slacks_pauses(db: Database, slack: FakeSlack, clock: Clock) -> None:
    keys = [f"k{n:03d}" for n in range(90)]
    _queue(db, *keys)
    slack.limit({"chat.postMessage": 30.0})
    dispatcher = _dispatcher(db, slack, clock)
    dispatcher.lanes, dispatcher.batch = 4, 10
    report = dispatcher.drain(wait_for_rate_limits=30)
    assert report.sent == 90 and report.failed == 0
    delivered = sorted(message["text"] for message in slack.posted())
    assert delivered == sorted(f"hello {key}" for key in keys), "each once"
    assert slack.limited > 0 and report.retried > 0, "Slack said wait, and every lane did"


def test_dispatchers_running_at_once_send_every_row_exactly_once(db: Database, slack: FakeSlack, clock: Clock) -> None:
    keys = [f"k{n:03d}" for n in range(120)]
    _queue(db, *keys)
    dispatchers = [_dispatcher(db, slack, clock) for _ in range(4)]
    for dispatcher in dispatchers:
        dispatcher.batch = 7
    threads = [threading.Thread(target=d.drain) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = _texts(slack)
    assert len(texts) == len(set(texts)) == len(keys)


def test_an_upload_row_is_made_into_a_file_when_sent_and_fails_once_its_subject_is_gone(
    db: Database, slack: FakeSlack, clock: Clock
) -> None:
    made: list[int] = []

    def make(row: outbox.Claimed) -> Upload:
        made.append(row.payload["n"])
        if row.payload["n"] == 2:
            raise Gone("thing 2")
        return Upload("U0MAYA", f"file-{row.payload['n']}.txt", "A file", "alt", b"hello")

    with db.session() as session:
        for n in (1, 2):
            outbox.enqueue(session, team_id="T1", key=f"file-{n}", method="test.upload", payload={"n": n}, now=clock())
    clients = SlackClients(slack.api_url)
    dispatcher = Dispatcher(
        db, lambda team, ent: clients.for_outbox("xoxb-test"), clock=clock, uploads={"test.upload": make}
    )
    slack.fail("files.getUploadURLExternal", status=429, retry_after=1, times=1)
    report = dispatcher.drain(wait_for_rate_limits=10)
    assert (report.sent, report.failed, report.failures) == (1, 1, ["file-2: gone: thing 2"])
    (complete,) = slack.calls("files.completeUploadExternal")
    assert complete.args["channel_id"] == "D0MAYA"
    assert sorted(made) == [1, 1, 2]
