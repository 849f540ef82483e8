"""A request's unit of work sends, after the answer, only the rows its own transaction wrote."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.slack_client import SlackClients
from delivery.dispatcher import Dispatcher
from delivery.outbound import Outbound
from delivery.unit import Work
from growth import links
from growth.notices import LinkRemoved
from slacksim import FakeSlack
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.factories import person


def _work(db: Database, slack: FakeSlack) -> Work:
    clients = SlackClients(slack.api_url)
    dispatcher = Dispatcher(
        db, lambda team, enterprise: clients.for_outbox("xoxb-test"), clock=lambda: datetime.now(UTC)
    )
    return Work(db, Outbound(()), dispatcher, lambda: datetime.now(UTC))


def _sent(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.exec(select(OutboxMessage.key).where(OutboxMessage.sent_at.is_not(None))).all())  # type: ignore[union-attr]


def _backlog(db: Database, rows: int) -> None:
    with db.session() as session:
        for n in range(rows):
            payload = {"channel": "U0DEV", "text": f"for someone else {n}"}
            outbox.enqueue(
                session,
                team_id="T1",
                key=f"other:{n}",
                method="chat.postMessage",
                payload=payload,
                now=datetime.now(UTC),
            )


def test_only_the_rows_of_this_change_are_sent_and_the_backlog_stays_for_the_worker(
    db: Database, slack: FakeSlack
) -> None:
    maya = person(db, "U0MAYA", team="T1", now=datetime.now(UTC))
    _backlog(db, 20)
    work = _work(db, slack)
    with work:
        work.notify([LinkRemoved(maya)])
    with work.sending():
        pass
    assert {key.split(":")[0] for key in _sent(db)} == {"link-removed"}
    with db.session() as session:
        assert outbox.pending_count(session) == 20


def test_a_change_that_failed_sends_nothing(db: Database, slack: FakeSlack) -> None:
    maya = person(db, "U0MAYA", team="T1", now=datetime.now(UTC))
    work = _work(db, slack)
    with pytest.raises(RuntimeError), work:
        work.notify([LinkRemoved(maya)])
        raise RuntimeError("the change that caused it failed")
    assert work.send().claimed == 0
    with db.session() as session:
        assert outbox.pending_count(session) == 0, "rolled back with the change"
    assert slack.calls("chat.postMessage") == []


def test_the_rows_go_even_when_showing_the_answer_failed(db: Database, slack: FakeSlack) -> None:
    maya = person(db, "U0MAYA", team="T1", now=datetime.now(UTC))
    work = _work(db, slack)
    with work:
        work.notify([LinkRemoved(maya)])
    with pytest.raises(ConnectionError), work.sending():
        raise ConnectionError("the response_url did not answer")
    assert len(_sent(db)) == 1


def test_a_request_sends_a_few_rows_at_most_and_leaves_the_rest_to_the_worker(
    db: Database, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    for user in ("U0R0", "U0R1", "U0R2", "U0R3", "U0BOSS"):
        slack.add_user("T1", user, name=user)
    admin = person(db, "U0ADMIN", team="T1", admin=True, now=datetime.now(UTC))
    reports = [person(db, f"U0R{n}", team="T1", now=datetime.now(UTC)) for n in range(4)]
    manager = person(db, "U0BOSS", team="T1", now=datetime.now(UTC))
    work = _work(db, slack)
    with work:
        for report in reports:  # each link set tells both people: eight rows
            changed = links.admin_set(work.session, admin=admin, report=report, manager=manager, now=work.now)
            assert changed is not None
            work.notify(changed.notices)
    with caplog.at_level(logging.INFO, logger="delivery.dispatcher"):
        report = work.send()
    assert report.sent == 5 and len(_sent(db)) == 5
    with db.session() as session:
        assert outbox.pending_count(session) == 3
    left = "outbox: 3 of the 8 rows a request wrote are left for the worker"
    assert left in caplog.messages, "a DM that comes late is explained in the log"


def test_a_request_whose_rows_all_went_logs_nothing_of_them(
    db: Database, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    maya = person(db, "U0MAYA", team="T1", now=datetime.now(UTC))
    work = _work(db, slack)
    with work:
        work.notify([LinkRemoved(maya)])
    with caplog.at_level(logging.INFO, logger="delivery.dispatcher"):
        assert work.send().sent == 1
    assert caplog.messages == []
