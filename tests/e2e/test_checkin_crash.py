"""A dispatcher killed with SIGKILL in the middle of a check-in fan-out: after a restart, every check-in
is in Slack exactly once (counted on the fake), on both databases."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from delivery.dispatcher import MARKER
from growth.checkins import enrol
from slacksim import FakeSlack
from storage.db import Database
from storage.models import Checkin
from tests.e2e.conftest import bot_environment, trellis
from tests.factories import person

FRIDAY_3PM_UTC = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
PEOPLE = 40


def test_a_fan_out_killed_midway_sends_every_remaining_check_in_exactly_once(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    for n in range(PEOPLE):
        user_id = f"U0K{n:04d}"
        slack.add_user(slack.team_id, user_id, name=f"K{n}", tz="UTC")
        someone = person(db, user_id, team=slack.team_id, now=FRIDAY_3PM_UTC - timedelta(days=4))
        with db.session() as session:
            enrol(session, person=someone, now=FRIDAY_3PM_UTC - timedelta(days=4))
    env = bot_environment(database_url, slack)
    slack.latency = 0.02
    try:
        run = [sys.executable, "-m", "bot", "jobs", "run", "checkins", "--at", FRIDAY_3PM_UTC.isoformat()]
        first = subprocess.Popen(run, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            slack.wait_for("chat.postMessage", PEOPLE // 3, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=15)
    finally:
        slack.latency = 0.0
    time.sleep(0.2)  # a request the dead process had in flight lands
    before = len(_posted(slack))
    assert 0 < before < PEOPLE, "killed in the middle of the fan-out"
    later = (FRIDAY_3PM_UTC + timedelta(minutes=3)).isoformat()  # the dead process's leases have run out
    again = trellis("jobs", "run", "checkins", "--at", later, env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "queued 0 check-ins" in again.stdout, "the week's check-ins were queued once, before the kill"
    posted = _posted(slack)
    assert len(posted) == PEOPLE and set(posted.values()) == {1}, "every check-in exactly once"
    with db.session() as session:
        assert Counter(session.exec(select(Checkin.status)).all()) == {"sent": PEOPLE}


def _posted(slack: FakeSlack) -> Counter[str]:
    return Counter(
        message["metadata"]["event_payload"]["key"]
        for message in slack.posted()
        if (message.get("metadata") or {}).get("event_type") == MARKER
    )
