"""Friday afternoon: many people answer feedback at once, over HTTP, against a bare Bolt app, in one run.

Trellis runs `trellis serve --http --workers N` (gunicorn); the floor is a Bolt app that verifies the
signature and only acknowledges, on as many gunicorn workers. Both get the same load: `--in-flight`
signed view submissions at a time (20, then 50), each a person answering the feedback form of a round
that asked them, against the project's Slack fake (which enforces Slack's tiers per method: the
`chat.update` of the DM the answer came from is Tier 3). Trellis does the whole path: signature and
shape checks, the person, the request and its round checked, the answer and its ratings written (an
answer given again replaces the first), the thanks view; then the DM is updated. Prints p50, p99,
throughput and errors for each, and the ratios. Run from the repository root:

    python bench/feedback_friday.py [--database sqlite|postgres] [--workers 3] [--answers 600]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floor import start_bare  # noqa: E402
from growth import feedback  # noqa: E402
from growth.feedback import Draft  # noqa: E402
from growth.frameworks.shipped import shipped  # noqa: E402
from growth.levels import choose_level  # noqa: E402
from slacksim import DEFAULT_TEAM, FakeSlack, SlackSender, tiers  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    SIGNING_SECRET,
    bot_environment,
    start_bot,
    stop_bot,
)
from tests.factories import person  # noqa: E402

ASKED = 4  # people asked in each round


def rounds(db: Database, fake: FakeSlack, count: int) -> list[tuple[str, int, list[str]]]:
    """`count` people heading for IC4, each with a round asking ASKED others: (responder, request, competencies)."""
    now = datetime.now(UTC)
    asked: list[tuple[str, int, list[str]]] = []
    for n in range(count):
        subject = person(db, f"U0S{n:04d}", team=DEFAULT_TEAM, now=now)
        with db.session() as session:
            choose_level(
                session,
                person=subject,
                level_ref="software-engineering/IC3",
                target_ref="software-engineering/IC4",
                defaults=shipped(),
                now=now,
            )
        responders = [person(db, f"U0R{n:04d}{k}", team=DEFAULT_TEAM, now=now) for k in range(ASKED)]
        for one in [subject, *responders]:
            fake.add_user(DEFAULT_TEAM, one.slack_user_id, name=one.display_name)
        with db.session() as session:
            subject = session.merge(subject)
            form = feedback.asking_form(
                session, asker=subject, person=subject, defaults=shipped(), anonymity_min=3, now=now
            )
            started = feedback.start(
                session,
                asker=subject,
                person=subject,
                draft=Draft(responders, form.chosen, True, None),
                version_id=form.version_id,
                target_ref=form.target.ref,
                request_key=f"bench-{n}",
                anonymity_min=3,
                now=now,
            )
            competencies = started.round.competencies.split(",")
            for request, responder in zip(started.requests, responders, strict=True):
                asked.append((responder.slack_user_id, request.id or 0, competencies))
    return asked


def answer(sender: SlackSender, responder: str, request_id: int, competencies: list[str], n: int) -> float:
    values: dict[str, Any] = {}
    for competency in competencies:
        values[f"rating:{competency}"] = {"fb": {"type": "radio_buttons", "selected_option": {"value": "sometimes"}}}
        values[f"example:{competency}"] = {"fb": {"type": "plain_text_input", "value": f"Seen it in review {n}"}}
    values["gap"] = {"fb": {"type": "plain_text_input", "value": "Writing the direction down"}}
    values["next"] = {"fb": {"type": "plain_text_input", "value": None}}
    view = {
        "id": f"V{n:08d}",
        "type": "modal",
        "callback_id": "feedback_answer",
        "private_metadata": json.dumps({"r": request_id, "w": f"D{responder[1:]}/1700000000.{n:06d}"}),
        "blocks": [{"type": "input", "block_id": block} for block in values],
    }
    started = time.perf_counter()
    reply = sender.view_submission(user_id=responder, view=view, values=values)
    elapsed = (time.perf_counter() - started) * 1000
    if reply.status != 200:
        raise RuntimeError(f"HTTP {reply.status}: {reply.text[:200]}")
    return elapsed


def load(sender: SlackSender, asked: list[tuple[str, int, list[str]]], answers: int, in_flight: int) -> dict[str, Any]:
    """`answers` submissions, `in_flight` at a time: latencies, wall time, errors."""
    latencies: list[float] = []
    errors: list[str] = []

    def one(n: int) -> None:
        responder, request_id, competencies = asked[n % len(asked)]
        try:
            latencies.append(answer(sender, responder, request_id, competencies, n))
        except Exception as error:  # counted and shown, never hidden
            errors.append(str(error)[:120])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        list(pool.map(one, range(answers)))
    return {"latencies": latencies, "wall": time.perf_counter() - started, "errors": errors}


def _line(name: str, result: dict[str, Any]) -> str:
    values = sorted(result["latencies"])
    p50 = statistics.median(values) if values else float("nan")
    p99 = values[int(len(values) * 0.99) - 1] if values else float("nan")
    rate = len(values) / result["wall"]
    errors = len(result["errors"])
    return f"    {name:<8} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {rate:6.1f} answers/s   errors {errors}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--answers", type=int, default=600, help="submissions per phase")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--in-flight", default="20,50", help="concurrent submissions, comma-separated")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        temporary_postgres(postgres_server()) as postgres,
        FakeSlack() as fake,
    ):
        url = f"sqlite:///{folder}/bench.db" if args.database == "sqlite" else postgres
        db = Database.from_url(url)
        migrate.upgrade(db)
        asked = rounds(db, fake, args.rounds)
        db.dispose()
        env = bot_environment(url, fake)
        trellis = start_bot(env, Path(folder), "--workers", str(args.workers))
        bare = start_bare(env, Path(folder), args.workers)
        report = []
        try:
            ours = SlackSender(trellis.events_url, SIGNING_SECRET, fake)
            theirs = SlackSender(bare.events_url, SIGNING_SECRET, fake)
            load(ours, asked, 40, 4), load(theirs, asked, 40, 4)  # warm both: imports, pools, the people
            fake.limit(tiers(post_message=50))  # Slack's tiers: chat.update is Tier 3, 50 a minute
            for in_flight in [int(n) for n in args.in_flight.split(",")]:
                mine, floor = load(ours, asked, args.answers, in_flight), load(theirs, asked, args.answers, in_flight)
                report.append((in_flight, mine, floor))
            updates, limited = len(fake.calls("chat.update")), fake.limited
        finally:
            stop_bot(trellis)
            stop_bot(bare)
    print(
        f"feedback answers over HTTP, {args.rounds} rounds of {ASKED} asked, {args.answers} submissions per phase, "
        f"{args.workers} gunicorn workers each, database {args.database}"
    )
    for in_flight, mine, floor in report:
        print(f"  {in_flight} in flight")
        print(_line("trellis", mine))
        print(_line("bare", floor))
        for error in sorted(set(mine["errors"] + floor["errors"]))[:3]:
            print(f"    error: {error}")
        if mine["latencies"] and floor["latencies"]:
            ratio50 = statistics.median(mine["latencies"]) / statistics.median(floor["latencies"])
            throughput = (len(mine["latencies"]) / mine["wall"]) / (len(floor["latencies"]) / floor["wall"])
            print(f"    ratio: p50 {ratio50:.2f}x, throughput {throughput:.2f}x of the bare Bolt app")
    print(f"  chat.update calls (the DM each answer came from): {updates}, answered 429 by the fake: {limited}")


if __name__ == "__main__":
    main()
