"""Hostile input for every route of `handlers.routes.ROUTES`, over HTTP into the running bot, on both
databases: never a 500, never a traceback at ERROR, never silence, never a row written for a request
refused with a 4xx, never someone else's data shown or changed.

The requests are drawn by hypothesis (`tests/e2e/hostile.py`); this run is derandomised and kept small
enough for CI, and `bench/hostile_input.py` makes the larger run and prints what it found."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from tests.e2e.conftest import RunningBot
from tests.e2e.hostile import Hostile, Judge, Tally, World, requests, seed

EXAMPLES = 300


@pytest.fixture
def world(db: Database, slack: FakeSlack) -> World:
    return seed(db, slack)


def test_no_hostile_request_gets_a_500_a_traceback_a_leak_or_a_change(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database, world: World
) -> None:
    judge = Judge(running_bot.log, slack, db, world)
    tally = Tally()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(hostile=requests(world))
    def one(hostile: Hostile) -> None:
        found = (len(tally.silent), len(tally.leaks), len(tally.changed), len(tally.written))
        reply = judge.run(sender, hostile, tally)
        assert reply.status < 500, f"{reply.status} for {hostile!r}"
        assert len(tally.silent) == found[0], f"nothing said after {hostile!r}"
        assert len(tally.leaks) == found[1], f"shown to someone else: {tally.leaks[-1]} after {hostile!r}"
        assert len(tally.changed) == found[2], f"someone else's data changed by {hostile!r}"
        assert len(tally.written) == found[3], f"{reply.status}, and yet a row was written, for {hostile!r}"

    one()
    time.sleep(1)  # what listeners do after acknowledging
    judge.settle(tally)
    assert not tally.places, f"{tally.tracebacks} tracebacks at ERROR: {tally.places.most_common()}"
    assert not tally.leaks, tally.leaks
