"""How long a person waits for their answer while other people's messages are due and Slack is failing.

Maya changes her win's visibility (a click; the answer is the message redrawn through its response_url)
while B check-in DMs to other people are due in the outbox and Slack answers every chat.postMessage
with 500 after its usual latency (the fake's, 0.1 s by default). Before each click the backlog is made
due again, as it would be after its backoff. Reported: the time from the click to the redrawn message,
p50 and max, with no backlog and with it, on SQLite or PostgreSQL. Run from the repository root:

    python bench/answer_with_backlog.py [--backlog 80] [--clicks 20] [--latency 0.1] [--database sqlite]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import update  # noqa: E402

from storage import migrate, outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.e2e.conftest import SIGNING_SECRET, bot_environment, start_bot, stop_bot  # noqa: E402

try:  # the same measurement on a checkout from before the simulator was a package
    from tests.fakes.slack_api import DEFAULT_TEAM, FakeSlack  # type: ignore[import-not-found]
    from tests.fakes.slack_requests import SlackSender  # type: ignore[import-not-found]
except ImportError:
    from slacksim import DEFAULT_TEAM, FakeSlack, SlackSender

CHOICES = ("shared", "private")


def _queue_backlog(db: Database, rows: int) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        for n in range(rows):
            payload = {"channel": f"U0PEER{n:04d}", "text": f"your check-in {n}"}
            try:
                outbox.enqueue(
                    session,
                    team_id=DEFAULT_TEAM,
                    key=f"backlog:{n}",
                    method="chat.postMessage",
                    payload=payload,
                    now=now,
                )
            except TypeError:  # the outbox of before took the wall clock itself
                outbox.enqueue(
                    session, team_id=DEFAULT_TEAM, key=f"backlog:{n}", method="chat.postMessage", payload=payload
                )


def _due_again(db: Database) -> None:
    table = OutboxMessage.__table__
    with db.session() as session:
        session.execute(
            update(table)
            .where(table.c.sent_at.is_(None), table.c.failed_at.is_(None))
            .values(next_attempt_at=datetime.now(UTC), attempts=0, lease_owner=None, lease_until=None)
        )


def _clicks(sender: SlackSender, fake: FakeSlack, db: Database, block_id: str, clicks: int) -> list[float]:
    waited = []
    for n in range(clicks):
        _due_again(db)
        choice = CHOICES[n % 2]
        before = len(fake.responses())
        action = {
            "action_id": "win_visibility",
            "block_id": block_id,
            "type": "static_select",
            "selected_option": {"value": choice, "text": {"type": "plain_text", "text": choice}},
        }
        started = time.perf_counter()
        sender.block_action(user_id="U0MAYA", action=action)
        fake.wait_for_responses(before + 1, timeout=300)
        waited.append((time.perf_counter() - started) * 1000)
    return waited


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=80)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake takes to answer each call")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack(latency=args.latency) as fake,
    ):
        fake.add_user(DEFAULT_TEAM, "U0MAYA", name="Maya", tz="Europe/Paris")
        url = f"sqlite:///{folder}/bench.db" if args.database == "sqlite" else postgres
        db = Database.from_url(url)
        migrate.upgrade(db)
        bot = start_bot(bot_environment(url, fake), Path(folder), "--workers", "1")
        try:
            sender = SlackSender(bot.events_url, SIGNING_SECRET, fake)
            logged = sender.command("/win", "Ran the incident review", user_id="U0MAYA").json()
            block_id = next(b["block_id"] for b in logged["blocks"] if b["type"] == "actions")
            fake.fail("chat.postMessage", status=500, times=None)
            quiet = _clicks(sender, fake, db, block_id, args.clicks)
            _queue_backlog(db, args.backlog)
            busy = _clicks(sender, fake, db, block_id, args.clicks)
        finally:
            stop_bot(bot)
            db.dispose()
    print(
        f"a visibility change answered, {args.clicks} clicks each, Slack answering 500 after {args.latency:.2f} s, "
        f"database {args.database}"
    )
    for label, values in (("no backlog", quiet), (f"{args.backlog} DMs due", busy)):
        print(f"  {label:<14} p50 {statistics.median(values):8.1f} ms   max {max(values):8.1f} ms")


if __name__ == "__main__":
    main()
