"""`trellis serve`, the one-machine default: Socket Mode against the fake, with the scheduler in process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from slacksim import FakeSlack
from storage import outbox
from storage.db import Database
from tests.e2e.conftest import bot_environment
from tests.faults import failing_writes


@pytest.fixture
def socket_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[FakeSlack]:
    env = bot_environment(database_url, slack, SLACK_APP_TOKEN="xapp-1-socket")
    del env["SLACK_SIGNING_SECRET"]
    slack.socket_mode.connected.clear()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if not slack.socket_mode.connected.wait(30):
            process.kill()
            raise AssertionError(f"no Socket Mode connection: {process.stderr.read().decode()}")
        yield slack
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def _command(slack: FakeSlack, text: str) -> dict[str, object]:
    return {
        "token": "legacy",
        "team_id": slack.team_id,
        "team_domain": "trellis-demo",
        "channel_id": "C0GENERAL",
        "user_id": "U0MAYA",
        "user_name": "maya",
        "command": "/trellis",
        "text": text,
        "api_app_id": "A0TRELLIS",
        "response_url": slack.response_url(),
        "trigger_id": slack.trigger_id(),
    }


def _home_opened(slack: FakeSlack, event_id: str) -> dict[str, object]:
    """Maya opens her App Home: the event_callback as Slack sends it over Socket Mode."""
    return {
        "type": "event_callback",
        "team_id": slack.team_id,
        "api_app_id": "A0TRELLIS",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U0MAYA", "channel": "D0MAYA", "tab": "home"},
    }


def test_trellis_help_over_socket_mode(socket_bot: FakeSlack, db: Database) -> None:
    envelope = socket_bot.socket_mode.push("slash_commands", _command(socket_bot, "help"))
    answer = socket_bot.socket_mode.ack(envelope)["payload"]
    assert answer["response_type"] == "ephemeral"
    assert "/trellis help" in json.dumps(answer["blocks"])


def test_app_home_opened_over_socket_mode(socket_bot: FakeSlack, db: Database) -> None:
    event = _home_opened(socket_bot, "Ev0SOCKET1")
    socket_bot.socket_mode.ack(socket_bot.socket_mode.push("events_api", event))
    (call,) = socket_bot.wait_for("views.publish")
    assert call.args["user_id"] == "U0MAYA"


def test_the_in_process_scheduler_sends_what_is_due(socket_bot: FakeSlack, db: Database) -> None:
    with db.session() as session:
        payload = {"channel": "U0MAYA", "text": "your weekly check-in"}
        outbox.enqueue(
            session,
            team_id=socket_bot.team_id,
            key="tick",
            method="chat.postMessage",
            payload=payload,
            now=datetime.now(UTC),
        )
    (call,) = socket_bot.wait_for("chat.postMessage", timeout=20)
    assert call.args["text"] == "your weekly check-in"


def test_an_event_socket_mode_could_not_handle_is_acted_on_when_slack_delivers_it_again(
    socket_bot: FakeSlack, db: Database
) -> None:
    """Unacknowledged envelopes are delivered again; the retry is recognised by its event_id alone."""
    event = _home_opened(socket_bot, "Ev0SOCKETRETRY")
    with failing_writes(db, "people"):
        unacknowledged = socket_bot.socket_mode.push("events_api", event)
        assert socket_bot.socket_mode.acked(unacknowledged, within=3) is None, "not acknowledged: Slack retries"
    assert socket_bot.calls("views.publish") == []

    socket_bot.socket_mode.ack(socket_bot.socket_mode.push("events_api", event, retry_attempt=1))
    (published,) = socket_bot.wait_for("views.publish")
    assert published.args["user_id"] == "U0MAYA"

    socket_bot.socket_mode.ack(socket_bot.socket_mode.push("events_api", event, retry_attempt=2))
    time.sleep(0.5)
    assert len(socket_bot.calls("views.publish")) == 1, "acted on once"
