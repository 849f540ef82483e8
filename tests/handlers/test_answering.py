"""Answered at `ack()`: the real Bolt app, in process, with listeners that wait on what the test says."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

from delivery.responding import NotShown
from delivery.unit import after_answer
from handlers import answering
from handlers.answering import AnsweredAtAck
from slacksim import FakeSlack


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4) as pool:
        yield pool


class Harness:
    def __init__(self, pool: ThreadPoolExecutor, slack: FakeSlack) -> None:
        self.pool = pool
        self.team = slack.team_id
        self.late: list[Exception] = []
        self.handled: list[Exception] = []
        self.app = App(
            signing_secret="unused",
            request_verification_enabled=False,
            token_verification_enabled=False,
            client=WebClient(token="xoxb-test", base_url=slack.api_url),
            process_before_response=True,
        )

        @self.app.error
        def on_error(error: Exception) -> BoltResponse:
            self.handled.append(error)
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": f"failed: {error}"})

    def command(
        self, listener: Any, reported: threading.Event | None = None, *, in_request_thread: bool = False
    ) -> None:
        def late(error: Exception, _: Args) -> None:
            self.late.append(error)
            if reported:
                reported.set()

        self.app.command("/win")(AnsweredAtAck(listener, self.pool, late, in_request_thread=in_request_thread))

    def send(self, text: str = "x") -> BoltResponse:
        body = urlencode(
            {"command": "/win", "text": text, "team_id": self.team, "user_id": "U0MAYA", "trigger_id": "1.2"}
        )
        return self.app.dispatch(
            BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})
        )


@pytest.fixture
def harness(pool: ThreadPoolExecutor, slack: FakeSlack) -> Harness:
    return Harness(pool, slack)


def test_slack_has_its_answer_while_the_listener_goes_on(harness: Harness) -> None:
    go_on, finished = threading.Event(), threading.Event()

    def listener(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"got {command['text']}")
        go_on.wait(5)
        finished.set()

    harness.command(listener)
    answer = harness.send()
    assert (answer.status, answer.body) == (200, "got x")
    assert not finished.is_set(), "answered before the listener finished"
    go_on.set()
    assert finished.wait(5)


REQUEST_NOTE: contextvars.ContextVar[str] = contextvars.ContextVar("request_note", default="nothing")


def test_a_listener_runs_with_what_its_request_noted_and_no_other_requests(harness: Harness) -> None:
    """What a middleware notes in the request's context (growth.frameworks.versions does) is the
    listener's, in the pool's thread, whichever request that thread ran before."""
    heard: list[str] = []
    done = threading.Semaphore(0)

    @harness.app.middleware
    def note(body: dict[str, Any], next: Any) -> Any:
        REQUEST_NOTE.set(body["text"])
        return next()

    def listener(ack: Ack) -> None:
        ack()
        heard.append(REQUEST_NOTE.get())
        done.release()

    harness.command(listener)
    for text in ("first", "second", "third"):
        harness.send(text)
    assert all(done.acquire(timeout=5) for _ in range(3))
    assert sorted(heard) == ["first", "second", "third"]


def test_a_listener_that_fails_before_its_ack_is_answered_by_the_error_handler(harness: Harness) -> None:
    def listener(ack: Ack) -> None:
        raise RuntimeError("broken")

    harness.command(listener)
    answer = harness.send()
    assert answer.status == 200 and "failed: broken" in answer.body
    assert [str(error) for error in harness.handled] == ["broken"] and harness.late == []


def test_a_listener_that_fails_after_its_ack_is_reported_once_slack_has_its_answer(harness: Harness) -> None:
    reported = threading.Event()

    def listener(ack: Ack) -> None:
        ack()
        raise RuntimeError("after")

    harness.command(listener, reported)
    answer = harness.send()
    assert (answer.status, answer.body) == (200, "")
    assert reported.wait(5) and [str(error) for error in harness.late] == ["after"]
    assert harness.handled == [], "Bolt's handler is for failures Slack has not been answered about"


def test_a_listener_that_never_acknowledges_is_answered_empty_in_time(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(answering, "ACK_WITHIN_SECONDS", 0.2)
    release = threading.Event()

    def slow(ack: Ack) -> None:
        release.wait(5)
        ack(text="too late")

    harness.command(slow)
    started = time.monotonic()
    answer = harness.send()
    release.set()
    assert (answer.status, answer.body) == (200, "") and time.monotonic() - started < 2
    assert "slow did not acknowledge" in caplog.text


def test_a_listener_that_returns_without_acknowledging_does_not_hold_the_request(harness: Harness) -> None:
    def silent(ack: Ack) -> None:
        return None

    harness.command(silent)
    started = time.monotonic()
    answer = harness.send()
    assert time.monotonic() - started < 1 and answer.status == 404, "Bolt's own answer to nothing acknowledged"


def test_a_listener_asking_for_what_bolt_does_not_give_is_refused_at_start(pool: ThreadPoolExecutor) -> None:
    def wants_too_much(ack: Ack, mood: str) -> None: ...

    with pytest.raises(TypeError, match="mood"):
        AnsweredAtAck(wants_too_much, pool, lambda error, args: None)


def test_every_argument_bolt_gives_is_one_args_holds() -> None:
    assert {"ack", "action", "body", "client", "command", "context", "respond", "shortcut", "view"} <= set(
        Args.__annotations__
    )


def test_in_the_request_thread_the_answer_is_the_listeners_and_what_follows_it_waits_for_nobody(
    harness: Harness,
) -> None:
    go_on, followed = threading.Event(), threading.Event()
    threads: list[str] = []

    def then() -> None:
        threads.append(threading.current_thread().name)
        go_on.wait(5)
        followed.set()

    def listener(ack: Ack, command: dict[str, Any]) -> None:
        threads.append(threading.current_thread().name)
        ack(text=f"stored {command['text']}")
        after_answer(then)

    harness.command(listener, in_request_thread=True)
    answer = harness.send()
    assert (answer.status, answer.body) == (200, "stored x")
    assert not followed.is_set(), "answered before what follows the answer"
    go_on.set()
    assert followed.wait(5)
    assert threads[0] == threading.current_thread().name and threads[1] != threads[0]


def test_in_the_request_thread_a_failure_before_the_ack_is_the_error_handlers_answer(harness: Harness) -> None:
    def listener(ack: Ack) -> None:
        raise RuntimeError("broken")

    harness.command(listener, in_request_thread=True)
    answer = harness.send()
    assert answer.status == 200 and "failed: broken" in answer.body
    assert [str(error) for error in harness.handled] == ["broken"] and harness.late == []


@pytest.mark.parametrize("where", ["listener", "after the answer"])
def test_in_the_request_thread_a_failure_after_the_ack_is_reported_and_the_answer_stands(
    harness: Harness, where: str
) -> None:
    reported = threading.Event()

    def fail() -> None:
        raise RuntimeError("after")

    def listener(ack: Ack) -> None:
        ack(text="stored")
        if where == "after the answer":
            after_answer(fail)
        else:
            fail()

    harness.command(listener, reported, in_request_thread=True)
    answer = harness.send()
    assert (answer.status, answer.body) == (200, "stored")
    assert reported.wait(5) and [str(error) for error in harness.late] == ["after"]
    assert harness.handled == []


def test_after_the_answer_in_the_pool_is_now(harness: Harness) -> None:
    """A listener in the pool has answered at its ack(): what follows runs at once, in order."""
    steps: list[str] = []
    done = threading.Event()

    def listener(ack: Ack) -> None:
        ack()
        after_answer(lambda: steps.append("after"))
        steps.append("then")
        done.set()

    harness.command(listener)
    harness.send()
    assert done.wait(5) and steps == ["after", "then"]


class Redraws:
    """A `respond` that notes what it was given, in which thread; Slack refused it when `refused` is set."""

    def __init__(self, steps: list[str], refused: Any = None) -> None:
        self.steps, self.refused = steps, refused

    def __call__(self, text: str = "", **_: Any) -> None:
        self.steps.append(f"redrawn {text} in {threading.current_thread().name}")


@pytest.mark.parametrize("refused", [False, True])
def test_in_the_request_thread_the_redraw_is_made_there_and_what_follows_it_after_the_listener(
    harness: Harness, refused: bool
) -> None:
    steps: list[str] = []
    done = threading.Event()
    here = threading.current_thread().name
    redraws = Redraws(steps, WebhookResponse(url="u", status_code=500, body="", headers={}) if refused else None)

    @harness.app.middleware
    def give_respond(context: dict[str, Any], next: Any) -> Any:
        context["respond"] = redraws
        return next()

    def sent() -> None:
        steps.append("sent")
        done.set()

    def listener(ack: Ack, respond: Any) -> None:
        ack()
        respond(text="win")
        after_answer(sent)
        steps.append("listener done")

    harness.command(listener, in_request_thread=True)
    assert harness.send().status == 200
    assert done.wait(5) and steps == [f"redrawn win in {here}", "listener done", "sent"]
    deadline = time.monotonic() + 5
    while refused and not harness.late and time.monotonic() < deadline:
        time.sleep(0.01)  # reported after what followed the redraw
    assert [type(error) for error in harness.late] == ([NotShown] if refused else [])
