"""Hostile input at volume: the suite's requests (tests/e2e/hostile.py, derived from every route), many more
of them, counted instead of asserted.

For each database, a fresh bot (`trellis serve --http`, two workers) against the Slack fake, the suite's
world (Maya, her manager Dev, Dev's other report Ray, ...), then N hostile requests drawn by hypothesis.
Reported: answers by status, how many were 500, tracebacks logged at ERROR and from how many distinct
places, anything of Dev's or Ray's shown to someone else, and requests that changed their data. Run from
the repository root:

    python bench/hostile_input.py [--requests 1700] [--database sqlite|postgres|both] [--seed N] [--places]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from slacksim import DEFAULT_TEAM, FakeSlack, SlackSender  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.e2e.conftest import SIGNING_SECRET, bot_environment, start_bot, stop_bot  # noqa: E402
from tests.e2e.hostile import Hostile, Judge, Tally, requests  # noqa: E402
from tests.e2e.hostile import seed as seed_world  # noqa: E402


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'trellis.db'}"
        return
    with temporary_postgres(postgres_server()) as url:
        yield url


def run(kind: str, count: int, chosen_seed: int) -> Tally:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack, database(kind, Path(tmp)) as url:
        db = Database.from_url(url)
        migrate.upgrade(db)
        slack.add_user(DEFAULT_TEAM, "U0MAYA", name="Maya", tz="Europe/Paris", tz_offset=3600)
        slack.add_user(DEFAULT_TEAM, "U0DEV", name="Dev", tz="America/New_York", tz_offset=-18000)
        world = seed_world(db, slack)
        bot = start_bot(bot_environment(url, slack), Path(tmp), "--workers", "2")
        sender = SlackSender(bot.events_url, SIGNING_SECRET, slack)
        judge, tally = Judge(bot.log, slack, db, world), Tally()
        try:

            @seed(chosen_seed)
            @settings(
                max_examples=count,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(hostile=requests(world))
            def one(hostile: Hostile) -> None:
                judge.run(sender, hostile, tally)

            one()
            time.sleep(2)  # what listeners do after acknowledging
            judge.settle(tally)
        finally:
            stop_bot(bot)
            db.dispose()
        return tally


def report(kind: str, tally: Tally, seconds: float, places: bool) -> None:
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    print(f"{kind}: {tally.requests} requests in {seconds:.0f} s ({statuses})")
    print(f"  answered 500:            {len(tally.server_errors)}")
    print(f"  tracebacks at ERROR:     {tally.tracebacks}, from {len(tally.places)} distinct places")
    print(f"  others' data shown:      {len(tally.leaks)}")
    print(f"  others' data changed:    {len(tally.changed)}")
    print(f"  answered with silence:   {len(tally.silent)}")
    print(f"  4xx that wrote a row:    {len(tally.written)}")
    if places:
        for place, n in tally.places.most_common():
            print(f"    {n:4d}  {place}")
        for hostile in tally.server_errors[:20]:
            print(f"    500: {hostile[:300]}")
        for why, n in tally.rejected.most_common():
            print(f"    {n:4d}  400: {why}")
        for leak in tally.leaks[:10]:
            print(f"    shown: {leak[:300]}")
        for hostile in tally.changed[:10]:
            print(f"    changed by: {hostile[:300]}")
        for hostile in tally.silent[:20]:
            print(f"    silence after: {hostile[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1700)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--places", action="store_true", help="list every place, the 500s and what leaked")
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for kind in kinds:
        started = time.monotonic()
        tally = run(kind, args.requests, args.seed)
        report(kind, tally, time.monotonic() - started, args.places)


if __name__ == "__main__":
    main()
