"""The weekly check-in fan-out at Slack's published limits, on SQLite and PostgreSQL.

N people across W workspaces are due their check-in. One tick queues them all; then D dispatcher
processes (`trellis worker`'s dispatcher, as separate processes) send them through the local Slack
fake, which enforces Slack's tiers per workspace and method (`slacksim.limits`: conversations.open
and conversations.history 50 a minute, users.list 20 a minute, ...) with chat.postMessage at R a
second per workspace; beyond a limit, 429 with Retry-After.

Each database gets two weeks: the first (nobody's DM known yet: Trellis posts to the user id) and
the one after (the DM ids Slack answered with are remembered), then the same two weeks again with one
dispatcher killed with SIGKILL when a third of the week's check-ins are out and a replacement started
at once. The dead process's rows come back when their lease (renewed every few seconds while a sender
works) lapses, and only the one whose call had begun is checked against the DM before it goes.

Reported per run: the tick's time, what was sent as a fraction of what Slack allowed in that time (a
second's burst plus R a second, per workspace, summed over the W workspaces), the same per workspace,
429s, the Tier 3 calls made, duplicates and losses (counted on the fake, by the key
every message carries in its metadata), and the peak memory of each process. `--sizes` adds the
outbox's and the check-ins' rows and table and index sizes. Run from the repository root:

    python bench/checkin_fanout.py [--people 10000] [--workspaces 3] [--rate 50] [--dispatchers 3]
                                   [--only sqlite|postgres] [--no-kill] [--weeks 2] [--sizes]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from bot.app import outbox_lanes  # noqa: E402
from bot.slack_client import SlackClients  # noqa: E402
from delivery.dispatcher import MARKER, Dispatcher  # noqa: E402
from delivery.outbound import Outbound  # noqa: E402
from delivery.senders.checkins import senders  # noqa: E402
from schedules.checkins import queue_checkins  # noqa: E402
from schedules.directory import refresh_directories  # noqa: E402
from slacksim import FakeSlack, tiers  # noqa: E402
from storage import migrate, outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import CheckinPlan, Person, Workspace  # noqa: E402
from tests.conftest import empty  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402

ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
WEEK = 7 * 86400.0
TIER_3 = ("conversations.open", "conversations.history")


def teams(count: int) -> list[str]:
    return [f"T{n:02d}BENCH" for n in range(count)]


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would carry the parent's over exec)."""
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dispatch(url: str, api_url: str, clock_ahead: float, peaks: Any) -> None:
    """One dispatcher process: send until nothing is left to send, then say its peak memory."""
    db = Database.from_url(url)
    clients = SlackClients(api_url)

    def clock() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=clock_ahead)

    dispatcher = Dispatcher(
        db,
        lambda team, _: clients.for_outbox(f"xoxb-{team}-installed"),
        clock=clock,
        senders=senders(db, clock),
        lanes=outbox_lanes(db),  # as `trellis worker` builds it
    )
    while True:
        dispatcher.drain(wait_for_rate_limits=30)
        with db.session() as session:
            if outbox.pending_count(session) == 0:
                break
        time.sleep(0.05)  # rows another process holds the lease on
    peaks.put(("dispatcher", peak_mb()))


def tick(url: str, api_url: str, clock_ahead: float, directory: bool, results: Any) -> None:
    """The `directory` and `checkins` jobs, as the worker runs them, in a process of their own."""
    db = Database.from_url(url)
    clients = SlackClients(api_url)
    now = datetime.now(UTC) + timedelta(seconds=clock_ahead)
    started = time.perf_counter()
    if directory:
        refresh_directories(db, lambda team, _: clients.for_outbox(f"xoxb-{team}-installed"), now)
    refreshed = time.perf_counter() - started
    summary = queue_checkins(db, Outbound(()), now)
    results.put((refreshed, time.perf_counter() - started - refreshed, summary, peak_mb()))


def arrange(
    db: Database, fake: FakeSlack, people: int, workspaces: list[str], now: datetime, *, keep: bool = False
) -> None:
    """`people` due their check-in in `workspaces`; `keep`: beside what the database and the fake hold."""
    if not keep:
        migrate.upgrade(db)
        empty(db)
        fake.reset()
    for team in workspaces:
        fake.install(team)
    rows = []
    for n in range(people):
        team, zone = workspaces[n % len(workspaces)], ZONES[n % len(ZONES)]
        user_id = f"U{team[1:3]}{n:07d}"  # its DM, D<two digits of the workspace>..., says whose it is
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
        session.execute(
            insert(Workspace.__table__),
            [{"team_id": team, "created_at": now, "updated_at": now} for team in workspaces],
        )
        for start in range(0, people, 5000):
            session.execute(insert(Person.__table__), rows[start : start + 5000])
        people_table = Person.__table__
        ids = session.execute(
            select(people_table.c.id, people_table.c.team_id).where(people_table.c.team_id.in_(workspaces))
        ).all()
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
        for start in range(0, len(plans), 5000):
            session.execute(insert(CheckinPlan.__table__), plans[start : start + 5000])


def week(
    url: str,
    fake: FakeSlack,
    *,
    workspaces: list[str],
    rate: float,
    dispatchers: int,
    kill: bool,
    ahead: float,
    directory: bool,
) -> dict[str, Any]:
    """One week's fan-out, `ahead` seconds from now; what it took."""
    spawn = multiprocessing.get_context("spawn")
    before_keys, before_calls = _keys(fake), len(fake.calls())
    results, peaks = spawn.Queue(), spawn.Queue()
    ticker = spawn.Process(target=tick, args=(url, fake.api_url, ahead, directory, results))
    ticker.start()
    refreshed, ticked, summary, tick_mb = results.get()
    ticker.join()
    due = int(summary.split()[1])
    processes = [spawn.Process(target=dispatch, args=(url, fake.api_url, ahead, peaks)) for _ in range(dispatchers)]
    for process in processes:
        process.start()
    if kill:
        while _delivered(fake, before_calls) < due // 3:
            time.sleep(0.02)
        os.kill(processes[0].pid or 0, signal.SIGKILL)
        processes[0].join()
        replacement = spawn.Process(target=dispatch, args=(url, fake.api_url, ahead, peaks))
        replacement.start()
        processes.append(replacement)
    for process in processes:
        process.join()
    calls = fake.calls()[before_calls:]
    keys = _keys(fake) - before_keys
    posts = [call for call in calls if call.method == "chat.postMessage"]
    elapsed = max(call.at for call in posts) - min(call.at for call in posts)
    per_team: dict[str, list[float]] = {}  # when each check-in was delivered, by workspace
    for message in _marked(fake):
        if message["metadata"]["event_payload"]["key"] in keys:
            per_team.setdefault(message["channel"][1:3], []).append(float(message["ts"]))
    burst = max(1.0, rate)  # what Slack lets go at once (slacksim.limits.Bucket)
    team_efficiency = [len(at) / (burst + rate * (max(at) - min(at))) for at in per_team.values() if len(at) > 1]
    dispatcher_mb = [peaks.get()[1] for process in processes if process.exitcode == 0]
    return {
        "due": due,
        "directory": refreshed,
        "tick": ticked,
        "elapsed": elapsed,
        "efficiency": len(keys) / ((burst + rate * elapsed) * len(workspaces)),
        "workspace_efficiency": (min(team_efficiency), max(team_efficiency)),
        "limited": len(posts) - len(keys),
        "tier3": Counter(call.method for call in calls if call.method in TIER_3),
        "duplicates": sum(count - 1 for count in keys.values()),
        "lost": due - len(keys),
        "tick_mb": tick_mb,
        "dispatcher_mb": max(dispatcher_mb, default=0.0),
    }


def line(result: dict[str, Any]) -> str:
    low, high = result["workspace_efficiency"]
    tier3 = ", ".join(f"{method} {count}" for method, count in sorted(result["tier3"].items())) or "none"
    return (
        f"{result['due']} due; tick {result['tick']:5.2f} s (directory {result['directory']:4.1f} s); "
        f"fan-out {result['elapsed']:6.1f} s = {result['efficiency']:5.1%} of the allowed rate "
        f"(per workspace {low:5.1%} to {high:5.1%}); 429s {result['limited']}; Tier 3 calls: {tier3}; "
        f"duplicates {result['duplicates']}; lost {result['lost']}; "
        f"peak memory: tick {result['tick_mb']:.0f} MB, dispatcher {result['dispatcher_mb']:.0f} MB"
    )


def sizes(db: Database) -> str:
    with db.session() as session:
        counts = {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("outbox", "checkins", "checkin_plans", "people")
        }
        if not db.is_postgres:
            return ", ".join(f"{table} {count} rows" for table, count in counts.items())
        parts = []
        for table, count in counts.items():
            data, indexes = session.execute(text(f"SELECT pg_table_size('{table}'), pg_indexes_size('{table}')")).one()
            parts.append(f"{table} {count} rows, {data / 2**20:.1f} MB + indexes {indexes / 2**20:.1f} MB")
        return "; ".join(parts)


def _marked(fake: FakeSlack) -> list[dict[str, Any]]:
    """The messages the outbox delivered (each carries its row's key)."""
    return [message for message in fake.posted() if (message.get("metadata") or {}).get("event_type") == MARKER]


def _keys(fake: FakeSlack) -> Counter[str]:
    return Counter(message["metadata"]["event_payload"]["key"] for message in _marked(fake))


def _delivered(fake: FakeSlack, since: int) -> int:
    return sum(1 for call in fake.calls()[since:] if call.method == "chat.postMessage")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=3)
    parser.add_argument("--rate", type=float, default=50.0, help="chat.postMessage a second per workspace")
    parser.add_argument("--dispatchers", type=int, default=3)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--weeks", type=int, default=2, help="1: the first week only")
    parser.add_argument("--no-kill", action="store_true", help="the steady runs only")
    parser.add_argument("--no-directory", action="store_true", help="skip users.list before the first week")
    parser.add_argument("--sizes", action="store_true", help="rows and table and index sizes after the run")
    args = parser.parse_args()
    workspaces = teams(args.workspaces)
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack() as fake,
    ):
        print(
            f"check-in fan-out: {args.people} people in {len(workspaces)} workspaces, Slack's tiers with "
            f"chat.postMessage at {args.rate:g}/s per workspace, {args.dispatchers} dispatcher processes"
        )
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            if args.only and name != args.only:
                continue
            for kill in (False,) if args.no_kill else (False, True):
                db = Database.from_url(url)
                arrange(db, fake, args.people, workspaces, datetime.now(UTC))
                fake.limit(tiers(post_message=args.rate))
                for number in range(args.weeks):
                    label = ("first week" if number == 0 else "later week") + (", killed" if kill else "")
                    result = week(
                        url,
                        fake,
                        workspaces=workspaces,
                        rate=args.rate,
                        dispatchers=args.dispatchers,
                        kill=kill,
                        ahead=number * WEEK,
                        directory=number == 0 and not args.no_directory,
                    )
                    print(f"  {name:<8} {label:<19} {line(result)}", flush=True)
                if args.sizes:
                    print(f"  {name:<8} sizes: {sizes(db)}")
                db.dispose()


if __name__ == "__main__":
    main()
