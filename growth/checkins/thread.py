"""The person's growth thread as they read it: entries newest first, and the streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from growth.checkins.plans import describe_plan, plan_of
from growth.checkins.weeks import NEUTRAL, Status, local_today, monday_of_week, week_key
from storage.models import Checkin, Person


@dataclass(frozen=True)
class Streak:
    current: int  # weeks in a row with an entry (skipped, paused and away weeks neither add nor break)
    entries: int
    missed: int  # weeks nudged and left unanswered, once the week was over


def thread(session: Session, *, person: Person, limit: int | None = None, offset: int = 0) -> list[Checkin]:
    """The person's entries, newest first."""
    query = (
        select(Checkin)
        .where(Checkin.person_id == person.id, Checkin.status == Status.ANSWERED.value)
        .order_by(Checkin.week.desc())  # type: ignore[attr-defined]
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def streak(session: Session, *, person: Person, now: datetime) -> Streak:
    rows = session.exec(
        select(Checkin.week, Checkin.status).where(Checkin.person_id == person.id).order_by(Checkin.week.desc())  # type: ignore[attr-defined]
    ).all()
    return streak_of(dict(rows), this_week=week_key(local_today(person, now)))


def streak_of(statuses: dict[str, str], *, this_week: str) -> Streak:
    entries = sum(1 for status in statuses.values() if status == Status.ANSWERED)
    missed = sum(1 for week, status in statuses.items() if status == Status.SENT and week < this_week)
    current, monday = 0, monday_of_week(this_week)
    first = min(statuses, default=this_week)
    if statuses.get(this_week) != Status.ANSWERED:
        monday -= timedelta(days=7)  # this week is not over: it cannot break the streak yet
    while week_key(monday) >= first:
        status = statuses.get(week_key(monday))
        if status == Status.ANSWERED:
            current += 1
        elif status not in NEUTRAL:
            break
        monday -= timedelta(days=7)
    return Streak(current, entries, missed)


@dataclass(frozen=True)
class HomeThread:
    plan_line: str
    streak: Streak
    latest: list[Checkin]


HOME_ENTRIES = 2


def home_thread(session: Session, *, person: Person, now: datetime) -> HomeThread:
    plan = plan_of(session, person)
    return HomeThread(
        describe_plan(plan, person, now),
        streak(session, person=person, now=now),
        thread(session, person=person, limit=HOME_ENTRIES),
    )
