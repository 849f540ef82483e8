"""Each person's plan: their day and hour (in their own time zone), pause, skip, opt-out and sharing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from growth.checkins.weeks import (
    DEFAULT_HOUR,
    DEFAULT_WEEKDAY,
    LONGEST_PAUSE_WEEKS,
    WEEKDAYS,
    Status,
    local_today,
    monday_of,
    slot,
    week_key,
    zone_of,
)
from growth.errors import GrowthError
from storage.db import insert_ignore
from storage.models import Checkin, CheckinPlan, Person


@dataclass(frozen=True)
class Settings:
    weekday: int = DEFAULT_WEEKDAY
    hour: int = DEFAULT_HOUR
    pause_weeks: int = 0  # 0: not paused (a later save with 0 lifts a pause)
    skip_this_week: bool = False
    opted_out: bool = False
    share: bool = False


def plan_of(session: Session, person: Person) -> CheckinPlan | None:
    return session.exec(select(CheckinPlan).where(CheckinPlan.person_id == person.id)).first()


def enrol(session: Session, *, person: Person, now: datetime) -> CheckinPlan:
    """The person's plan, made on their first own interaction: the first nudge is the next slot, never
    one that already passed. An existing plan is rescheduled, for a time zone that may have changed."""
    assert person.id is not None
    zone = zone_of(person)
    monday = monday_of(local_today(person, now))
    first = slot(zone, monday, DEFAULT_WEEKDAY, DEFAULT_HOUR)
    if first <= now:
        first = slot(zone, monday + timedelta(days=7), DEFAULT_WEEKDAY, DEFAULT_HOUR)
    inserted = insert_ignore(
        session,
        CheckinPlan.__table__,  # type: ignore[arg-type]
        {
            "team_id": person.team_id,
            "person_id": person.id,
            "weekday": DEFAULT_WEEKDAY,
            "hour": DEFAULT_HOUR,
            "opted_out": False,
            "share": False,
            "next_at": first,
            "created_at": now,
            "updated_at": now,
        },
        conflict=["person_id"],
    )
    plan = plan_of(session, person)
    assert plan is not None
    if not inserted:
        reschedule(session, plan=plan, person=person, now=now)
    return plan


def reschedule(session: Session, *, plan: CheckinPlan, person: Person, now: datetime) -> None:
    """Point `next_at` at this week's slot while this week has no check-in yet (even if the slot passed:
    the tick then sends it now), else at next week's. Opted out: nothing is scheduled."""
    if plan.opted_out:
        plan.next_at = None
    else:
        zone, today = zone_of(person), local_today(person, now)
        monday = monday_of(today)
        this_week = session.exec(
            select(Checkin.id).where(Checkin.person_id == person.id, Checkin.week == week_key(today))
        ).first()
        if this_week is not None:
            monday += timedelta(days=7)
        plan.next_at = slot(zone, monday, plan.weekday, plan.hour)
    plan.updated_at = now
    session.add(plan)


def change_settings(session: Session, *, person: Person, settings: Settings, now: datetime) -> CheckinPlan:
    if settings.weekday not in range(7) or settings.hour not in range(24):
        raise GrowthError("Choose a day of the week and an hour between 00:00 and 23:00.")
    if settings.pause_weeks not in range(LONGEST_PAUSE_WEEKS + 1):
        raise GrowthError(f"Pause for up to {LONGEST_PAUSE_WEEKS} weeks.")
    plan = enrol(session, person=person, now=now)
    today = local_today(person, now)
    plan.weekday, plan.hour = settings.weekday, settings.hour
    plan.paused_until = today + timedelta(weeks=settings.pause_weeks) if settings.pause_weeks else None
    plan.skip_week = week_key(today) if settings.skip_this_week else None
    plan.opted_out, plan.share = settings.opted_out, settings.share
    if settings.skip_this_week:
        mark_week(session, person=person, week=week_key(today), status=Status.SKIPPED, now=now)
    reschedule(session, plan=plan, person=person, now=now)
    return plan


def current_settings(plan: CheckinPlan, person: Person, now: datetime) -> Settings:
    today = local_today(person, now)
    pause = 0
    if plan.paused_until is not None and plan.paused_until > today:
        pause = -(-(plan.paused_until - today).days // 7)
    return Settings(
        weekday=plan.weekday,
        hour=plan.hour,
        pause_weeks=pause,
        skip_this_week=plan.skip_week == week_key(today),
        opted_out=plan.opted_out,
        share=plan.share,
    )


def describe_plan(plan: CheckinPlan | None, person: Person, now: datetime) -> str:
    """One line: when the next nudge comes, or why none will."""
    if plan is None:
        return f"Check-ins: {WEEKDAYS[DEFAULT_WEEKDAY]}s at {DEFAULT_HOUR:02d}:00, your time."
    when = f"{WEEKDAYS[plan.weekday]}s at {plan.hour:02d}:00 your time"
    if plan.opted_out:
        return "Check-ins: off (you opted out)."
    today = local_today(person, now)
    if plan.paused_until is not None and plan.paused_until > today:
        return f"Check-ins: {when}, paused until {plan.paused_until:%A %-d %B}."
    if plan.skip_week == week_key(today):
        return f"Check-ins: {when}; skipping this week."
    return f"Check-ins: {when}."


def week_row(person: Person, week: str, status: Status, now: datetime) -> dict[str, object]:
    return {
        "team_id": person.team_id,
        "person_id": person.id,
        "week": week,
        "status": status.value,
        "private": False,
        "created_at": now,
        "updated_at": now,
    }


def mark_week(session: Session, *, person: Person, week: str, status: Status, now: datetime) -> int | None:
    """The week's row with `status`; None when the week already had one (kept as it was, unless it was
    only queued and the person now skips it)."""
    inserted = insert_ignore(
        session,
        Checkin.__table__,  # type: ignore[arg-type]
        week_row(person, week, status, now),
        conflict=["person_id", "week"],
    )
    row = session.exec(select(Checkin).where(Checkin.person_id == person.id, Checkin.week == week)).one()
    if not inserted:
        if status is Status.SKIPPED and row.status in (Status.QUEUED, Status.SENT):
            row.status, row.updated_at = status.value, now
            session.add(row)
        return None
    return row.id
