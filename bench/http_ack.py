"""A slash command over HTTP: Trellis against a bare Bolt app that only acknowledges it, in one run.

Both run on gunicorn (one gthread worker) against the local Slack fake; requests are signed as Slack
signs them and sent one at a time, interleaved (one to each per round) so machine noise hits both
alike. Trellis does the whole path: signature check, shape check, person lookup in the database, and
for `--command win` storing the win, suggesting competencies and the ephemeral answer; for `help`, the
help blocks. Prints medians, p95 and the ratio. Run from the repository root:

    python bench/http_ack.py [--requests 400] [--database sqlite|postgres] [--command help|win]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slacksim import (  # noqa: E402
    DEFAULT_TEAM,
    FakeSlack,
    SlackSender,
)
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    SIGNING_SECRET,
    RunningBot,
    bot_environment,
    free_port,
    start_bot,
    start_server,
    stop_bot,
)


def start_bare(env: dict[str, str], cwd: Path) -> RunningBot:
    port = free_port()
    server = ["gunicorn", "-k", "gthread", "-w", "1", "--threads", "8", "-b", f"127.0.0.1:{port}"]
    env = {**env, "PYTHONPATH": str(ROOT)}
    return start_server([*server, "bench.bare_bolt:api"], env, cwd, port=port, ready_path="/slack/events")


COMMANDS = {
    "help": ("/trellis", "help"),
    "win": ("/win", "Led the payments outage review across three teams and published the postmortem"),
}


def timed(sender: SlackSender, command: tuple[str, str]) -> float:
    started = time.perf_counter()
    reply = sender.command(command[0], command[1], user_id="U0MAYA", user_name="maya")
    elapsed = time.perf_counter() - started
    assert reply.status == 200, reply.text
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--command", choices=sorted(COMMANDS), default="help", help="help: /trellis help; win: /win")
    args = parser.parse_args()
    command = COMMANDS[args.command]
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack() as fake,
    ):
        fake.add_user(DEFAULT_TEAM, "U0MAYA", name="Maya", tz="Europe/Paris")
        url = f"sqlite:///{folder}/bench.db" if args.database == "sqlite" else postgres
        db = Database.from_url(url)
        migrate.upgrade(db)
        db.dispose()
        env = bot_environment(url, fake)
        trellis = start_bot(env, Path(folder), "--workers", "1")
        bare = start_bare(env, Path(folder))
        try:
            ours = SlackSender(trellis.events_url, SIGNING_SECRET, fake)
            theirs = SlackSender(bare.events_url, SIGNING_SECRET, fake)
            for _ in range(20):  # warm both: imports, connection pools, the person row
                timed(ours, command), timed(theirs, command)
            samples: dict[str, list[float]] = {"trellis": [], "bare": []}
            for _ in range(args.requests):
                samples["trellis"].append(timed(ours, command))
                samples["bare"].append(timed(theirs, command))
        finally:
            stop_bot(trellis)
            stop_bot(bare)
    print(f"{' '.join(command)[:40]} over HTTP, {args.requests} requests each, database {args.database}")
    for name, values in samples.items():
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"  {name:<8} median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms")
    ratio = statistics.median(samples["trellis"]) / statistics.median(samples["bare"])
    print(f"  ratio (median trellis / median bare Bolt): {ratio:.2f}x")


if __name__ == "__main__":
    main()
