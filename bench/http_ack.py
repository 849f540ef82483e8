"""The web tier under load: `/win` and a click on a win's message, at 20 and 50 requests in flight,
against a bare Bolt app that only acknowledges, on the same gunicorn settings, in one run.

Trellis runs `trellis serve --http --workers N` (gunicorn, gthread, 8 threads a worker); the floor is
a Bolt app that verifies the signature and acknowledges, on as many workers. Requests are signed as
Slack signs them and come from many people at once (a Friday), sent in rounds that alternate between
the two servers so machine noise hits both alike. Trellis does the whole path: signature and shape
checks, the person, for `/win` storing the win, suggesting competencies and the answer; for the click
(a win's visibility chosen in its message) the change and the message redrawn through response_url.
With `--fanout`, everything runs again while a dispatcher process sends a week of check-ins (10,000
people, Slack's tiers) through the same database. Each server first answers WARM_UP requests of each
kind, so every pooled connection has prepared its statements. Prints p50, p99, throughput, errors and
the server's CPU per request for each, and the ratios; the machine's other busy CPU per request, split
into this process (the client and the Slack fake) and the rest (the database); what a request costs the
whole machine on each side, the ratio of the two, and how busy the cores were (once the cores are busy,
the p50 ratio follows that ratio); and for the click, how long after it the message was redrawn (what
its user waits for). Run from the repository root:

    python bench/http_ack.py [--database sqlite|postgres] [--workers 2] [--requests 400] [--fanout]
                             [--floor bolt|bolt-in-request-thread] [--tree ../an-earlier-checkout]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.checkin_fanout import arrange, dispatch, tick  # noqa: E402
from bench.floor import start_bare  # noqa: E402
from slacksim import DEFAULT_TEAM, FakeSlack, SlackSender, tiers  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Person, Win  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    SIGNING_SECRET,
    bot_environment,
    start_bot,
    stop_bot,
)

PEOPLE = 50
WIN = "Led the payments outage review across three teams and published the postmortem"
ROUNDS = 4  # alternations between the two servers per measurement
WARM_UP = 1000  # requests of each kind to each server before measuring


def user(n: int) -> str:
    return f"U0W{n % PEOPLE:04d}"


def win(sender: SlackSender, n: int, _: dict[str, int]) -> int:
    return sender.command("/win", f"{WIN} ({n})", user_id=user(n), user_name=f"person{n % PEOPLE}").status


def click(sender: SlackSender, n: int, wins: dict[str, int]) -> int:
    who = user(n)
    action = {
        "type": "static_select",
        "action_id": "win_visibility",
        "block_id": f"win:{wins.get(who, 0)}",
        "selected_option": {"value": ("shared", "private")[n % 2]},
    }
    return sender.block_action(user_id=who, action=action).status


Request = Callable[[SlackSender, int, dict[str, int]], int]
KINDS: dict[str, Request] = {"win": win, "click": click}


def load(
    sender: SlackSender, request: Request, count: int, in_flight: int, wins: dict[str, int], *, redraws: bool = False
) -> dict[str, Any]:
    """`count` requests, `in_flight` at a time. With `redraws` (Trellis's clicks), it ends only when every
    message is redrawn through its response_url, so no work left over runs into the next measurement,
    and it keeps how long each redraw took from the click."""
    latencies: list[float] = []
    errors: list[str] = []

    def one(n: int) -> None:
        started = time.perf_counter()
        try:
            status = request(sender, n, wins)
        except Exception as error:  # counted and shown, never hidden
            errors.append(type(error).__name__)
            return
        if status != 200:
            errors.append(f"HTTP {status}")
            return
        latencies.append((time.perf_counter() - started) * 1000)

    started, cpu = time.perf_counter(), cpu_seconds(sender.server_pid)
    here, machine = time.process_time(), machine_cpu_seconds()
    answered = len(sender.fake.response_delays())
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        list(pool.map(one, range(count)))
    waiting = time.perf_counter() + 60
    while redraws and len(sender.fake.response_delays()) < answered + len(latencies) and time.perf_counter() < waiting:
        time.sleep(0.005)
    wall, cpu = time.perf_counter() - started, cpu_seconds(sender.server_pid) - cpu
    here, machine = time.process_time() - here, machine_cpu_seconds() - machine
    redrawn = [delay * 1000 for delay in sender.fake.response_delays()[answered:]] if redraws else []
    if redraws and len(redrawn) < len(latencies):
        errors += ["not redrawn"] * (len(latencies) - len(redrawn))
    return {
        "latencies": latencies,
        "redrawn": redrawn,
        "wall": wall,
        "errors": errors,
        "cpu": cpu,
        "here": here,
        "rest": machine - here - cpu,
    }


def measure(
    ours: SlackSender, theirs: SlackSender, request: Request, count: int, in_flight: int, wins: dict[str, int]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`count` requests to each, `in_flight` at a time, in ROUNDS alternating rounds."""
    totals: dict[str, dict[str, Any]] = {
        name: {"latencies": [], "redrawn": [], "wall": 0.0, "errors": [], "cpu": 0.0, "here": 0.0, "rest": 0.0}
        for name in ("trellis", "bare")
    }
    for number in range(ROUNDS):
        order = [("trellis", ours), ("bare", theirs)][:: 1 if number % 2 == 0 else -1]
        for name, sender in order:
            redraws = name == "trellis" and request is click
            result = load(sender, request, count // ROUNDS, in_flight, wins, redraws=redraws)
            for key, value in result.items():
                totals[name][key] += value
    return totals["trellis"], totals["bare"]


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its descendants (the gunicorn master and its workers)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def machine_cpu_seconds() -> float:
    """Busy CPU of the whole machine (all processes: this one, the servers, the database)."""
    user, nice, system, _, _, irq, softirq, steal = (int(n) for n in Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def percentiles(latencies: list[float]) -> tuple[float, float]:
    values = sorted(latencies) or [float("nan")]
    return statistics.median(values), values[max(0, int(len(values) * 0.99) - 1)]


def figures(result: dict[str, Any]) -> tuple[float, float, float, int, float]:
    p50, p99 = percentiles(result["latencies"])
    done = len(result["latencies"]) or 1
    return p50, p99, done / result["wall"], len(result["errors"]), result["cpu"] * 1000 / done


def report(label: str, mine: dict[str, Any], floor: dict[str, Any]) -> None:
    (p50, p99, rate, errors, cpu), (bare50, bare99, bare_rate, bare_errors, bare_cpu) = figures(mine), figures(floor)
    print(
        f"  {label:<24} trellis p50 {p50:6.1f} ms p99 {p99:6.1f} ms {rate:5.0f}/s errors {errors} "
        f"cpu {cpu:4.1f} ms/request | bare p50 {bare50:5.1f} ms p99 {bare99:6.1f} ms {bare_rate:5.0f}/s "
        f"errors {bare_errors} cpu {bare_cpu:4.1f} ms | p50 {p50 / bare50:4.2f}x, throughput {rate / bare_rate:4.2f}x",
        flush=True,
    )
    done, bare_done = len(mine["latencies"]) or 1, len(floor["latencies"]) or 1
    print(
        f"  {'':<24} machine cpu per request: client and fake Slack {mine['here'] * 1000 / done:4.1f} ms, "
        f"the rest (database, others) {mine['rest'] * 1000 / done:4.1f} ms | bare: client "
        f"{floor['here'] * 1000 / bare_done:4.1f} ms, rest {floor['rest'] * 1000 / bare_done:4.1f} ms",
        flush=True,
    )
    # At a fixed number in flight the p50 is about that number over the throughput, and once the cores are
    # busy the throughput is the cores over what a request costs the whole machine (servers, database, client
    # and fake): the p50 ratio follows this ratio, whatever else is made faster.
    whole, bare_whole = _machine(mine) * 1000 / done, _machine(floor) * 1000 / bare_done
    print(
        f"  {'':<24} whole machine per request: trellis {whole:4.1f} ms, bare {bare_whole:4.1f} ms "
        f"({whole / bare_whole:4.2f}x); cores busy: trellis {_busy(mine):3.0%}, bare {_busy(floor):3.0%}",
        flush=True,
    )
    if mine["redrawn"]:  # what the person who clicked waits for: the message redrawn
        redrawn50, redrawn99 = percentiles(mine["redrawn"])
        print(f"  {'':<24} redrawn (click to response_url post) p50 {redrawn50:6.1f} ms p99 {redrawn99:6.1f} ms")


def _machine(result: dict[str, Any]) -> float:
    return result["cpu"] + result["here"] + result["rest"]


def _busy(result: dict[str, Any]) -> float:
    return _machine(result) / (result["wall"] * (os.cpu_count() or 1))


def win_ids(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(Person.slack_user_id, Win.id).join(Win, Win.person_id == Person.id)).all()
    return {slack_user_id: win_id for slack_user_id, win_id in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400, help="per server, kind and concurrency")
    parser.add_argument("--in-flight", default="20,50")
    parser.add_argument("--kinds", default="win,click", help="which requests: win, click")
    parser.add_argument("--fanout", action="store_true", help="again, while a fan-out of check-ins is sending")
    parser.add_argument("--fanout-people", type=int, default=10_000)
    parser.add_argument("--fanout-only", action="store_true", help="with --fanout: skip the quiet measurements")
    parser.add_argument(
        "--floor",
        choices=("bolt", "bolt-in-request-thread"),
        default="bolt",
        help="the bare app: Bolt's defaults, or with process_before_response (the least Bolt does)",
    )
    parser.add_argument("--tree", type=Path, help="run Trellis from this checkout (a before/after in one run)")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack() as fake,
    ):
        url = f"sqlite:///{folder}/bench.db" if args.database == "sqlite" else postgres
        db = Database.from_url(url)
        env = bot_environment(url, fake)
        trellis_env = {**env, "PYTHONPATH": str(args.tree.resolve())} if args.tree else env
        if args.tree:  # that checkout's own migrations
            subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=trellis_env, cwd=folder, check=True)
        else:
            migrate.upgrade(db)
        for n in range(PEOPLE):
            fake.add_user(DEFAULT_TEAM, user(n), name=f"Person {n}", tz="Europe/Paris")
        trellis = start_bot(trellis_env, Path(folder), "--workers", str(args.workers))
        bare = start_bare(env, Path(folder), args.workers, in_request_thread=args.floor != "bolt")
        print(
            f"HTTP under load: {args.workers} gunicorn workers x 8 threads each side, database {args.database}, "
            f"floor {args.floor}, "
            f"{args.requests} requests per server and measurement, {PEOPLE} people"
        )
        try:
            ours = SlackSender(trellis.events_url, SIGNING_SECRET, fake)
            theirs = SlackSender(bare.events_url, SIGNING_SECRET, fake)
            ours.server_pid, theirs.server_pid = trellis.process.pid, bare.process.pid  # type: ignore[attr-defined]
            for sender in (ours, theirs):  # warm both: imports, pools, the people and a win each
                load(sender, win, PEOPLE * 2, 4, {})
            wins = win_ids(db)
            # A server that has run a while: every pooled connection has used (and the driver prepared)
            # each statement, as in production; a cold pool measured cost a third more a click.
            busiest = max(int(n) for n in args.in_flight.split(","))
            for sender in (ours, theirs):
                for kind in args.kinds.split(","):
                    load(sender, KINDS[kind], WARM_UP, busiest, wins, redraws=sender is ours and kind == "click")
            phases = [("quiet", False)] * (not args.fanout_only) + [("during a fan-out", True)] * args.fanout
            for phase, fanout in phases:
                sending = start_fanout(db, fake, url, args.fanout_people) if fanout else None
                for in_flight in [int(n) for n in args.in_flight.split(",")]:
                    for name, request in [
                        (f"/{kind}" if kind == "win" else kind, KINDS[kind]) for kind in args.kinds.split(",")
                    ]:
                        mine, floor = measure(ours, theirs, request, args.requests, in_flight, wins)
                        report(f"{name} x{in_flight} {phase}", mine, floor)
                if sending is not None:
                    sent = len(fake.calls("chat.postMessage"))
                    sending.kill()
                    print(f"  (the fan-out sent {sent} check-ins meanwhile)")
        finally:
            stop_bot(trellis)
            stop_bot(bare)
            db.dispose()


def start_fanout(db: Database, fake: FakeSlack, url: str, people: int) -> multiprocessing.process.BaseProcess:
    """A week of check-ins for `people` more, queued, and one dispatcher process sending them."""
    workspaces = ["T0FANOUT"]
    arrange(db, fake, people, workspaces, datetime.now(UTC), keep=True)
    fake.limit(tiers(post_message=50))
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    ticker = spawn.Process(target=tick, args=(url, fake.api_url, 0.0, False, results))
    ticker.start()
    results.get()
    ticker.join()
    peaks = spawn.Queue()
    sender = spawn.Process(target=dispatch, args=(url, fake.api_url, 0.0, peaks))
    sender.start()
    sender.peaks = peaks  # type: ignore[attr-defined]  # kept alive while the child uses it
    while not fake.calls("chat.postMessage"):
        time.sleep(0.05)
    return sender


if __name__ == "__main__":
    main()
