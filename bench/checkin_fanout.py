"""The weekly check-in fan-out under Slack's rate limits, on SQLite and PostgreSQL.

10,000 people across three workspaces are due their check-in. One tick queues them all; then D
dispatcher processes (`trellis worker`'s dispatcher, as separate processes) send them through the
local Slack fake, which enforces a rate limit per workspace and method (conversations.open and
chat.postMessage each R calls a second; beyond it, 429 with Retry-After). The directory (users.list)
is refreshed by the tick first, as the `checkins` job does.

Reported: the tick's time, the fan-out's throughput as a fraction of the allowed rate (3 workspaces x
R check-ins a second), 429s received, duplicates and losses (counted on the fake, by the key every
message carries in its metadata). The second run kills one dispatcher with SIGKILL when a third of the
check-ins are out and starts a replacement at once; the rows the dead process held come back when
their lease (60 s) runs out, and are checked against the DM before they are sent again. Run from the repository root:

    python bench/checkin_fanout.py [--people 10000] [--rate 50] [--dispatchers 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bot.slack_client import SlackClients  # noqa: E402
from delivery.dispatcher import MARKER, Dispatcher  # noqa: E402
from delivery.outbound import Outbound  # noqa: E402
from delivery.senders.checkins import senders  # noqa: E402
from schedules.checkins import queue_checkins  # noqa: E402
from schedules.directory import refresh_directories  # noqa: E402
from slacksim import FakeSlack  # noqa: E402
from storage import migrate, outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import CheckinPlan, Person, Workspace  # noqa: E402
from tests.conftest import empty  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402

TEAMS = ("T0NORTH", "T0SOUTH", "T0WEST")
ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
LIMITED = ("conversations.open", "chat.postMessage")


def dispatch(url: str, api_url: str, clock_ahead: float) -> None:
    """One dispatcher process: send until nothing is left to send."""
    db = Database.from_url(url)
    clients = SlackClients(api_url)

    def clock() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=clock_ahead)

    dispatcher = Dispatcher(
        db, lambda team, _: clients.for_outbox(f"xoxb-{team}-installed"), clock=clock, senders=senders(db, clock)
    )
    while True:
        dispatcher.drain(wait_for_rate_limits=30)
        with db.session() as session:
            if outbox.pending_count(session) == 0:
                return
        time.sleep(0.05)  # rows another process holds the lease on


def arrange(db: Database, fake: FakeSlack, people: int, now: datetime) -> None:
    migrate.upgrade(db)
    empty(db)
    fake.reset()
    for team in TEAMS:
        fake.install(team)
    rows = []
    for n in range(people):
        team, zone = TEAMS[n % len(TEAMS)], ZONES[n % len(ZONES)]
        user_id = f"U{n:07d}"
        fake.add_user(team, user_id, name=f"Person {n}", tz=zone)
        rows.append(
            {
                "team_id": team,
                "slack_user_id": user_id,
                "display_name": f"Person {n}",
                "tz": zone,
                "is_admin": False,
                "deleted": False,
                "profile_refreshed_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    with db.session() as session:
        workspaces = [{"team_id": team, "created_at": now, "updated_at": now} for team in TEAMS]
        session.execute(insert(Workspace.__table__), workspaces)
        session.execute(insert(Person.__table__), sorted(rows, key=lambda row: row["team_id"]))
        ids = session.execute(select(Person.__table__.c.id, Person.__table__.c.team_id)).all()
        plans = [
            {
                "team_id": team,
                "person_id": person_id,
                "weekday": 0,  # Monday 00:00 where they are: due, whatever day the bench runs
                "hour": 0,
                "opted_out": False,
                "share": False,
                "next_at": now - timedelta(minutes=1),
                "created_at": now,
                "updated_at": now,
            }
            for person_id, team in ids
        ]
        session.execute(insert(CheckinPlan.__table__), plans)


def run(url: str, fake: FakeSlack, *, people: int, rate: float, dispatchers: int, kill: bool) -> str:
    db = Database.from_url(url)
    now = datetime.now(UTC)
    arrange(db, fake, people, now)
    fake.limit({**dict.fromkeys(LIMITED, rate), "users.list": 1.0})  # users.list is Tier 2: 20+ a minute
    clients = SlackClients(fake.api_url)
    started = time.perf_counter()
    refresh_directories(db, lambda team, _: clients.for_outbox(f"xoxb-{team}-installed"), now)
    directory = time.perf_counter() - started
    summary = queue_checkins(db, Outbound(()), now)
    ticked = time.perf_counter() - started - directory
    spawn = multiprocessing.get_context("spawn")
    processes = [spawn.Process(target=dispatch, args=(url, fake.api_url, 0.0)) for _ in range(dispatchers)]
    for process in processes:
        process.start()
    if kill:
        while _delivered(fake) < people // 3:
            time.sleep(0.02)
        os.kill(processes[0].pid or 0, signal.SIGKILL)
        processes[0].join()
        # A restart with the right clock: the dead process's rows come back when their lease runs out.
        replacement = spawn.Process(target=dispatch, args=(url, fake.api_url, 0.0))
        replacement.start()
        processes.append(replacement)
    for process in processes:
        process.join()
    keys = _keys(fake)
    posts = [call.at for call in fake.calls("chat.postMessage")]
    elapsed = max(posts) - min(posts)  # from the first check-in out to the last
    duplicates = sum(count - 1 for count in keys.values())
    lost = people - len(keys)
    allowed = rate * len(TEAMS)
    throughput = len(keys) / elapsed
    db.dispose()
    return (
        f"directory {directory:4.1f} s, tick {ticked:5.2f} s ({summary.split(' (')[0]}); "
        f"fan-out {elapsed:6.1f} s, {throughput:6.1f}/s "
        f"= {throughput / allowed:5.1%} of the allowed {allowed:.0f}/s; 429s {fake.limited}; "
        f"duplicates {duplicates}; lost {lost}"
    )


def _keys(fake: FakeSlack) -> Counter[str]:
    return Counter(
        message["metadata"]["event_payload"]["key"]
        for message in fake.posted()
        if (message.get("metadata") or {}).get("event_type") == MARKER
    )


def _delivered(fake: FakeSlack) -> int:
    return len(fake.calls("chat.postMessage"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=50.0, help="calls a second per workspace and method")
    parser.add_argument("--dispatchers", type=int, default=3)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack() as fake,
    ):
        print(
            f"check-in fan-out: {args.people} people in {len(TEAMS)} workspaces, {args.rate:.0f} calls/s per "
            f"workspace and method, {args.dispatchers} dispatcher processes"
        )
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            if args.only and name != args.only:
                continue
            for kill in (False, True):
                label = "killed and restarted" if kill else "steady"
                result = run(url, fake, people=args.people, rate=args.rate, dispatchers=args.dispatchers, kill=kill)
                print(f"  {name:<8} {label:<21} {result}")


if __name__ == "__main__":
    main()
