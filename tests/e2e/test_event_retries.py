"""Slack's retries of Events API deliveries, exactly: a delivery whose handling failed (a write failed,
Slack answered 500 to what the bot called) is answered 500 and acted on when Slack retries it; one that
succeeded is never acted on twice, even when its retries arrive at once. Over HTTP into the running bot,
on both databases; Socket Mode is in test_socket_mode.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import func, select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Checkin, EventReceipt, Person
from tests.e2e.steps import checkin_for, thread_reply
from tests.faults import failing_writes


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _replies(db: Database) -> str | None:
    with db.session() as session:
        return session.exec(select(Checkin.replies)).one()


def test_an_event_whose_person_could_not_be_stored_is_acted_on_when_slack_retries(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    with failing_writes(db, "people"):
        failed = sender.app_home_opened("U0MAYA", event_id="Ev0PERSON1")
    assert failed.status == 500, "Slack retries what was not answered 2xx"
    assert (_count(db, Person), _count(db, EventReceipt)) == (0, 0)
    assert slack.calls("views.publish") == []

    retried = sender.app_home_opened("U0MAYA", event_id="Ev0PERSON1", retry_num=1)
    assert retried.status == 200 and "x-slack-no-retry" not in retried.headers, "acted on, not skipped"
    (published,) = slack.calls("views.publish")
    assert published.args["user_id"] == "U0MAYA"
    assert (_count(db, Person), _count(db, EventReceipt)) == (1, 1)

    again = sender.app_home_opened("U0MAYA", event_id="Ev0PERSON1", retry_num=2)
    assert (again.status, again.headers.get("x-slack-no-retry")) == (200, "1")
    assert len(slack.calls("views.publish")) == 1


def test_a_home_tab_whose_publish_failed_is_published_when_slack_retries(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    slack.fail("views.publish", status=500, times=2)  # the request client retries a 5xx once
    assert sender.app_home_opened("U0MAYA", event_id="Ev0HOME1").status == 500
    assert _count(db, EventReceipt) == 0
    assert sender.app_home_opened("U0MAYA", event_id="Ev0HOME1", retry_num=1).status == 200
    published = slack.calls("views.publish")
    assert len(published) == 3 and "Hi Maya!" in str(published[-1].args["view"])
    assert sender.app_home_opened("U0MAYA", event_id="Ev0HOME1", retry_num=2).headers.get("x-slack-no-retry") == "1"
    assert len(slack.calls("views.publish")) == 3


def test_a_thread_reply_whose_write_failed_joins_the_entry_when_slack_retries(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
    reply = thread_reply(db, "Learned to say no to scope creep")
    posted = len(slack.calls("chat.postMessage"))
    with failing_writes(db, "checkins"):
        assert sender.event(reply, event_id="Ev0REPLY1").status == 500
    assert _replies(db) is None and _count(db, EventReceipt) == 0
    assert len(slack.calls("chat.postMessage")) == posted, "nothing acknowledged what was not kept"

    assert sender.event(reply, event_id="Ev0REPLY1", retry_num=1).status == 200
    assert _replies(db) == "Learned to say no to scope creep"
    (acknowledged,) = slack.calls("chat.postMessage")[posted:]
    assert "Added to this week's growth thread entry" in acknowledged.args["text"]
    assert sender.event(reply, event_id="Ev0REPLY1", retry_num=2).headers.get("x-slack-no-retry") == "1"
    assert _replies(db) == "Learned to say no to scope creep"


def test_retries_that_arrive_together_add_a_reply_once(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
    reply = thread_reply(db, "Once, however often Slack sends it")
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda n: sender.event(reply, event_id="Ev0TOGETHER", retry_num=n).status, range(6)))
    assert statuses == [200] * 6
    assert _replies(db) == "Once, however often Slack sends it"
    assert _count(db, EventReceipt) == 1
