"""The hourly directory job (`schedules.directory`) on one large workspace, on SQLite and PostgreSQL.

N people Trellis knows, all of them in the workspace's users.list (200 a page, as Trellis asks). The job
runs once an hour for seven hours, each time in a process of its own as `trellis worker` would run it.
Before hour 2, 1% of the people set a status in Slack, 0.2% moved time zone and 0.1% left
(deactivated); nothing else changes. An unchanged profile is marked fresh again in its own hour of
every six (`growth.people.MARK_FRESH_AFTER`), so each run also writes about N / 6 rows.

The fake answers users.list without its Tier 2 limit, so the figures are Trellis's own work; at Slack's
20 pages a minute, the listing alone takes N / 200 / 20 minutes, which the report also gives. For each
hour: the job's time (the fake's answers included) and its process's CPU and memory (peak, and growth
over what it held before the job), the rows of `people` it wrote, the longest transaction it held open
(rows it wrote stay locked until it ends: a person's own request that updates their row waits behind
it on PostgreSQL), and on PostgreSQL the WAL it wrote. Run from the repository root:

    python bench/directory_refresh.py [--people 20000] [--only sqlite|postgres] [--tree ../a-checkout]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.checkin_fanout import ZONES, arrange  # noqa: E402
from slacksim import FakeSlack  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402

HOUR = Path(__file__).with_name("directory_hour.py")  # the job in a process of its own

TEAM = "T00BENCH"
PAGE = 200  # delivery.profiles.PAGE
TIER_2_PAGES_A_MINUTE = 20


def wal_position(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")).scalar_one())


def change_some(fake: FakeSlack, people: int) -> tuple[int, int, int]:
    """In Slack: 1% set a status, 0.2% moved time zone, 0.1% left."""
    statuses = moved = left = 0
    for n in range(people):
        user_id, zone = f"U{TEAM[1:3]}{n:07d}", ZONES[n % len(ZONES)]
        if n % 1000 == 7:
            fake.add_user(TEAM, user_id, name=f"Person {n}", tz=zone, deleted=True)
            left += 1
        elif n % 500 == 3:
            fake.add_user(TEAM, user_id, name=f"Person {n}", tz=ZONES[(n + 1) % len(ZONES)])
            moved += 1
        elif n % 100 == 1:
            fake.add_user(TEAM, user_id, name=f"Person {n}", tz=zone, status_text="Offsite", status_emoji=":bus:")
            statuses += 1
    return statuses, moved, left


def run(name: str, url: str, fake: FakeSlack, people: int, tree: Path) -> None:
    db = Database.from_url(url)
    arrived = datetime.now(UTC) - timedelta(hours=1)
    arrange(db, fake, people, [TEAM], arrived)  # everyone refreshed an hour ago, all in users.list
    if db.is_postgres:  # what autovacuum does after a bulk insert (it is off on some of these machines)
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    for number in range(1, 8):
        if number == 2:
            statuses, moved, left = change_some(fake, people)
            print(f"  {name:<8} in Slack before hour 2: {statuses} new statuses, {moved} moved, {left} left")
        wal = wal_position(db) if db.is_postgres else 0
        now = arrived + timedelta(hours=number)
        child = [sys.executable, str(HOUR), str(tree), url, fake.api_url, now.isoformat()]
        result = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
        wal_mb = f", WAL {(wal_position(db) - wal) / 1e6:6.1f} MB" if db.is_postgres else ""
        print(
            f"  {name:<8} hour {number}: {result['seconds']:6.2f} s (CPU {result['cpu']:6.2f} s), "
            f"people rows written {result['rows']:>7}, longest transaction {result['longest']:6.2f} s, "
            f"memory peak {result['peak']:5.0f} MB (+{result['growth']:4.0f} MB){wal_mb}; {result['line']}",
            flush=True,
        )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--tree", type=Path, default=ROOT, help="run that checkout's directory job")
    args = parser.parse_args()
    pages = -(-args.people // PAGE)
    print(
        f"directory job: {args.people} people in one workspace, Trellis from {args.tree.resolve()}; "
        f"users.list unlimited here (at Slack's Tier 2, {pages} pages take "
        f"{pages / TIER_2_PAGES_A_MINUTE:.1f} minutes)"
    )
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack() as fake,
    ):
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            if not args.only or name == args.only:
                run(name, url, fake, args.people, args.tree.resolve())


if __name__ == "__main__":
    main()
