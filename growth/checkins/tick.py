"""The tick: who is due their check-in (and which managers their digest) as of now. It writes only rows,
each under a unique key, so any number of processes may run it, as late as they like."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, select

from growth.checkins.plans import week_row
from growth.checkins.weeks import (
    DIGEST_HOUR,
    DIGEST_WEEKDAY,
    Status,
    local_today,
    monday_of,
    slot,
    week_key,
    zone_of,
)
from growth.notices import CheckinDue, DigestDue
from growth.relationships import Status as Link
from storage.db import insert_many_ignore
from storage.models import Checkin, CheckinPlan, ManagerLink, Person, Workspace

# The workspaces the app was uninstalled from: nobody there is nudged while their data is kept.
_UNINSTALLED = select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None))  # type: ignore[union-attr]


@dataclass
class Tick:
    queued: list[CheckinDue]  # a check-in DM to queue for each, in the same transaction
    quiet: int = 0  # paused, skipped, or not this week's time yet


def due_checkins(session: Session, *, now: datetime, limit: int = 500) -> Tick:
    """Write this week's check-in row for up to `limit` people whose slot has come, and move each plan on
    to its next slot. The caller queues the message of each check-in returned (same transaction)."""
    # The plans of a workspace the app was uninstalled from are moved on like the others, without a
    # check-in: left in the past, every tick would read past all of them until the workspace's data is
    # deleted (100,000 plans: 70 ms a minute for the retention period).
    away = CheckinPlan.team_id.in_(_UNINSTALLED).label("away")  # type: ignore[attr-defined]
    query = (
        select(CheckinPlan, Person, away)
        .join(Person, Person.id == CheckinPlan.person_id)  # type: ignore[arg-type]
        .where(
            CheckinPlan.next_at <= now,
            CheckinPlan.opted_out == False,  # noqa: E712
        )
        .order_by(CheckinPlan.next_at, CheckinPlan.id)  # type: ignore[arg-type]
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=CheckinPlan)  # type: ignore[arg-type]
    tick = Tick(queued=[])
    moves: list[dict[str, object]] = []
    weeks: list[dict[str, object]] = []
    enterprises: dict[int, str | None] = {}
    for plan, person, uninstalled in session.exec(query).all():
        enterprises[person.id or 0] = person.enterprise_id
        zone, today = zone_of(person), local_today(person, now)
        monday = monday_of(today)
        at = slot(zone, monday, plan.weekday, plan.hour)
        if at > now:  # this week's time has not come (the plan moved): wait for it
            moves.append({"id": plan.id, "next_at": at, "updated_at": now})
            tick.quiet += 1
            continue
        moves.append(
            {
                "id": plan.id,
                "next_at": slot(zone, monday + timedelta(days=7), plan.weekday, plan.hour),
                "updated_at": now,
            }
        )
        if uninstalled:  # nobody is nudged while their data is kept: on to next week, without a check-in
            tick.quiet += 1
            continue
        week = week_key(today)
        status = Status.LEFT if person.deleted else _week_status(plan, today, week)
        weeks.append(week_row(person, week, status, now))
    # One statement each for the whole batch: ten thousand people are a handful of round trips.
    written = insert_many_ignore(
        session,
        Checkin.__table__,
        weeks,
        conflict=["person_id", "week"],
        returning=["id", "team_id", "person_id", "week", "status"],
    )  # type: ignore[arg-type]
    for row in written:
        if row.status == Status.QUEUED:
            tick.queued.append(CheckinDue(row.team_id, enterprises.get(row.person_id), row.person_id, row.id, row.week))
        else:
            tick.quiet += 1
    tick.quiet += len(weeks) - len(written)  # the week had its row already
    if moves:
        session.execute(update(CheckinPlan), moves)
    return tick


def _week_status(plan: CheckinPlan, today: date, week: str) -> Status:
    if plan.skip_week == week:
        return Status.SKIPPED
    if plan.paused_until is not None and plan.paused_until > today:
        return Status.PAUSED
    return Status.QUEUED


def due_digests(session: Session, *, now: datetime) -> list[DigestDue]:
    """Every confirmed manager whose Monday 09:00 (their time) has come this week and whose digest of the
    week is not queued yet: one digest per manager and week. Each is noted on the manager (`digest_week`),
    so the ticks of the rest of the week pass them by; two ticks at once queue it once (its outbox key).

    Noting it matters beyond the work saved: a row skipped by the outbox's unique key still takes an id
    from PostgreSQL's sequence, and a tick a minute offering every manager's digest all week long would
    spend the outbox's 32-bit ids in about 22 weeks with 10,000 managers."""
    # No one's week is later than the one where the clock is furthest ahead (UTC+14); a manager whose
    # digest of that week is queued is surely done (ISO week keys sort as they run).
    latest = week_key((now + timedelta(hours=14)).date())
    managers = session.exec(
        select(Person)
        .where(
            Person.id.in_(  # type: ignore[union-attr]
                select(ManagerLink.manager_id).where(ManagerLink.status == Link.CONFIRMED.value)
            ),
            Person.deleted == False,  # noqa: E712
            Person.team_id.not_in(_UNINSTALLED),  # type: ignore[attr-defined]
            or_(Person.digest_week.is_(None), Person.digest_week < latest),  # type: ignore[union-attr, operator]
        )
        .order_by(Person.id)
    ).all()
    due = []
    for manager in managers:
        zone, monday = zone_of(manager), monday_of(local_today(manager, now))
        week = week_key(monday)
        if manager.digest_week != week and slot(zone, monday, DIGEST_WEEKDAY, DIGEST_HOUR) <= now:
            due.append(DigestDue(manager.team_id, manager.enterprise_id, manager.id or 0, week))
    if due:
        noted = [{"id": notice.manager_id, "digest_week": notice.week} for notice in due]
        session.execute(update(Person), noted)
    return due
