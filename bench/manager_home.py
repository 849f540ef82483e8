"""The App Home tab for a manager, on SQLite and PostgreSQL: SQL queries and time to build and render it.

A manager with R confirmed reports who have logged W wins between them (shared, private and public),
growth-thread entries and open asks. Everything `publish_home` does except the views.publish call:
the person's own sections, the growth thread, and the team section. Reported for 5 and for 50 reports,
so the query count can be seen not to grow with the team. Run from the repository root:

    python bench/manager_home.py [--wins 5000] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402

from blocks.help import AVAILABLE  # noqa: E402
from blocks.home import home_view  # noqa: E402
from growth import checkins  # noqa: E402
from growth.asks import Draft, create  # noqa: E402
from growth.frameworks.shipped import shipped  # noqa: E402
from growth.home import home_of  # noqa: E402
from growth.links import admin_set  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Person, Win  # noqa: E402
from tests.conftest import empty  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.factories import maya_aiming_for_ic4, person  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
VISIBILITY = ("shared", "private", "public")


def arrange(db: Database, reports: int, wins: int) -> Person:
    migrate.upgrade(db)
    empty(db)
    admin = person(db, "U0ADMIN", admin=True, now=NOW)
    manager = maya_aiming_for_ic4(db, now=NOW)
    people = [person(db, f"U0R{n:03d}", now=NOW - timedelta(weeks=4)) for n in range(reports)]
    with db.session() as session:
        for report in people:
            admin_set(session, admin=admin, report=report, manager=manager, now=NOW)
    rows = [
        {
            "team_id": "T1",
            "person_id": people[n % reports].id,
            "text": f"Win {n}: led the incident review and wrote the follow-ups",
            "happened_on": date(2026, 11, 1) + timedelta(days=n % 22),
            "visibility": VISIBILITY[n % 3],
            "source": "command",
            "request_key": f"bench:{n}",
            "created_at": NOW - timedelta(days=n % 30),
            "updated_at": NOW,
        }
        for n in range(wins)
    ]
    with db.session() as session:
        session.execute(insert(Win.__table__), rows)
        for report in people[::2]:
            checkins.write_entry(session, person=report, answers=checkins.Answers(learned="Queues"), now=NOW)
        for n, report in enumerate(people[::5]):
            draft = Draft(decision=f"Decision {n}", recommendation="Try it", needed_by=date(2026, 12, 1))
            create(session, person=report, draft=draft, request_key=f"bench-ask:{n}", today=NOW.date(), now=NOW)
    return manager


def build(db: Database, manager: Person) -> dict[str, object]:
    frameworks = shipped()
    with db.session() as session:
        home = home_of(session, person=manager, defaults=frameworks, now=NOW)
    return home_view(manager, AVAILABLE, home).to_dict()


def measure(url: str, reports: int, wins: int, runs: int) -> str:
    db = Database.from_url(url)
    manager = arrange(db, reports, wins)
    queries = 0

    def count(*_: object) -> None:
        nonlocal queries
        queries += 1

    build(db, manager)  # warm: the framework catalogue is parsed once per process
    event.listen(db.engine, "before_cursor_execute", count)
    view = build(db, manager)
    counted = queries
    event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(db, manager)
        times.append((time.perf_counter() - started) * 1000)
    db.dispose()
    blocks = len(view["blocks"])  # type: ignore[arg-type]
    return (
        f"{reports:3d} reports, {wins} wins: {counted:3d} queries, median {statistics.median(times):6.1f} ms "
        f"(p90 {sorted(times)[int(runs * 0.9) - 1]:6.1f} ms), {blocks} blocks"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wins", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, temporary_postgres(postgres_server()) as postgres:
        print("manager App Home (built and rendered, without the views.publish call)")
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            for reports in (5, 50):
                print(f"  {name:<8} {measure(url, reports, args.wins, args.runs)}")


if __name__ == "__main__":
    main()
