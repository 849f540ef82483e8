"""What listeners need from the process, handed to them on Bolt's context by a middleware."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_bolt import BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners

from delivery.dispatcher import Dispatcher
from delivery.outbound import Outbound
from delivery.responding import Responder
from delivery.unit import Work
from growth.frameworks.model import Framework
from storage.db import Database

SERVICES_KEY = "trellis_services"


@dataclass(frozen=True)
class Services:
    db: Database
    dispatcher: Dispatcher
    outbound: Outbound
    clock: Callable[[], datetime]
    frameworks: tuple[Framework, ...]  # what a workspace starts on (TRELLIS_FRAMEWORK first)
    ask_follow_up: timedelta = timedelta(days=7)  # after "Try it out", when the person is asked how it went
    anonymity_min: int = 3  # anonymous feedback is shown only when at least this many answered
    revocations: TokenRevocationListeners | None = None  # Bolt's, on the installation store (OAuth only)
    responder: Responder = field(default_factory=Responder)  # `respond` over kept-alive connections

    def work(self) -> Work:
        """A unit of work for one change: `with services.work() as work: ...`, then the answer to the
        person inside `with work.sending():` (see `delivery.unit`)."""
        return Work(self.db, self.outbound, self.dispatcher, self.clock)


def services_of(context: BoltContext) -> Services:
    services = context.get(SERVICES_KEY)
    assert isinstance(services, Services), "the services middleware must run first"
    return services
