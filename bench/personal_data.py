"""Export my data and Delete my data for a person with years of history, on SQLite and PostgreSQL.

The person has 2,000 wins (each posted in the growth channel) and a year of growth-thread entries; the
outbox holds their rows among 50,000 of other people's. Times the export (to JSON), and the deletion
with the outbox's forgetting (key prefixes and the person's id in payloads), in one transaction each.
Run from the repository root:

    python bench/personal_data.py [--wins 2000] [--others 50000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from delivery.outbound import Outbound  # noqa: E402
from growth import checkins  # noqa: E402
from growth.personal_data import delete_data, export_data  # noqa: E402
from growth.wins import Details, Visibility, log_win  # noqa: E402
from storage import migrate, outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxMessage, Person  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.factories import maya_aiming_for_ic4  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def measure(url: str, wins: int, others: int) -> str:
    db = Database.from_url(url)
    migrate.upgrade(db)
    maya = maya_aiming_for_ic4(db, now=NOW)
    with db.session() as session:
        for n in range(wins):
            logged = log_win(
                session,
                person=maya,
                details=Details(f"Win {n}: led the review of incident {n}", visibility=Visibility.PUBLIC),
                source="bench",
                request_key=f"k{n}",
                today=date(2026, 11, 23),
                now=NOW,
            )
            key = f"win-post:{logged.win.id}:1"
            row = outbox.enqueue(session, team_id="T1", key=key, method="chat.postMessage", payload={}, now=NOW)
            posted = json.dumps({"channel": "C0GROWTH", "ts": f"{n}.000100"})
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row).values(sent_at=NOW, response=posted))
        for week in range(52):
            checkins.write_entry(
                session,
                person=maya,
                answers=checkins.Answers(learned=f"Week {week}"),
                now=NOW - timedelta(weeks=week),
            )
        rows = [
            {"team_id": "T1", "key": f"other:{n}", "method": "chat.postMessage", "payload": {"channel": f"U{n}"}}
            for n in range(others)
        ]
        for start in range(0, others, 5000):
            outbox.enqueue_many(session, rows[start : start + 5000], now=NOW)
    started = time.perf_counter()
    with db.session() as session:
        size = len(json.dumps(export_data(session, person=maya, now=NOW)))
    exported = time.perf_counter() - started
    started = time.perf_counter()
    with db.session() as session:
        deleted = delete_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
        queued = Outbound(()).queue(session, deleted.notices, now=NOW)
    erased = time.perf_counter() - started
    db.dispose()
    return (
        f"export {exported * 1000:7.1f} ms ({size / 1024:.0f} KB of JSON); "
        f"delete {erased * 1000:7.1f} ms ({len(queued)} posts queued to come down)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wins", type=int, default=2000)
    parser.add_argument("--others", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, temporary_postgres(postgres_server()) as postgres:
        print(f"a person with {args.wins} public wins and 52 entries, among {args.others} outbox rows of others")
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            print(f"  {name:<8} {measure(url, args.wins, args.others)}")


if __name__ == "__main__":
    main()
