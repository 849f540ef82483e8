"""Outbox dispatcher throughput against the local Slack fake, on SQLite and PostgreSQL.

Queues N chat.postMessage rows and drains them with D dispatchers at once (threads, each its own
claims), then counts what the fake received: sent per second, duplicates and losses. The fake answers
with a fixed latency (default 5 ms) to stand in for Slack's round trip. Run from the repository root:

    python bench/outbox_throughput.py [--rows 2000] [--dispatchers 1 4] [--latency 0.005]
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

from bot.slack_client import SlackClients  # noqa: E402
from delivery.dispatcher import Dispatcher  # noqa: E402
from slacksim import DEFAULT_TEAM, FakeSlack  # noqa: E402
from storage import migrate, outbox  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.conftest import empty  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402


def run(url: str, fake: FakeSlack, rows: int, dispatchers: int) -> str:
    db = Database.from_url(url)
    migrate.upgrade(db)
    empty(db)
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
    db.dispose()
    return f"{rows / elapsed:8.0f} sent/s   duplicates {duplicates}   lost {lost}   ({elapsed:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--dispatchers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--latency", type=float, default=0.005)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack(latency=args.latency) as fake,
    ):
        print(f"outbox: {args.rows} rows, fake Slack latency {args.latency * 1000:.0f} ms")
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            for count in args.dispatchers:
                print(f"  {name:<8} {count} dispatcher(s): {run(url, fake, args.rows, count)}")


if __name__ == "__main__":
    main()
