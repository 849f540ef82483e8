"""A request's unit of work: one transaction, the notices its change raised, and then, once the person's
answer is shown, the sending of exactly the rows that transaction wrote.

    with services.work() as work:
        decided = asks.decide(work.session, ...)
        work.notify(decided.notices)
    with work.sending():    # the person's answer first; then, even if answering failed,
        respond(...)        # this change's own messages (a few at most). The rest is the worker's.

"After the answer" is `after_answer`: a listener run in the listener pool has answered Slack at its
`ack()`, so what follows runs there at once; one run in the request's own thread (`handlers.answering`)
has not, so its request hands it a way to run things once the answer is on its way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlmodel import Session

from delivery.dispatcher import Dispatcher, Report
from delivery.outbound import Outbound
from growth.notices import Notice
from storage.db import Database

Later = Callable[[Callable[[], object]], None]

# Set by a request whose listener runs in the request's own thread: how to run something after its answer.
_LATER: ContextVar[Later | None] = ContextVar("trellis_after_answer", default=None)


def after_answer(then: Callable[[], object]) -> None:
    """Run `then` once Slack has this request's answer: call it after `ack()`. In the listener pool that
    is now; in the request's thread it is handed on (`answering_in_request`), so the answer is not held."""
    later = _LATER.get()
    if later is None:
        then()
    else:
        later(then)


@contextmanager
def answering_in_request(later: Later) -> Iterator[None]:
    """While a listener runs in the request's thread, `after_answer` hands its work to `later`."""
    token = _LATER.set(later)
    try:
        yield
    finally:
        _LATER.reset(token)


class Work:
    def __init__(self, db: Database, outbound: Outbound, dispatcher: Dispatcher, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.outbound = outbound
        self.dispatcher = dispatcher
        self.now = clock()
        self._session: Session | None = None
        self._written: list[int] = []
        self._committed = False

    @property
    def session(self) -> Session:
        assert self._session is not None, "use the unit of work as a context manager"
        return self._session

    def notify(self, notices: Iterable[Notice]) -> None:
        """Queue what `notices` say, in this transaction."""
        self._written += self.outbound.queue(self.session, notices, now=self.now)

    def __enter__(self) -> Work:
        self._context = self._transaction()
        self._context.__enter__()
        return self

    def __exit__(self, *failure: object) -> None:
        self._context.__exit__(*failure)  # type: ignore[arg-type]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.db.session() as session:
            self._session = session
            yield
        self._committed = True

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Show the person's answer inside this block; the rows this unit wrote are sent after it."""
        try:
            yield
        finally:
            after_answer(self.send)

    def send(self) -> Report:
        """After the answer: send the rows this unit wrote (only once its transaction committed)."""
        if not self._committed or not self._written:
            return Report()
        written, self._written = self._written, []
        return self.dispatcher.send_rows(written)
