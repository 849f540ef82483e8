"""Slack is answered the moment a listener calls `ack()`; what the listener does after that runs on.

Bolt's thread mode gives that, but it waits for the `ack()` by polling: the request's thread sleeps
10 ms at a time until a listener thread has called it (`ThreadListenerRunner.run`). Every answer is
rounded up to the next 10 ms, and the wake-ups cost more CPU than Bolt's whole work on a request
(bench/http_ack.py: a bare Bolt app spends 0.55 ms of CPU a request in thread mode, 0.11 ms without).
Bolt has no setting for it, so Trellis runs Bolt with `process_before_response=True` (each listener in
the request's thread) and registers every command, shortcut, click and form as `AnsweredAtAck`: the
listener runs in the listener pool, and the request's thread waits on an event that `ack()` sets.

What Bolt's thread mode guarantees stays so: a listener that fails before it acknowledged is answered
by the app's error handler (Bolt calls it: the request then fails); one that fails after is reported to
the same handler, as Bolt does, since Slack already has its answer; so is an answer to the response_url
that Slack refused (`delivery.responding.NotShown`). Events are not registered this way:
they are answered only after their work (`handlers.deliveries`).

A listener whose work comes before its answer reaches anyone gains nothing from the pool: `/win` with
its text answers with the win stored, and a click on a win's message is seen when its message is
redrawn, after the change. The pool costs them the hand-over between two threads, which is not in the
instructions Python runs (bench/request_cost.py counts the same either way) but in waking threads under
load. Such a route runs in the request's own thread (`in_request_thread`), and its message is redrawn
there too. At 20 clicks in flight (bench/http_ack.py) the message was redrawn at p50 45-57 ms against
85 ms on PostgreSQL, 43-46 against 116-119 ms on SQLite; handing the redraw alone to the pool made it
come 30 ms later and cost 1 ms more CPU a click (one pair of runs, PostgreSQL). What may wait on Slack
goes to the pool once the listener is done, in order (`delivery.unit.after_answer`): a change's own
messages, a form to open, and a redraw's retry after a 5xx or a 429 (`delivery.responding`). So Slack's
being slow holds such an answer for one post at most, and such a listener calls Slack no other way.
Without the pool there is no answering empty at three seconds.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

from slack_bolt.kwargs_injection.args import Args

from delivery.responding import NotShown
from delivery.unit import answering_in_request

log = logging.getLogger("trellis.answering")

# Slack gives up on an answer after three seconds; a listener that has not acknowledged by then is
# answered empty (it runs on, and its own failure, if any, reaches the error handler).
ACK_WITHIN_SECONDS = 3.0

LateError = Callable[[Exception, Args], None]


class AnsweredAtAck:
    """A listener run in `pool`, its request answered as soon as it calls `ack()`."""

    def __init__(
        self,
        listener: Callable[..., Any],
        pool: Executor,
        on_late_error: LateError,
        *,
        in_request_thread: bool = False,
    ) -> None:
        self.listener, self.pool, self.on_late_error = listener, pool, on_late_error
        self.in_request_thread = in_request_thread
        self.wants = list(inspect.signature(listener).parameters)
        unknown = [name for name in self.wants if name not in Args.__annotations__]
        if unknown:
            raise TypeError(f"listener {listener.__name__} wants {unknown}, which Bolt does not give")
        self.__name__ = getattr(listener, "__name__", type(listener).__name__)  # Bolt's logs name listeners

    def __call__(self, args: Args) -> None:
        if self.in_request_thread:
            self._in_request_thread(args)
            return
        acked = threading.Event()
        failed: list[Exception] = []
        kwargs = self._arguments(args, acked)

        def run() -> None:
            try:
                self.listener(**kwargs)
                refused = _refused(args)
                if refused is not None:
                    raise NotShown(refused)  # the person is told another way, as of any failure
            except Exception as error:
                if acked.is_set():
                    self.on_late_error(error, args)
                else:
                    failed.append(error)
            finally:
                acked.set()  # a listener that never acknowledged: the request is not left waiting

        self.pool.submit(contextvars.copy_context().run, run)  # what the request noted, in the listener's thread
        if not acked.wait(ACK_WITHIN_SECONDS):
            log.warning("%s did not acknowledge within %.0f s; answered empty", self.__name__, ACK_WITHIN_SECONDS)
            args.ack()
            return
        if failed:
            raise failed[0]  # Bolt hands it to the app's error handler, whose answer Slack gets

    def _in_request_thread(self, args: Args) -> None:
        """The listener here; what it hands `after_answer`, and a failure after its ack, wait in order and
        then run in the pool: one hand-over, once the listener is done."""
        acked = threading.Event()
        queued: list[Callable[[], object]] = []
        try:
            with answering_in_request(queued.append):
                self.listener(**self._arguments(args, acked))
        except Exception as error:
            if not acked.is_set():
                raise  # Bolt hands it to the app's error handler, whose answer Slack gets
            queued.append(partial(self.on_late_error, error, args))
        finally:
            if queued or _refused(args) is not None:
                self.pool.submit(contextvars.copy_context().run, self._after_answer, queued, args)

    def _after_answer(self, queued: list[Callable[[], object]], args: Args) -> None:
        """In order; one that fails is reported and the rest still run (a change's own messages go out
        even when its answer could not be shown), as they would in the listener's own thread."""
        for then in queued:
            try:
                then()
            except Exception as error:
                self.on_late_error(error, args)
        refused = _refused(args)
        if refused is not None:
            self.on_late_error(NotShown(refused), args)  # the person is told another way

    def _arguments(self, args: Args, acked: threading.Event) -> dict[str, Any]:
        """What the listener asks for, its `ack` noting in `acked` that Slack has its answer."""

        def ack(*given: Any, **named: Any) -> Any:
            try:
                return args.ack(*given, **named)
            finally:
                acked.set()

        return {name: ack if name == "ack" else getattr(args, name) for name in self.wants}


def _refused(args: Args) -> Any:
    """The answer Slack refused at the response_url, if any (delivery.responding.PooledRespond)."""
    return getattr(args.respond, "refused", None)
