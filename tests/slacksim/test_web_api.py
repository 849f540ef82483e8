"""The fake answers the real slack_sdk WebClient the way Slack does, and fails when told to."""

from __future__ import annotations

import time

import pytest
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_client import SlackClients
from slacksim import FakeSlack, tiers


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return SlackClients(slack.api_url).for_outbox("xoxb-test")


def test_the_methods_the_bot_calls_answer_in_slacks_shapes(client: WebClient, slack: FakeSlack) -> None:
    assert client.auth_test()["team_id"] == slack.team_id
    assert client.users_info(user="U0MAYA")["user"]["tz"] == "Europe/Paris"
    channel = client.conversations_open(users="U0MAYA")["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, text="hi", blocks=[{"type": "divider"}])
    assert posted["message"]["text"] == "hi"
    assert client.chat_update(channel=channel, ts=posted["ts"], text="edited")["text"] == "edited"
    assert "permalink" in client.chat_getPermalink(channel=channel, message_ts=posted["ts"]).data
    assert client.chat_postEphemeral(channel=channel, user="U0MAYA", text="only you")["message_ts"]
    opened = client.views_open(trigger_id=slack.trigger_id(), view={"type": "modal", "blocks": []})
    view_id = opened["view"]["id"]
    assert client.views_update(view_id=view_id, view={"type": "modal", "blocks": []})["view"]["id"] == view_id
    assert client.views_publish(user_id="U0MAYA", view={"type": "home", "blocks": []})["ok"]
    assert [call.method for call in slack.calls()][:3] == ["auth.test", "users.info", "conversations.open"]


def test_files_upload_v2_goes_through_the_three_steps(client: WebClient, slack: FakeSlack) -> None:
    response = client.files_upload_v2(channel="D0MAYA", content=b"# Packet\n", filename="packet.md", title="Packet")
    file_id = response["files"][0]["id"]
    assert slack.uploaded(file_id) == b"# Packet\n"
    assert [call.method for call in slack.calls()] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_slack_errors_come_back_as_slack_does(client: WebClient, slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as unknown_user:
        client.users_info(user="U0NOBODY")
    assert unknown_user.value.response["error"] == "user_not_found"
    with (
        pytest.raises(SlackApiError) as no_text,
        pytest.warns(UserWarning, match="`text` argument is missing"),
    ):
        client.chat_postMessage(channel="D0MAYA")
    assert no_text.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as stale:
        client.views_open(trigger_id="", view={"type": "modal", "blocks": []})
    assert stale.value.response["error"] == "invalid_trigger_id"
    with pytest.raises(SlackApiError) as bad_token:
        WebClient(token="nope", base_url=slack.api_url).auth_test()
    assert bad_token.value.response["error"] == "invalid_auth"


def test_failure_switches_answer_429_with_retry_after_then_recover(client: WebClient, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=7, times=1)
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="D0MAYA", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="D0MAYA", text="x")["ok"]


def test_the_request_client_waits_out_a_short_retry_after(slack: FakeSlack) -> None:
    client = SlackClients(slack.api_url).for_requests("xoxb-test")
    slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel="D0MAYA", text="x")["ok"]
    assert time.monotonic() - started >= 1.0
    assert len(slack.calls("chat.postMessage")) == 2


def test_the_request_client_never_sleeps_long_inside_a_request(slack: FakeSlack) -> None:
    client = SlackClients(slack.api_url).for_requests("xoxb-test")
    slack.fail("chat.postMessage", status=429, retry_after=30, times=1)
    started = time.monotonic()
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="D0MAYA", text="x")
    assert time.monotonic() - started < 5
    assert len(slack.calls("chat.postMessage")) == 1


def test_the_request_client_retries_one_server_error(slack: FakeSlack) -> None:
    client = SlackClients(slack.api_url).for_requests("xoxb-test")
    slack.fail("views.publish", status=500, times=1)
    assert client.views_publish(user_id="U0MAYA", view={"type": "home", "blocks": []})["ok"]
    slack.fail("views.publish", status=503, times=2)
    with pytest.raises(SlackApiError):
        client.views_publish(user_id="U0MAYA", view={"type": "home", "blocks": []})


def test_the_outbox_client_reports_every_failure_at_once(client: WebClient, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=500, times=1)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="D0MAYA", text="x")
    assert len(slack.calls("chat.postMessage")) == 1


def test_slacks_published_tiers_limit_each_method_apart(client: WebClient, slack: FakeSlack) -> None:
    slack.install(slack.team_id)
    slack.limit(tiers(post_message=5))
    token_client = SlackClients(slack.api_url).for_outbox(f"xoxb-{slack.team_id}-installed")
    opened = 0
    with pytest.raises(SlackApiError) as limited:
        for _ in range(60):
            token_client.conversations_open(users="U0MAYA")
            opened += 1
    assert opened == 50, "Tier 3: a minute's 50 calls at once, then 429"
    assert int(limited.value.response.headers["Retry-After"]) >= 1
    posted = 0
    with pytest.raises(SlackApiError):
        for _ in range(10):
            token_client.chat_postMessage(channel="U0MAYA", text="hi")
            posted += 1
    assert posted == 5, "chat.postMessage has its own, chosen workspace rate"
    assert token_client.views_publish(user_id="U0MAYA", view={"type": "home", "blocks": []})["ok"]
    assert token_client.auth_test()["ok"], "methods outside the tiers are not limited"


def test_the_tier_table_names_slacks_tiers() -> None:
    limits = tiers(post_message=50)
    assert limits["conversations.open"] * 60 == pytest.approx(50)
    assert limits["users.list"] * 60 == pytest.approx(20)
    assert limits["users.info"] * 60 == limits["views.publish"] * 60 == pytest.approx(100)
    assert tiers(post_message=50, commercial=True)["conversations.history"] * 60 == pytest.approx(1)


def test_an_image_block_shows_a_slack_file_only_once_it_is_an_uploaded_image_of_the_workspace(
    client: WebClient, slack: FakeSlack
) -> None:
    def home(**image: object) -> dict[str, object]:
        return {"type": "home", "blocks": [{"type": "image", "alt_text": "a chart", **image}]}

    private = client.files_upload_v2(content=b"\x89PNG...", filename="readiness.png", title="Readiness")
    file_id = private["file"]["id"]
    assert "channel_id" not in slack.completion_of(file_id).args, "uploaded without sharing it anywhere"
    assert client.views_publish(user_id="U0MAYA", view=home(slack_file={"id": file_id}))["ok"]
    text = client.files_upload_v2(content=b"# Packet", filename="packet.md", title="Packet")["file"]["id"]
    elsewhere = slack.install("T0OTHER")
    for view, said in (
        (home(slack_file={"id": "F00000404"}), "invalid slack file"),
        (home(slack_file={"id": text}), "invalid slack file"),  # not an image
        (home(slack_file={"id": file_id, "url": "https://files.slack.com/x"}), "exactly one of id and url"),
        (home(), "exactly one of image_url and slack_file"),
    ):
        with pytest.raises(SlackApiError) as refused:
            client.views_publish(user_id="U0MAYA", view=view)
        assert refused.value.response["error"] == "invalid_blocks" and said in refused.value.response["errors"][0]
    other = SlackClients(slack.api_url).for_outbox(elsewhere)
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        other.views_publish(user_id="U0MAYA", view=home(slack_file={"id": file_id}))
    assert client.files_delete(file=file_id)["ok"] and slack.deleted(file_id)
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.views_publish(user_id="U0MAYA", view=home(slack_file={"id": file_id}))
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_delete(file=file_id)


def test_a_response_url_records_how_long_its_first_answer_took(slack: FakeSlack) -> None:
    answered, unanswered = slack.response_url(), slack.response_url()
    time.sleep(0.02)
    for n in range(2):  # a second post to the same url is a later redraw, not a new wait
        assert Respond(response_url=answered)(text=f"redrawn {n}", replace_original=True).status_code == 200
    delays = slack.response_delays()
    assert len(delays) == 1 and 0.02 <= delays[0] < 5
    assert unanswered and len(slack.responses()) == 2
