"""Just before a check-in goes: is it still wanted (answered? skipped? away? moved time zone?), and
what Slack said once it went (sent, or the person has left)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, update
from sqlmodel import Session, select

from growth.checkins.weeks import (
    AWAY_EMOJI,
    AWAY_LONGER_THAN,
    AWAY_WORDS,
    Nudge,
    Status,
    monday_of_week,
    slot,
    week_end,
    zone_of,
)
from storage.models import Checkin, CheckinPlan, Person, Win


@dataclass(frozen=True)
class Delivery:
    """What a check-in message needs when it is about to be sent."""

    checkin: Checkin
    person: Person
    plan: CheckinPlan
    nudge: Nudge
    wins_this_week: int
    reminder: bool


def delivery(session: Session, *, team_id: str, checkin_id: int, reminder: bool = False) -> Delivery | None:
    """The check-in to send, or None when there is nothing to send any more (answered, skipped, gone).

    Two round trips (the check-in with its person and plan, then the week's wins counted): it runs for
    every check-in of a fan-out, just before each is sent."""
    found = session.exec(
        select(Checkin, Person, CheckinPlan)
        .join(Person, Person.id == Checkin.person_id)  # type: ignore[arg-type]
        .join(CheckinPlan, CheckinPlan.person_id == Checkin.person_id)  # type: ignore[arg-type]
        .where(Checkin.id == checkin_id, Checkin.team_id == team_id)
    ).first()
    if found is None:
        return None
    row, person, plan = found
    if person.deleted or plan.opted_out:
        return None
    waiting = (Status.SENT,) if reminder else (Status.QUEUED, Status.SENT)
    if row.status not in waiting:
        return None
    monday = monday_of_week(row.week)
    wins = session.exec(
        select(func.count())
        .select_from(Win)
        .where(Win.person_id == person.id, Win.happened_on >= monday, Win.happened_on < monday + timedelta(days=7))
    ).one()
    nudge = Nudge.LIGHT if wins else Nudge.FULL
    return Delivery(row, person, plan, nudge, int(wins), reminder)


def is_away(person: Person, at: datetime) -> bool:
    """Whether the person's Slack status says they are away at `at` (see the rules above)."""
    text, emoji, expires = person.status_text or "", person.status_emoji or "", person.status_expiration or 0
    if not text and not emoji:
        return False
    if expires and expires <= at.timestamp():
        return False  # it had ended by then
    if emoji in AWAY_EMOJI or AWAY_WORDS.search(text):
        return True
    return bool(expires) and datetime.fromtimestamp(expires, UTC) - at > AWAY_LONGER_THAN


def later_this_week(found: Delivery, now: datetime) -> datetime | None:
    """When the check-in is due at the person's hour where they are now, if that is still to come this
    week (they moved west since it was queued); None when it is due."""
    zone, monday = zone_of(found.person), monday_of_week(found.checkin.week)
    at = slot(zone, monday, found.plan.weekday, found.plan.hour)
    return at if now < at < week_end(zone, monday) and not found.reminder else None


def record_sent(session: Session, *, checkin_id: int, channel: str, ts: str, nudge: Nudge, now: datetime) -> None:
    """One statement (it runs for every check-in of a fan-out): a queued check-in is sent now; a reminder's
    message is the thread from now on, whatever the check-in's status."""
    sent = case((Checkin.status == Status.QUEUED.value, Status.SENT.value), else_=Checkin.status)  # type: ignore[arg-type]
    session.execute(
        update(Checkin)
        .where(Checkin.id == checkin_id)  # type: ignore[arg-type]
        .values(status=sent, channel_id=channel, message_ts=ts, nudge=nudge.value, updated_at=now)
    )


def record_not_sent(session: Session, *, checkin_id: int, status: Status, now: datetime) -> None:
    session.execute(
        update(Checkin)
        .where(and_(Checkin.id == checkin_id, Checkin.status.in_([Status.QUEUED.value, Status.SENT.value])))  # type: ignore[attr-defined]
        .values(status=status.value, updated_at=now)
    )


def record_left(session: Session, *, person_id: int, now: datetime) -> None:
    """Slack says this person is gone: stop scheduling them (a later interaction brings them back)."""
    person = session.get(Person, person_id)
    if person is None:
        return
    person.deleted, person.updated_at = True, now
    session.add(person)
    plan = session.exec(select(CheckinPlan).where(CheckinPlan.person_id == person_id)).first()
    if plan is not None:
        plan.next_at, plan.updated_at = None, now
        session.add(plan)
    session.execute(
        update(Checkin)
        .where(and_(Checkin.person_id == person_id, Checkin.status.in_([Status.QUEUED.value, Status.SENT.value])))  # type: ignore[attr-defined]
        .values(status=Status.LEFT.value, updated_at=now)
    )


def remember_dm(session: Session, *, person_id: int, channel: str) -> None:
    session.execute(update(CheckinPlan).where(CheckinPlan.person_id == person_id).values(dm_channel_id=channel))
