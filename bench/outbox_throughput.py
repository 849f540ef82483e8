"""Outbox dispatcher throughput against the local Slack fake, on SQLite and PostgreSQL.

Queues N chat.postMessage rows and drains them with D dispatchers at once (threads, each its own
claims), then counts what the fake received: sent per second, duplicates and losses. The fake answers
with a fixed latency (default 5 ms) to stand in for Slack's round trip. With `--history N` the table
first holds N check-in DMs sent more than five weeks earlier, as after months of check-ins with no
pruning; then the hourly prune job's part that forgets them is timed, the first time (all N) and the
next (none left). Run from the repository root:

    python bench/outbox_throughput.py [--rows 2000] [--dispatchers 1 4] [--latency 0.005] [--history 0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.slack_client import SlackClients  # noqa: E402
from delivery.dispatcher import Dispatcher  # noqa: E402
from slacksim import DEFAULT_TEAM, FakeSlack  # noqa: E402
from storage import migrate, outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.conftest import empty  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402


def run(url: str, fake: FakeSlack, rows: int, dispatchers: int, history: int = 0) -> str:
    db = Database.from_url(url)
    migrate.upgrade(db)
    empty(db)
    if history:
        sent_earlier(db, history)
    fake.reset()
    fake.add_user(DEFAULT_TEAM, "U0MAYA", name="Maya")
    with db.session() as session:
        for n in range(rows):
            payload = {"channel": "U0MAYA", "text": f"m{n}"}
            outbox.enqueue(
                session,
                team_id=DEFAULT_TEAM,
                key=f"m{n}",
                method="chat.postMessage",
                payload=payload,
                now=datetime.now(UTC),
            )
    clients = SlackClients(fake.api_url)
    workers = [
        Dispatcher(db, lambda team, ent: clients.for_outbox("xoxb-bench"), clock=lambda: datetime.now(UTC))
        for _ in range(dispatchers)
    ]
    threads = [threading.Thread(target=worker.drain) for worker in workers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    texts = Counter(call.args["text"] for call in fake.calls("chat.postMessage"))
    duplicates = sum(count - 1 for count in texts.values())
    lost = rows - len(texts)
    sent = f"{rows / elapsed:8.0f} sent/s   duplicates {duplicates}   lost {lost}   ({elapsed:.2f} s)"
    if history:
        sent += "   pruned: " + ", then ".join(pruning(db) for _ in range(2))
    db.dispose()
    return sent


def pruning(db: Database) -> str:
    from delivery.outbound import forget_weekly_dms  # here: `sent_earlier` is also used on older checkouts

    started = time.perf_counter()
    forgotten = forget_weekly_dms(db, now=datetime.now(UTC))
    return f"{forgotten} in {time.perf_counter() - started:.2f} s"


# `history` check-ins sent in the weeks before five weeks ago, made by the database itself (a million in seconds).
_SENT_EARLIER = """
INSERT INTO outbox (team_id, key, method, payload, due_at, next_attempt_at, attempts, sent_at, response,
                    calling, in_doubt, created_at)
SELECT 'T0EARLIER', 'checkin:' || n, 'chat.postMessage', :payload, {ago}, {ago}, 1, {ago}, :response,
       {false}, {false}, {ago}
FROM {numbers}
"""


PAYLOAD_SENT_EARLIER = '{"channel":"U0EARLIER","text":"How did your week go? Anything you did at the next level?"}'


def sent_earlier(db: Database, history: int) -> None:
    if db.is_postgres:
        ago, false = "now() - interval '36 days' - n * interval '1 second'", "false"
        numbers = "generate_series(1, :history) AS n"
    else:
        ago, false = "strftime('%Y-%m-%d %H:%M:%f', 'now', '-36 days', '-' || n || ' seconds')", "0"
        numbers = "(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :history) SELECT n FROM g)"
    with db.session() as session:
        session.execute(
            text(_SENT_EARLIER.format(ago=ago, false=false, numbers=numbers)),
            {"history": history, "payload": PAYLOAD_SENT_EARLIER, "response": '{"channel":"D0EARLIER","ts":"1.0001"}'},
        )
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE outbox"))  # as autovacuum would have, over the weeks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--dispatchers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--latency", type=float, default=0.005)
    parser.add_argument("--history", type=int, default=0, help="rows sent earlier, already in the table")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack(latency=args.latency) as fake,
    ):
        history = f", {args.history} sent earlier" if args.history else ""
        print(f"outbox: {args.rows} rows{history}, fake Slack latency {args.latency * 1000:.0f} ms")
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            for count in args.dispatchers:
                print(f"  {name:<8} {count} dispatcher(s): {run(url, fake, args.rows, count, args.history)}")


if __name__ == "__main__":
    main()
