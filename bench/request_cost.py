"""What one request costs Trellis's own process, in instructions: a figure that repeats, for a before and
after of a change worth a few percent.

The load benchmark (`bench/http_ack.py`) is what users would see, but on these shared two-core machines its
figures move 10 to 20% from one run to the next, and CPU seconds per request move as much: a change worth
3% cannot be told from noise there. Instructions counted by valgrind's callgrind repeat within about 0.3%.

Trellis's WSGI app is called in this process, one signed request at a time, as gunicorn would call it,
with one listener thread, so each request's work (the answer, the change, the redraw through its
response_url) is done before the next starts. The Slack fake runs in a forked process and the database in
its own, so the count is Trellis's alone: Bolt, the ORM, the driver, Block Kit, our code. Counting starts
after the warm-up (imports, pooled connections, prepared statements) and stops after the last request.
Slowed down about fifty times under valgrind, a run of 200 requests of each kind takes a minute or two.
Without valgrind (`--cpu`) it prints CPU time per request instead, best of five runs: as noisy as above.
Run from the repository root:

    python bench/request_cost.py [--database postgres|sqlite] [--requests 200] [--kinds win,click]
                                 [--tree ../an-earlier-checkout] [--cpu]
"""

from __future__ import annotations

import argparse
import io
import itertools
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 50
WARM_UP = 40  # requests of each kind before counting: every statement prepared, every import done
SECRET = "bench-signing-secret-0123456789abcdef"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--requests", type=int, default=200, help="counted, of each kind")
    parser.add_argument("--kinds", default="win,click")
    parser.add_argument("--tree", type=Path, help="count that checkout's Trellis instead of this one")
    parser.add_argument("--cpu", action="store_true", help="CPU time per request instead (no valgrind)")
    parser.add_argument("--counting", action="store_true", help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    tree = (args.tree or ROOT).resolve()
    heading = f"Trellis from {tree}, {args.database}, {args.requests} requests of each kind, one at a time"
    if args.counting or args.cpu:
        sys.path[:0] = [str(tree), str(ROOT)]  # that checkout's Trellis; this one's tests and Slack fake
        if args.cpu:
            print(heading, flush=True)
        measure(args)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind); or run with --cpu")
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",  # counting is switched on after the warm-up (callgrind_control)
            f"--callgrind-out-file={folder}/out.%p",
            sys.executable,
            __file__,
            "--counting",
            *sys.argv[1:],
        ]
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
        totals = {}
        for dump in Path(folder).glob("out.*.*"):  # one dump per kind; the fake's and the final ones are empty
            text = dump.read_text(errors="replace")
            kind = re.search(r"^desc: Trigger: .*?(\w+)$", text, re.M)  # the description given at --dump
            total = re.search(r"^totals: (\d+)", text, re.M)
            if kind and total:
                totals[kind.group(1)] = int(total.group(1))
    print(heading)
    for kind in args.kinds.split(","):
        if kind not in totals:
            sys.exit(f"callgrind wrote no count for {kind!r}")
        print(f"  {kind:<6} {totals[kind] / args.requests / 1e6:6.2f} M instructions a request")


def measure(args: argparse.Namespace) -> None:
    """In the process being counted: the fake forked off, Trellis built, warmed, then each kind counted."""
    from bench.http_ack import KINDS, win, win_ids
    from tests.databases import postgres_server, temporary_postgres

    ready: multiprocessing.Queue[str] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    fake = multiprocessing.get_context("fork").Process(target=serve_fake, args=(ready, stop), daemon=True)
    fake.start()
    base_url = ready.get(timeout=60)
    try:
        with tempfile.TemporaryDirectory() as folder, temporary_postgres(postgres_server()) as postgres:
            url = f"sqlite:///{folder}/cost.db" if args.database == "sqlite" else postgres
            trellis, finished = build(url, base_url)
            slack = in_process(trellis, base_url)

            def ran(kind: Callable[..., int], n: int, wins: dict[str, int]) -> None:
                status = kind(slack, n, wins)
                finished()
                if status != 200:
                    raise RuntimeError(f"Trellis answered {status}")

            for n in range(PEOPLE):  # everyone arrives, with a win to click on
                ran(win, n, {})
            wins = win_ids(trellis.bot.db)
            chosen = [KINDS[kind] for kind in args.kinds.split(",")]
            for kind in chosen:
                for n in range(WARM_UP):
                    ran(kind, n, wins)
            for name, kind in zip(args.kinds.split(","), chosen, strict=True):
                if args.cpu:
                    runs = []
                    for _ in range(5):
                        started = time.process_time()
                        for n in range(args.requests):
                            ran(kind, n, wins)
                        runs.append((time.process_time() - started) * 1000 / args.requests)
                    print(f"  {name:<6} {min(runs):5.2f} ms of CPU a request (best of 5; median {sorted(runs)[2]:.2f})")
                    continue
                callgrind("--instr=on")
                for n in range(args.requests):
                    ran(kind, n, wins)
                callgrind("--instr=off")
                callgrind(f"--dump={name}")
    finally:
        stop.set()
        fake.join(timeout=10)


def serve_fake(ready: Any, stop: Any) -> None:
    from bench.http_ack import user
    from slacksim import DEFAULT_TEAM, FakeSlack

    with FakeSlack() as fake:
        for n in range(PEOPLE):
            fake.add_user(DEFAULT_TEAM, user(n), name=f"Person {n}", tz="Europe/Paris")
        ready.put(fake.base_url)
        stop.wait()


def build(url: str, base_url: str) -> tuple[Any, Callable[[], None]]:
    """Trellis's WSGI app with one listener thread, and a function that returns once that thread has done
    everything handed to it."""
    import bot.app
    from bot.http import TrellisWSGI
    from bot.settings import Mode, Settings
    from storage import migrate
    from storage.db import Database

    bot.app.LISTENER_THREADS = 1  # the work after each answer is done before the next request
    migrate.upgrade(Database.from_url(url))
    values = {"SLACK_BOT_TOKEN": "xoxb-0-bench", "SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": url}
    trellis = bot.app.build_bot(Settings.from_values({**values, "SLACK_API_URL": base_url + "api/"}, Mode.HTTP))
    listeners = trellis.app.listener_runner.listener_executor

    def finished() -> None:
        listeners.submit(int).result()  # behind whatever the one listener thread was given

    return TrellisWSGI(trellis), finished


def in_process(app: Callable[..., Iterable[bytes]], base_url: str) -> Any:
    """The project's `SlackSender` (Slack's shapes, signed as Slack signs them), handing each request to
    the WSGI app as gunicorn would instead of over the network. The response_urls it hands out are the
    fake's, in the other process, which takes posts to any of them."""
    from slacksim import SlackSender
    from slacksim.sender import Reply

    class HandedOut:
        def __init__(self) -> None:
            self.ids = itertools.count(1)

        def response_url(self) -> str:
            return f"{base_url}respond/{next(self.ids)}"

        def trigger_id(self) -> str:
            return f"{next(self.ids)}.{int(time.time())}.bench"

    class InProcess(SlackSender):
        def post(self, body: bytes, content_type: str, **_: Any) -> Reply:
            timestamp = str(int(time.time()))
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/slack/events",
                "QUERY_STRING": "",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "CONTENT_TYPE": content_type,
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
                "HTTP_X_SLACK_SIGNATURE": self.sign(body, timestamp),
                "wsgi.input": io.BytesIO(body),
            }
            answered: list[str] = []
            answer = b"".join(app(environ, lambda status, headers, exc_info=None: answered.append(status)))
            return Reply(int(answered[0].split()[0]), answer, {})

    return InProcess("in process", SECRET, HandedOut())  # type: ignore[arg-type]


def callgrind(command: str) -> None:
    subprocess.run(["callgrind_control", command, str(os.getpid())], check=True, capture_output=True)


if __name__ == "__main__":
    main()
