"""PostgreSQL cutting the bot's connections while `/win` requests run, as a failover or a restart does.

A fresh bot (`trellis serve --http`, two workers) on a fresh database; five people send N `/win`
commands, eight at a time, and every connection to the database is cut (`pg_terminate_backend`) K times,
evenly through the run. Reported: server errors, answers that were silence, people told it did not go
through (and whether that was true), wins answered "Logged" and how many of them are missing, and how
long the bot took to log a win again after the last cut. Run from the repository root:

    python bench/database_failover.py [--requests 1500] [--cuts 6] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from handlers.errors import DATABASE_DOWN  # noqa: E402
from slacksim import DEFAULT_TEAM, FakeSlack, SlackSender  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Win  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.e2e.conftest import SIGNING_SECRET, bot_environment, start_bot, stop_bot  # noqa: E402
from tests.faults import terminate_backends  # noqa: E402

PEOPLE = ("U0MAYA", "U0DEV", "U0SAM", "U0RAY", "U0ADA")


def run(requests: int, cuts: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack, temporary_postgres(postgres_server()) as url:
        db = Database.from_url(url)
        migrate.upgrade(db)
        for user in PEOPLE:
            slack.add_user(DEFAULT_TEAM, user, name=user[2:].title())
        bot = start_bot(bot_environment(url, slack), Path(tmp), "--workers", "2")
        sender = SlackSender(bot.events_url, SIGNING_SECRET, slack)
        for user in PEOPLE:
            sender.command("/trellis", "help", user_id=user)
        answers: dict[str, tuple[int, str]] = {}
        sent: dict[str, tuple[float, float]] = {}  # when each request was sent and answered
        finished = Counter[str]()
        lock = threading.Lock()
        cut_at: list[float] = []

        def win(n: int) -> None:
            text = f"Win number {n} of the failover"
            at = time.monotonic()
            try:
                reply = sender.command("/win", text, user_id=PEOPLE[n % len(PEOPLE)], timeout=60)
                said = (reply.status, reply.json().get("text", "") if reply.body else "")
            except OSError as error:
                said = (0, f"connection failed: {error}")
            with lock:
                answers[text] = said
                sent[text] = (at, time.monotonic())
                finished["n"] += 1

        def cutter() -> None:
            for k in range(1, cuts + 1):
                while finished["n"] < k * requests // (cuts + 1):
                    time.sleep(0.005)
                cut_at.append(time.monotonic())
                terminate_backends(db)

        started = time.monotonic()
        cutting = threading.Thread(target=cutter)
        cutting.start()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(win, range(requests)))
        cutting.join()
        elapsed = time.monotonic() - started
        with db.session() as session:
            stored = set(session.exec(select(Win.text)).all())
        stop_bot(bot)
        db.dispose()

    logged = {text for text, (_, said) in answers.items() if said.startswith("Logged")}
    refused = {text for text, (_, said) in answers.items() if said == DATABASE_DOWN}
    errors = sum(1 for status, _ in answers.values() if status >= 500 or status == 0)
    silent = sum(1 for status, said in answers.values() if status == 200 and not said)
    other = len(answers) - len(logged) - len(refused) - errors - silent
    print(f"{requests} /win in {elapsed:.0f} s, {concurrency} at a time, {len(cut_at)} cuts of every connection")
    print(f"  server errors:                {errors}")
    print(f"  silence:                      {silent}")
    print(f"  told it did not go through:   {len(refused)} (of which stored all the same: {len(refused & stored)})")
    print(f"  answered Logged:              {len(logged)} (lost: {len(logged - stored)})")
    print(f"  anything else:                {other}")
    recovery = [_recovery(cut, sent, logged) for cut in cut_at]
    print(f"  after each cut, a win was Logged again within {max(recovery, default=0) * 1000:.0f} ms at most")


def _recovery(cut: float, sent: dict[str, tuple[float, float]], logged: set[str]) -> float:
    """Seconds from a cut until the first win sent after it was answered Logged."""
    answered = [done for text, (at, done) in sent.items() if at >= cut and text in logged]
    return min(answered) - cut if answered else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--cuts", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    run(args.requests, args.cuts, args.concurrency)


if __name__ == "__main__":
    main()
