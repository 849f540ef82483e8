"""`respond()` over kept-alive connections: Bolt's body, one connection for many posts, Slack's
failures retried as the request clients retry them (against the Slack fake, over real HTTP)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from slack_bolt.context.respond import Respond
from slack_sdk.models.blocks import SectionBlock

from delivery.responding import Responder
from delivery.unit import answering_in_request
from slacksim import RESPONSE_URL, FakeSlack


def test_the_body_is_the_one_bolts_respond_posts(slack: FakeSlack) -> None:
    responder = Responder()
    shapes = [
        {"text": "Logged", "blocks": [SectionBlock(text="*Logged*")], "replace_original": True},
        {"text": "Only you", "response_type": "ephemeral", "unfurl_links": False},
        {"text": {"text": "Whole message", "delete_original": True}},
    ]
    for shape in shapes:
        Respond(response_url=slack.response_url())(**shape)
        answer = responder.for_url(slack.response_url())(**shape)
        assert answer.status_code == 200 and answer.body == "ok"
    bolts, ours = slack.responses()[0::2], slack.responses()[1::2]
    assert ours == bolts and len(ours) == 3


def test_many_posts_share_one_kept_connection(slack: FakeSlack) -> None:
    responder = Responder()
    url = slack.response_url()
    for n in range(5):
        assert responder.for_url(url)(text=f"redrawn {n}", replace_original=True).status_code == 200
    assert responder.pool.connection_from_url(url).num_connections == 1
    assert [body["text"] for body in slack.responses()] == [f"redrawn {n}" for n in range(5)]


def test_a_5xx_is_tried_once_more(slack: FakeSlack) -> None:
    slack.fail(RESPONSE_URL, status=500)
    answer = Responder().for_url(slack.response_url())(text="after one failure")
    assert answer.status_code == 200
    assert [body["text"] for body in slack.responses()] == ["after one failure"]


def test_a_second_5xx_is_reported_not_raised_and_nothing_is_posted(slack: FakeSlack) -> None:
    slack.fail(RESPONSE_URL, status=503, times=2)
    respond = Responder().for_url(slack.response_url())
    answer = respond(text="never shown")
    assert answer.status_code == 503
    assert slack.responses() == []
    assert respond.refused is answer, "kept, so whoever ran the listener can tell the person another way"
    assert respond(text="shown later").status_code == 200
    assert respond.refused is answer, "the first refusal is the one kept"


def test_an_answer_slack_took_leaves_nothing_refused(slack: FakeSlack) -> None:
    respond = Responder().for_url(slack.response_url())
    respond(text="shown")
    respond({"text": "shown again", "replace_original": True})
    assert respond.refused is None


def test_a_short_429_is_waited_out(slack: FakeSlack) -> None:
    slack.fail(RESPONSE_URL, status=429, retry_after=1)
    started = time.monotonic()
    answer = Responder().for_url(slack.response_url())(text="after a pause")
    assert answer.status_code == 200 and time.monotonic() - started >= 1
    assert [body["text"] for body in slack.responses()] == ["after a pause"]


def test_a_long_429_is_not_waited_for_in_a_request_thread(slack: FakeSlack) -> None:
    slack.fail(RESPONSE_URL, status=429, retry_after=30)
    started = time.monotonic()
    answer = Responder().for_url(slack.response_url())(text="too long to wait")
    assert answer.status_code == 429 and answer.headers.get("Retry-After") == "30"
    assert time.monotonic() - started < 5
    assert slack.responses() == []


def test_odd_text_arrives_whole(slack: FakeSlack) -> None:
    text = "Zoë shipped 🚀 — <!channel> ```code``` " + "é" * 3000
    assert Responder().for_url(slack.response_url())(text=text).status_code == 200
    assert slack.responses()[0]["text"] == text


@pytest.mark.parametrize("failures", [1, 2])
def test_in_a_requests_own_thread_the_retry_waits_until_after_the_answer(slack: FakeSlack, failures: int) -> None:
    """handlers.answering: the first post is made at once, the retry is handed on, not waited for."""
    slack.fail(RESPONSE_URL, status=429, retry_after=1, times=failures)
    later: list[Callable[[], object]] = []
    respond = Responder().for_url(slack.response_url())
    started = time.monotonic()
    with answering_in_request(later.append):
        answer = respond(text="redrawn")
    assert answer.status_code == 429 and time.monotonic() - started < 1, "no wait in the request's thread"
    assert respond.refused is None and slack.responses() == [] and len(later) == 1
    later[0]()  # after the answer, in the pool
    assert time.monotonic() - started >= 1
    if failures == 1:
        assert respond.refused is None and [body["text"] for body in slack.responses()] == ["redrawn"]
    else:
        assert respond.refused is not None and respond.refused.status_code == 429 and slack.responses() == []
