"""Slack's requests over real HTTP into `trellis serve --http`, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text as sql
from sqlmodel import func, select

from slacksim import FakeSlack, SlackSender, http
from storage.db import Database
from storage.models import EventReceipt, Person
from tests.e2e.conftest import RunningBot

FORM = "application/x-www-form-urlencoded"


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _person(db: Database, user_id: str) -> Person | None:
    with db.session() as session:
        return session.exec(select(Person).where(Person.slack_user_id == user_id)).first()


def test_healthz_reports_the_database(running_bot: RunningBot, db: Database) -> None:
    reply = http(running_bot.url + "/healthz")
    assert reply.status == 200
    assert reply.json() == {"ok": True, "database": "ok"}


def test_url_verification_echoes_the_challenge(sender: SlackSender, db: Database) -> None:
    reply = sender.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert reply.status == 200
    assert reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_trellis_help_answers_ephemerally_with_the_command_list(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    for text in ("help", "", "  HELP  "):
        reply = sender.command("/trellis", text, user_id="U0MAYA", user_name="maya")
        assert reply.status == 200
        body = reply.json()
        assert body["response_type"] == "ephemeral"
        assert "/trellis help" in json.dumps(body["blocks"])
        assert body["text"]


def test_an_unknown_subcommand_answers_with_help_not_silence(sender: SlackSender, db: Database) -> None:
    reply = sender.command("/trellis", "<!channel> frobnicate", user_id="U0MAYA")
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    first = body["blocks"][0]["text"]["text"]
    assert first.startswith("I don't know `/trellis &lt;!channel&gt;`")
    assert "<!channel>" not in json.dumps(body)
    assert "/trellis help" in json.dumps(body["blocks"])


def test_a_command_this_version_does_not_serve_says_so(sender: SlackSender, db: Database) -> None:
    body = sender.command("/growth", "Led the incident review", user_id="U0MAYA").json()
    assert body["response_type"] == "ephemeral"
    assert "isn't available in this version" in body["text"]


def test_the_first_interaction_creates_the_person_from_users_info(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    sender.command("/trellis", "help", user_id="U0MAYA", user_name="maya")
    person = _person(db, "U0MAYA")
    assert person is not None
    assert (person.display_name, person.tz, person.team_id) == ("Maya", "Europe/Paris", slack.team_id)
    sender.command("/trellis", "help", user_id="U0MAYA")
    assert len(slack.calls("users.info")) == 1, "a fresh profile is not fetched again"


def test_users_info_failing_still_answers_and_keeps_the_person(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    slack.fail("users.info", status=500, times=None)
    reply = sender.command("/trellis", "help", user_id="U0MAYA", user_name="maya")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    person = _person(db, "U0MAYA")
    assert person is not None and person.display_name == "maya" and person.tz is None


def _idle_in_a_transaction(db: Database) -> list[str]:
    """The bot's PostgreSQL sessions holding a transaction open on a lookup of people while doing nothing
    (only those: the outbox's senders pass through that state for a moment between their statements).
    SQLite has no such view: its driver begins no transaction for a lookup, and a writer's turn is held
    only while writing."""
    if not db.is_postgres:
        return []
    with db.engine.connect() as connection:
        held = connection.execute(
            sql(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database()"
                " AND state LIKE 'idle in transaction%' AND query LIKE '%FROM people%'"
            )
        )
        return [row.query for row in held]


def test_someone_new_while_slack_is_slow_holds_no_transaction_open_while_users_info_answers(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    """users.info is asked before the person's transaction begins: a few new people at once while Slack
    is slow leave no pooled connection waiting on Slack, and every other request gets one."""
    slack.slow("users.info", 1.0)
    with ThreadPoolExecutor(max_workers=1) as pool:
        reply = pool.submit(sender.command, "/trellis", "help", user_id="U0MAYA", user_name="maya")
        slack.wait_for("users.info", answered=False)
        held = _idle_in_a_transaction(db)
        assert reply.result(timeout=10).status == 200
    assert held == [], "a transaction was open while Slack answered"
    person = _person(db, "U0MAYA")
    assert person is not None and (person.display_name, person.tz) == ("Maya", "Europe/Paris")


def test_app_home_opened_publishes_the_home_view(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    assert sender.app_home_opened("U0MAYA").status == 200
    (call,) = slack.wait_for("views.publish")
    assert call.args["user_id"] == "U0MAYA"
    view = call.args["view"]
    assert view["type"] == "home"
    assert "Hi Maya!" in json.dumps(view["blocks"])
    assert "Europe/Paris" in json.dumps(view["blocks"])


def test_a_retried_event_delivery_acts_once(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    first = sender.app_home_opened("U0MAYA", event_id="Ev0RETRY1")
    assert first.status == 200 and "x-slack-no-retry" not in first.headers
    slack.wait_for("views.publish")
    for retry in (1, 2):
        again = sender.app_home_opened("U0MAYA", event_id="Ev0RETRY1", retry_num=retry)
        # answered by the middleware, before any listener ran: there is nothing left to wait for
        assert (again.status, again.headers.get("x-slack-no-retry")) == (200, "1")
    assert len(slack.calls("views.publish")) == 1
    assert _count(db, EventReceipt) == 1


def _nothing_touched(slack: FakeSlack, db: Database) -> None:
    assert slack.calls() == [] or {c.method for c in slack.calls()} <= {"auth.test"}
    assert _count(db, Person) == 0
    assert _count(db, EventReceipt) == 0


def test_a_forged_signature_gets_401_and_touches_nothing(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    body = b"command=%2Ftrellis&text=help&team_id=T0TRELLIS&user_id=U0MAYA"
    assert sender.post(body, FORM, signature="v0=" + "0" * 64).status == 401
    other = SlackSender(sender.url, "not-the-secret", slack)
    assert other.command("/trellis", "help", user_id="U0MAYA").status == 401
    assert other.app_home_opened("U0MAYA").status == 401
    _nothing_touched(slack, db)


def test_a_timestamp_older_than_five_minutes_gets_401(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    body = b"command=%2Ftrellis&text=help&team_id=T0TRELLIS&user_id=U0MAYA"
    stale = str(int(time.time()) - 6 * 60)
    assert sender.post(body, FORM, timestamp=stale).status == 401
    _nothing_touched(slack, db)


def test_a_missing_or_non_numeric_timestamp_gets_401_not_500(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    body = b"command=%2Ftrellis&text=help&team_id=T0TRELLIS&user_id=U0MAYA"
    assert sender.post(body, FORM, timestamp="", signature=sender.sign(body, "0")).status == 401
    assert sender.post(body, FORM, timestamp="yesterday", signature="v0=abc").status == 401
    assert sender.post(body, FORM, timestamp="1e9", signature="v0=abc").status == 401
    _nothing_touched(slack, db)


def test_a_signed_body_that_is_not_slacks_shape_gets_400_and_writes_nothing(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    assert sender.post(b"hello=world", FORM).status == 400
    assert sender.post(json.dumps({"event": {"type": "app_home_opened"}}).encode(), "application/json").status == 400
    assert sender.post(b"{not json", "application/json").status == 400
    assert sender.post(b"payload=%7Bbroken", FORM).status == 400
    envelope = {"type": "event_callback", "team_id": "T0TRELLIS", "event": "not an object", "event_id": "Ev1"}
    assert sender.post(json.dumps(envelope).encode(), "application/json").status == 400
    _nothing_touched(slack, db)


def test_unknown_paths_are_404(running_bot: RunningBot, db: Database) -> None:
    assert http(running_bot.url + "/nope").status == 404
    assert http(running_bot.url + "/slack/events").status == 404


def test_a_body_that_is_not_utf8_gets_400_signed_or_not_and_touches_nothing(
    sender: SlackSender, slack: FakeSlack, db: Database, running_bot: RunningBot
) -> None:
    before = running_bot.logged()
    for body, content_type in (
        (b"command=%2Ftrellis&text=\xff\xfe&team_id=T0TRELLIS&user_id=U0MAYA", FORM),
        (b'{"type": "event_callback", "event_id": "Ev1", "event": {"text": "\xc3\x28"}}', "application/json"),
    ):
        assert sender.post(body, content_type, signature="v0=" + "0" * 64).status == 400
        stamp = str(int(time.time()))
        assert sender.post(body, content_type, timestamp=stamp, signature="v0=" + "1" * 64).status == 400
    assert "Traceback" not in running_bot.logged()[len(before) :]
    _nothing_touched(slack, db)
