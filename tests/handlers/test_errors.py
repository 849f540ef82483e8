"""A database that is down: the real Bolt app and WebClient, in process, with the Slack fake."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web import SlackResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from bot.app import Bot, build_bot
from bot.http import TrellisWSGI
from bot.settings import Mode, Settings
from growth.errors import NotAllowed
from handlers.errors import DATABASE_DOWN, OUT_OF_DATE, Kind, message_for
from handlers.parsing import Unreadable
from slacksim import RESPONSE_URL, FakeSlack
from storage.db import DatabaseUnavailable, is_outage

SECRET = "errors-signing-secret"
DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


@pytest.fixture
def bot(slack: FakeSlack) -> Iterator[Bot]:
    values = {
        "SLACK_BOT_TOKEN": "xoxb-t",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": DOWN,
    }
    bot = build_bot(Settings.load(Mode.HTTP, values))
    yield bot
    bot.close()


def _signed(body: str, content_type: str) -> BoltRequest:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "content-type": [content_type],
        "x-slack-request-timestamp": [stamp],
        "x-slack-signature": [signature],
    }
    return BoltRequest(body=body, headers=headers)


def _interactive(payload: dict[str, object]) -> BoltRequest:
    base = {"team": {"id": "T0TRELLIS"}, "user": {"id": "U0MAYA", "team_id": "T0TRELLIS"}, "api_app_id": "A1"}
    return _signed(urlencode({"payload": json.dumps({**base, **payload})}), "application/x-www-form-urlencoded")


def _button_in_a_message(slack: FakeSlack) -> BoltRequest:
    """A click on a button in a message: answered through a response_url the fake handed out."""
    return _interactive(
        {
            "type": "block_actions",
            "response_url": slack.response_url(),
            "trigger_id": "1.2.3",
            "container": {"type": "message", "channel_id": "D1", "message_ts": "1.2"},
            "actions": [{"action_id": "x", "block_id": "b", "type": "button", "value": "1", "action_ts": "1.3"}],
        }
    )


def test_a_command_while_the_database_is_down_gets_a_clear_ephemeral_answer(bot: Bot, slack: FakeSlack) -> None:
    body = urlencode(
        {
            "command": "/trellis",
            "text": "help",
            "team_id": "T0TRELLIS",
            "user_id": "U0MAYA",
            "response_url": slack.response_url(),
            "trigger_id": "1.2.3",
        }
    )
    response = bot.app.dispatch(_signed(body, "application/x-www-form-urlencoded"))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer == {"response_type": "ephemeral", "text": DATABASE_DOWN}


def test_a_modal_submitted_while_the_database_is_down_stays_open_with_its_text(bot: Bot) -> None:
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": "anything",
        "blocks": [
            {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "hi"}},
            {"type": "input", "block_id": "what", "element": {"type": "plain_text_input", "action_id": "a"}},
        ],
        "state": {"values": {"what": {"a": {"type": "plain_text_input", "value": "Led the review"}}}},
    }
    response = bot.app.dispatch(_interactive({"type": "view_submission", "view": view}))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["what"] == DATABASE_DOWN


def test_a_button_clicked_while_the_database_is_down_is_answered_through_response_url(
    bot: Bot, slack: FakeSlack
) -> None:
    bot.app.dispatch(_button_in_a_message(slack))
    (answer,) = slack.wait_for_responses(1)
    assert answer["text"] == DATABASE_DOWN
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False


def test_a_button_whose_answer_slack_refuses_is_answered_in_a_dm_instead(bot: Bot, slack: FakeSlack) -> None:
    slack.fail(RESPONSE_URL, status=500, times=2)  # the post and its one retry
    bot.app.dispatch(_button_in_a_message(slack))
    (told,) = slack.wait_for("chat.postMessage")
    assert (told.args["channel"], told.args["text"]) == ("U0MAYA", DATABASE_DOWN)
    assert slack.responses() == []


def test_an_answer_refused_in_place_and_in_a_dm_is_logged(
    bot: Bot, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail(RESPONSE_URL, status=500, times=2)
    slack.fail("chat.postMessage", status=200, error="channel_not_found")
    response = bot.app.dispatch(_button_in_a_message(slack))
    assert response.status == 200  # answered at the ack; the handler runs on in the listener's thread
    said = "could not tell user=U0MAYA in a DM either: channel_not_found"
    waiting = time.monotonic() + 5
    while said not in caplog.text and time.monotonic() < waiting:
        time.sleep(0.02)
    assert said in caplog.text
    assert slack.calls("chat.postMessage"), "the DM was tried"


def test_a_click_on_the_app_home_while_the_database_is_down_is_answered_in_a_dm(bot: Bot, slack: FakeSlack) -> None:
    payload = {
        "type": "block_actions",
        "trigger_id": "1.2.3",
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home", "blocks": []},
        "actions": [{"action_id": "ask_approve", "block_id": "ask:1", "type": "button", "value": "1"}],
    }
    response = bot.app.dispatch(_interactive(payload))
    assert response.status == 200
    (told,) = slack.wait_for("chat.postMessage")
    assert (told.args["channel"], told.args["text"]) == ("U0MAYA", DATABASE_DOWN), "the App Home has no response_url"


def test_an_event_while_the_database_is_down_gets_500_so_slack_delivers_it_again(bot: Bot) -> None:
    envelope = {
        "type": "event_callback",
        "team_id": "T0TRELLIS",
        "event_id": "Ev1",
        "event": {"type": "app_home_opened", "user": "U0MAYA", "tab": "home"},
    }
    response = bot.app.dispatch(_signed(json.dumps(envelope), "application/json"))
    assert response.status == 500


def test_healthz_says_503_when_the_database_is_down(bot: Bot) -> None:
    seen: list[str] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "wsgi.input": io.BytesIO()}
    body = b"".join(TrellisWSGI(bot)(environ, lambda status, headers: seen.append(status)))
    assert seen == ["503 Service Unavailable"]
    answer = json.loads(body)
    assert answer["ok"] is False
    assert "cannot reach the database" in answer["database"]


def test_a_statement_the_database_refuses_is_not_called_an_outage() -> None:
    refused = DataError("INSERT ...", {}, Exception("value too long for type character varying(32)"))
    text, kind = message_for(refused, "abc123")
    assert kind is Kind.BUG and "error abc123" in text and text != DATABASE_DOWN
    assert not is_outage(refused)
    assert not is_outage(IntegrityError("INSERT ...", {}, Exception("duplicate key")))


def test_a_database_that_cannot_be_reached_or_drops_the_connection_is_an_outage() -> None:
    assert is_outage(OperationalError("SELECT 1", {}, Exception("terminating connection due to administrator command")))
    assert is_outage(DatabaseUnavailable("cannot reach the database"))
    dropped = DBAPIError("SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True)
    assert is_outage(dropped)
    assert message_for(dropped, "x") == (DATABASE_DOWN, Kind.OUTAGE)


def test_a_stale_form_or_a_refusal_is_told_plainly() -> None:
    gone = SlackApiError(
        "views.update failed",
        SlackResponse(
            client=None,
            http_verb="POST",
            api_url="",
            req_args={},
            data={"ok": False, "error": "not_found"},
            headers={},
            status_code=200,
        ),
    )
    assert message_for(gone, "x") == (OUT_OF_DATE, Kind.UNREADABLE)
    assert message_for(Unreadable("not a row id"), "x")[1] is Kind.UNREADABLE
    assert message_for(NotAllowed("Only Maya can change it."), "x") == ("Only Maya can change it.", Kind.REFUSED)
