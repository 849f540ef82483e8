"""What history costs the statements that run every minute or on every request, on SQLite and PostgreSQL.

Each is the project's own function, timed on a database that holds what a year or more leaves behind:
10,000 people with 52 weeks of check-ins each, 20,000 framework versions imported by other workspaces,
100,000 ended and declined manager links, 200,000 closed feedback rounds, a million outbox rows sent, and
a workspace of 100,000 people the app was uninstalled from, its data kept for the retention period. The
check-in tick runs once first, as it does every minute, so what it does once a week is done.
Beside each figure, the same function on the same database holding only the live rows (the floor): a
statement that history does not slow costs about the same in both. Prints the median of 20 calls, each in a
transaction rolled back afterwards. `--tree` times another checkout (a before and after). Run from the
repository root:

    python bench/history_queries.py [--scale 1.0] [--tree ../an-earlier-checkout]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

NOW = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
PEOPLE = 10_000
WEEKS = 52


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="history rows, as a share of the default")
    parser.add_argument("--tree", type=Path, help="time that checkout's Trellis instead of this one")
    args = parser.parse_args()
    sys.path[:0] = [str((args.tree or ROOT).resolve()), str(ROOT)]
    from storage import migrate
    from storage.db import Database
    from tests.databases import postgres_server, temporary_postgres

    print(f"Trellis from {(args.tree or ROOT).resolve()}, history x{args.scale}: median of 20 calls, ms")
    print(f"  {'':<28} {'sqlite':>9} {'floor':>7}   {'postgres':>9} {'floor':>7}")
    figures: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as folder, temporary_postgres(postgres_server()) as postgres:
        for url in (f"sqlite:///{folder}/history.db", postgres):
            db = Database.from_url(url)
            migrate.upgrade(db)
            live(db)
            floor = {label: timed(db, call) for label, call in CALLS.items()}
            history(db, args.scale)
            for label, call in CALLS.items():
                figures.setdefault(label, []).append(f"{timed(db, call):9.2f} {floor[label]:7.2f}")
            db.dispose()
    for label, cells in figures.items():
        print(f"  {label:<28} {'   '.join(cells)}")


def live(db: Any) -> None:
    """What is live: the people, this workspace's framework, a few confirmed managers, a few open rounds
    not yet due, this week's check-ins, and 20 outbox rows to send."""
    sql(db, "INSERT INTO workspaces (team_id, created_at, updated_at) VALUES ('T1', {now}, {now})")
    series(
        db,
        PEOPLE,
        "people (team_id, slack_user_id, display_name, is_admin, is_bot, deleted, profile_refreshed_at,"
        " created_at, updated_at)",
        "'T1', 'U' || i, 'Person ' || i, {false}, {false}, {false}, {now}, {now}, {now}",
    )
    versions(db, 4, "'T1'")
    links(db, 200, "confirmed")
    rounds(db, 20, "open", due="{later}")
    checkins(db, weeks=1)
    from storage import outbox

    with db.session() as session:
        for n in range(20):
            payload = {"channel": f"U{n + 1}", "text": "How did your week go?"}
            outbox.enqueue(session, team_id="T1", key=f"live:{n}", method="chat.postMessage", payload=payload, now=NOW)
    settle(db)


def history(db: Any, scale: float) -> None:
    versions(db, int(20_000 * scale), "'T0' || i")  # other workspaces', imported since
    links(db, int(100_000 * scale), "ended")
    rounds(db, int(200_000 * scale), "closed", due="{earlier}")
    checkins(db, weeks=max(1, int(WEEKS * scale)), first_week=1)
    sent(db, int(1_000_000 * scale))
    uninstalled(db, int(100_000 * scale))
    settle(db)
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def sent(db: Any, count: int) -> None:
    """Check-in DMs sent over the weeks before now, in another workspace (written here, not through
    bench/outbox_throughput, so that `--tree` can time a checkout older than this bench)."""
    series(
        db,
        count,
        "outbox (team_id, key, method, payload, due_at, next_attempt_at, attempts, sent_at, response, calling,"
        " in_doubt, created_at)",
        "'T0SENT', 'checkin:' || i, 'chat.postMessage', :payload, {earlier}, {earlier}, 1, {earlier}, :response,"
        " {false}, {false}, {earlier}",
        payload='{"channel":"U0SENT","text":"How did your week go?"}',
        response='{"channel":"D0SENT","ts":"1.0001"}',
    )


def uninstalled(db: Any, count: int) -> None:
    """A workspace uninstalled a month ago, its people's check-in plans due since."""
    sql(
        db,
        "INSERT INTO workspaces (team_id, uninstalled_at, created_at, updated_at) VALUES ('T0GONE', {earlier},"
        " {earlier}, {earlier})",
    )
    series(
        db,
        count,
        "people (team_id, slack_user_id, display_name, is_admin, is_bot, deleted, profile_refreshed_at,"
        " created_at, updated_at)",
        "'T0GONE', 'W' || i, 'Gone ' || i, {false}, {false}, {false}, {earlier}, {earlier}, {earlier}",
    )
    sql(
        db,
        "INSERT INTO checkin_plans (team_id, person_id, weekday, hour, opted_out, share, next_at, created_at,"
        " updated_at) SELECT team_id, id, 4, 15, {false}, {false}, {earlier}, {earlier}, {earlier} FROM people"
        " WHERE team_id = 'T0GONE'",
    )


def settle(db: Any) -> None:
    """The check-in tick's run, as every minute: what it does once a week is done."""
    from delivery.outbound import Outbound
    from schedules.checkins import queue_checkins

    queue_checkins(db, Outbound(()), NOW)


def versions(db: Any, count: int, team: str) -> None:
    series(
        db,
        count,
        "framework_versions (team_id, name, revision, version, title, checksum, source, content, imported_at)",
        team + ", 'engineering-' || i, 1, '1.0', 'Engineering', 'c', 'shipped', {content}, {now}",
    )


def links(db: Any, count: int, status: str) -> None:
    series(
        db,
        count,
        "manager_links (team_id, report_id, manager_id, status, requested_by_id, created_at)",
        f"'T1', 1 + i % {PEOPLE}, 1 + (i * 7) % {PEOPLE}, '{status}', 1, {{now}}",
    )


def rounds(db: Any, count: int, status: str, due: str) -> None:
    series(
        db,
        count,
        "feedback_rounds (team_id, person_id, asked_by_id, framework_version_id, target_ref, competencies,"
        " anonymous, min_answers, due_at, status, opened_again, request_key, created_at, updated_at)",
        f"'T1', 1 + i % {PEOPLE}, 1 + i % {PEOPLE}, 1, 'engineering/IC4', 'impact', {{false}}, 3, {due},"
        f" '{status}', {{false}}, '{status}:' || i, {{now}}, {{now}}",
    )


def checkins(db: Any, *, weeks: int, first_week: int = 0) -> None:
    """`weeks` of check-ins for everyone, from `first_week` weeks ago back; each thread's ts names its
    person and week."""
    week, who = f"({first_week} + (i - 1) / {PEOPLE})", f"(1 + (i - 1) % {PEOPLE})"
    series(
        db,
        PEOPLE * weeks,
        "checkins (team_id, person_id, week, status, nudge, channel_id, message_ts, learned, private,"
        " created_at, updated_at)",
        f"'T1', {who}, 'W' || {week}, 'answered', 'full', 'D' || {who}, {week} || '.' || {who},"
        " 'Learned how the queue drains', {false}, {now}, {now}",
    )


def series(db: Any, count: int, into: str, values: str, **parameters: Any) -> None:
    numbers = (
        "generate_series(1, :count) AS g(i)"
        if db.is_postgres
        else "(WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < :count) SELECT i FROM g)"
    )
    sql(db, f"INSERT INTO {into} SELECT {values} FROM {numbers}", count=count, **parameters)


def sql(db: Any, statement: str, **parameters: Any) -> None:
    from sqlalchemy import bindparam, text

    from storage.types import UTCDateTime

    moments = {"now": NOW, "later": NOW + timedelta(days=7), "earlier": NOW - timedelta(days=30)}
    statement = statement.format(
        **{name: f":at_{name}" for name in moments}, false="false" if db.is_postgres else "0", content=":content"
    )
    used = [name for name in moments if f":at_{name}" in statement]
    query = text(statement).bindparams(*(bindparam(f"at_{name}", type_=UTCDateTime()) for name in used))
    given = {f"at_{name}": moments[name] for name in used}
    if ":content" in statement:
        given["content"] = "x" * 8000  # a framework's YAML, about the size of the shipped ones
    with db.session() as session:
        session.execute(query, {**given, **parameters})


def claim(session: Any, db: Any) -> Any:
    from storage import outbox

    claim.calls = getattr(claim, "calls", 0) + 1  # type: ignore[attr-defined]
    return outbox.claim_due(db, now=NOW + claim.calls * 2 * outbox.LEASE, limit=5)  # type: ignore[attr-defined]


def close_rounds(session: Any, db: Any) -> Any:
    from growth.feedback.closing import due_to_close

    return due_to_close(session, now=NOW)


def digests(session: Any, db: Any) -> Any:
    from growth.checkins.tick import due_digests

    return due_digests(session, now=NOW)


def person(session: Any, db: Any) -> Any:
    from growth.people import known_person

    return known_person(session, team_id="T1", user_id="U5", enterprise_id=None, now=NOW)


def reply(session: Any, db: Any) -> Any:
    from growth.checkins import add_reply

    return add_reply(session, team_id="T1", user_id="U5", channel="D5", thread_ts="0.5", text="And more", now=NOW)


def tick(session: Any, db: Any) -> Any:
    from growth.checkins import due_checkins

    return due_checkins(session, now=NOW)


CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "check-ins due (1 min)": tick,
    "outbox claim (every 5 s)": claim,
    "feedback rounds due (1 min)": close_rounds,
    "digests due (1 min)": digests,
    "the person (every request)": person,
    "a check-in reply": reply,
}


def timed(db: Any, call: Callable[[Any, Any], Any]) -> float:
    from sqlmodel import Session

    took = []
    for n in range(23):
        with Session(db.engine) as session:
            started = time.perf_counter()
            call(session, db)
            if n >= 3:  # after the warm-up: statements prepared, caches filled
                took.append((time.perf_counter() - started) * 1000)
            session.rollback()
    return statistics.median(took)


if __name__ == "__main__":
    main()
