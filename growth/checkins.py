"""Weekly growth threads: who is due a check-in, what they wrote, streaks, and the managers' digest.

The rules, in one place:

- Everyone who has used Trellis gets one check-in a week, at their own weekday and hour (default Friday
  15:00) in their Slack time zone. A week is the ISO week where the person is; a person has one check-in
  row per week (unique), so nothing sends twice, whoever ticks and however late.
- A tick that runs late still nudges that week's check-in while the week lasts; a week that ended
  before anyone ticked is missed, not sent on Monday.
- Paused, skipped and opted-out weeks send nothing. A Slack status that says the person is away (out of
  office, vacation, sick, parental leave, or any status set to last more than a day past the check-in
  time) skips that week too, decided when the message is about to go.
- Someone who already wrote this week's entry gets no nudge; someone who logged a win this week (but
  wrote nothing) gets the light nudge: one line that counts the wins and offers the same buttons.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, update
from sqlmodel import Session, select

from growth.asks import open_asks
from growth.career import win_vocabulary
from growth.errors import GrowthError
from growth.frameworks.model import Framework
from growth.people import valid_time_zone
from growth.suggest import suggest
from growth.wins import TEXT_LIMIT, Details, LoggedWin, Visibility, log_win
from storage.db import insert_ignore, insert_many_ignore
from storage.models import Ask, Checkin, CheckinPlan, ManagerLink, Objective, Person, Win

DEFAULT_WEEKDAY = 4  # Friday
DEFAULT_HOUR = 15
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ANSWER_LIMIT = 3_000
REPLY_LIMIT = 10_000
LONGEST_PAUSE_WEEKS = 12
QUIET_WEEKS = 2
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 9  # Monday 09:00 where the manager is
AWAY_LONGER_THAN = timedelta(days=1)
AWAY_EMOJI = frozenset({":palm_tree:", ":airplane:", ":face_with_thermometer:", ":baby:", ":beach_with_umbrella:"})
AWAY_WORDS = re.compile(
    r"\b(out of (the )?office|ooo|vacation|holiday|annual leave|on leave|parental leave|sick|pto|away)\b",
    re.IGNORECASE,
)


class Status(StrEnum):
    QUEUED = "queued"  # written with its outbox row, not sent yet
    SENT = "sent"  # the nudge is in their DM
    ANSWERED = "answered"  # they wrote the week's entry (in the modal or in the thread)
    SKIPPED = "skipped"
    PAUSED = "paused"
    AWAY = "away"  # their Slack status said they were away
    LEFT = "left"  # they left the workspace, or Slack will not let us DM them


NEUTRAL = frozenset({Status.SKIPPED, Status.PAUSED, Status.AWAY})  # neither extend nor break a streak


class Nudge(StrEnum):
    FULL = "full"
    LIGHT = "light"
    NONE = "none"


# -- time ----------------------------------------------------------------------------------------


def zone_of(person: Person) -> ZoneInfo:
    return ZoneInfo(valid_time_zone(person.tz) or "UTC")


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def monday_of_week(key: str) -> date:
    return datetime.strptime(key + "-1", "%G-W%V-%u").date()


def slot(zone: ZoneInfo, monday: date, weekday: int, hour: int) -> datetime:
    """The moment, in UTC, of `weekday` at `hour` o'clock local time in the week starting `monday`."""
    return datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=zone).astimezone(UTC)


def week_end(zone: ZoneInfo, monday: date) -> datetime:
    return datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)


def local_today(person: Person, now: datetime) -> date:
    return now.astimezone(zone_of(person)).date()


# -- plans ---------------------------------------------------------------------------------------


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
        _mark_week(session, person=person, week=week_key(today), status=Status.SKIPPED, now=now)
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


# -- the tick ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queued:
    checkin_id: int
    team_id: str
    person_id: int
    week: str


@dataclass
class Tick:
    queued: list[Queued]
    quiet: int = 0  # paused, skipped, or not this week's time yet


def due_checkins(session: Session, *, now: datetime, limit: int = 500) -> Tick:
    """Write this week's check-in row for up to `limit` people whose slot has come, and move each plan on
    to its next slot. The caller queues the message for each row returned (same transaction)."""
    query = (
        select(CheckinPlan, Person)
        .join(Person, Person.id == CheckinPlan.person_id)  # type: ignore[arg-type]
        .where(CheckinPlan.next_at <= now, CheckinPlan.opted_out == False)  # noqa: E712
        .order_by(CheckinPlan.next_at, CheckinPlan.id)  # type: ignore[arg-type]
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=CheckinPlan)  # type: ignore[arg-type]
    tick = Tick(queued=[])
    moves: list[dict[str, object]] = []
    weeks: list[dict[str, object]] = []
    for plan, person in session.exec(query).all():
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
        week = week_key(today)
        status = Status.LEFT if person.deleted else _week_status(plan, today, week)
        weeks.append(_week_row(person, week, status, now))
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
            tick.queued.append(Queued(row.id, row.team_id, row.person_id, row.week))
        else:
            tick.quiet += 1
    tick.quiet += len(weeks) - len(written)  # the week had its row already
    if moves:
        session.execute(update(CheckinPlan), moves)
    return tick


def _week_row(person: Person, week: str, status: Status, now: datetime) -> dict[str, object]:
    return {
        "team_id": person.team_id,
        "person_id": person.id,
        "week": week,
        "status": status.value,
        "private": False,
        "created_at": now,
        "updated_at": now,
    }


def _week_status(plan: CheckinPlan, today: date, week: str) -> Status:
    if plan.skip_week == week:
        return Status.SKIPPED
    if plan.paused_until is not None and plan.paused_until > today:
        return Status.PAUSED
    return Status.QUEUED


def _mark_week(session: Session, *, person: Person, week: str, status: Status, now: datetime) -> int | None:
    """The week's row with `status`; None when the week already had one (kept as it was, unless it was
    only queued and the person now skips it)."""
    inserted = insert_ignore(
        session,
        Checkin.__table__,  # type: ignore[arg-type]
        _week_row(person, week, status, now),
        conflict=["person_id", "week"],
    )
    row = session.exec(select(Checkin).where(Checkin.person_id == person.id, Checkin.week == week)).one()
    if not inserted:
        if status is Status.SKIPPED and row.status in (Status.QUEUED, Status.SENT):
            row.status, row.updated_at = status.value, now
            session.add(row)
        return None
    return row.id


# -- sending -------------------------------------------------------------------------------------


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
    """The check-in to send, or None when there is nothing to send any more (answered, skipped, gone)."""
    row = session.get(Checkin, checkin_id)
    if row is None or row.team_id != team_id:
        return None
    person, plan = (
        session.get(Person, row.person_id),
        session.exec(select(CheckinPlan).where(CheckinPlan.person_id == row.person_id)).first(),
    )
    if person is None or plan is None or person.deleted or plan.opted_out:
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
    row = session.get(Checkin, checkin_id)
    if row is None:
        return
    if row.status == Status.QUEUED:
        row.status = Status.SENT.value
    row.channel_id, row.message_ts, row.nudge = channel, ts, nudge.value  # a reminder's thread is the one now
    row.updated_at = now
    session.add(row)


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


# -- entries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    learned: str = ""
    operated: str = ""
    blockers: str = ""
    objective_id: int | None = None
    private: bool = False


def _clean(answers: Answers) -> Answers:
    fields = {}
    for name, label in (("learned", "What I learned"), ("operated", "Next level"), ("blockers", "What blocks me")):
        value = getattr(answers, name).strip()
        if len(value) > ANSWER_LIMIT:
            raise GrowthError(f"“{label}” is {len(value):,} characters; keep it under {ANSWER_LIMIT:,}.")
        fields[name] = value
    if not any(fields.values()):
        raise GrowthError("Write at least one of the three answers (or skip this week).")
    return Answers(**fields, objective_id=answers.objective_id, private=answers.private)


@dataclass(frozen=True)
class Written:
    checkin: Checkin
    first: bool  # the week's first entry (not an edit)
    share: bool  # post it under the person's growth-channel thread


def write_entry(
    session: Session, *, person: Person, answers: Answers, now: datetime, checkin_id: int | None = None
) -> Written:
    """Keep this week's entry (or the entry of the check-in `checkin_id` answers). Writing again edits it."""
    answers = _clean(answers)
    if checkin_id is not None:
        row = session.get(Checkin, checkin_id)
        if row is None or row.person_id != person.id:
            raise GrowthError("That check-in is not yours to answer.")
    else:
        week = week_key(local_today(person, now))
        _mark_week(session, person=person, week=week, status=Status.ANSWERED, now=now)
        row = session.exec(select(Checkin).where(Checkin.person_id == person.id, Checkin.week == week)).one()
    if answers.objective_id is not None:
        objective = session.get(Objective, answers.objective_id)
        if objective is None or objective.person_id != person.id:
            raise GrowthError("That roadmap objective is not on your roadmap any more. Choose another.")
    first = row.answered_at is None
    row.learned, row.operated, row.blockers = answers.learned, answers.operated, answers.blockers
    row.objective_id, row.private = answers.objective_id, answers.private
    row.status, row.answered_at, row.updated_at = Status.ANSWERED.value, row.answered_at or now, now
    session.add(row)
    session.flush()
    plan = plan_of(session, person)
    return Written(row, first, share=bool(plan and plan.share and not answers.private))


def add_reply(
    session: Session, *, team_id: str, user_id: str, channel: str, thread_ts: str, text: str, now: datetime
) -> Written | None:
    """A plain reply in the DM thread of a check-in joins that week's entry. None: not such a thread."""
    row = session.exec(
        select(Checkin).where(
            Checkin.team_id == team_id, Checkin.channel_id == channel, Checkin.message_ts == thread_ts
        )
    ).first()
    person = session.get(Person, row.person_id) if row is not None else None
    if row is None or person is None or person.slack_user_id != user_id:
        return None
    text = text.strip()[:ANSWER_LIMIT]
    if not text:
        return None
    # Replies arrive concurrently (Slack delivers events to any web process): append in SQL, lose none.
    table = Checkin.__table__
    first = (
        session.execute(
            update(table).where(table.c.id == row.id, table.c.answered_at.is_(None)).values(answered_at=now)
        ).rowcount
        == 1
    )
    joined = func.coalesce(table.c.replies + "\n\n", "") + text
    session.execute(
        update(table)
        .where(table.c.id == row.id, func.length(func.coalesce(table.c.replies, "")) < REPLY_LIMIT)
        .values(replies=joined, status=Status.ANSWERED.value, updated_at=now)
    )
    session.flush()
    session.refresh(row)
    plan = plan_of(session, person)
    return Written(row, first, share=bool(plan and plan.share and not row.private))


def entry_of_week(session: Session, *, person: Person, week: str) -> Checkin | None:
    return session.exec(select(Checkin).where(Checkin.person_id == person.id, Checkin.week == week)).first()


def own_checkin(session: Session, *, person: Person, checkin_id: int) -> Checkin:
    row = session.get(Checkin, checkin_id)
    if row is None or row.team_id != person.team_id:
        raise GrowthError("That check-in is gone.")
    if row.person_id != person.id:
        raise GrowthError("Only the person whose check-in it is can answer it.")
    return row


def skip(session: Session, *, person: Person, checkin_id: int, now: datetime) -> Checkin:
    row = own_checkin(session, person=person, checkin_id=checkin_id)
    if row.status in (Status.QUEUED, Status.SENT):
        row.status, row.updated_at = Status.SKIPPED.value, now
        session.add(row)
    return row


def remind_at(session: Session, *, person: Person, checkin_id: int, now: datetime) -> datetime:
    """When "Remind me tomorrow" brings the check-in back: same hour tomorrow, their time."""
    row = own_checkin(session, person=person, checkin_id=checkin_id)
    if row.status != Status.SENT:
        raise GrowthError(_settled(row))
    zone = zone_of(person)
    return (now.astimezone(zone) + timedelta(days=1)).astimezone(UTC)


def _settled(row: Checkin) -> str:
    return {
        Status.ANSWERED: "You already wrote this week's entry.",
        Status.SKIPPED: "You skipped this week.",
    }.get(Status(row.status), "This check-in is closed.")


# -- the thread ----------------------------------------------------------------------------------


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


def make_win(
    session: Session, *, person: Person, checkin_id: int, defaults: tuple[Framework, ...], now: datetime
) -> LoggedWin:
    """One click: the answer to "where I operated at the next level" becomes a win, tagged with the
    competencies it reads like, linked to the entry's objective. Clicking again finds the same win."""
    row = own_checkin(session, person=person, checkin_id=checkin_id)
    if not row.operated:
        raise GrowthError("This entry has no answer to “where I operated at the next level” to make a win of.")
    vocabulary = win_vocabulary(session, person=person, defaults=defaults, now=now)
    tags = []
    if vocabulary.framework is not None:
        tags = [s.competency.id for s in suggest(vocabulary.framework, vocabulary.level_ids, row.operated)]
    objective = row.objective_id if row.objective_id and session.get(Objective, row.objective_id) else None
    today = local_today(person, now)
    details = Details(
        text=row.operated[:TEXT_LIMIT],
        happened_on=min(today, monday_of_week(row.week) + timedelta(days=6)),  # within the entry's week
        visibility=Visibility.PRIVATE if row.private else Visibility.SHARED,
        competencies=tags,
        objective_id=objective,
    )
    logged = log_win(
        session,
        person=person,
        details=details,
        source="checkin",
        request_key=f"checkin:{row.id}",
        today=today,
        now=now,
    )
    row.win_id, row.updated_at = logged.win.id, now
    session.add(row)
    return logged


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


# -- the managers' digest ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportWeek:
    person: Person
    entries: list[Checkin]  # not private, answered in the period
    wins: list[Win]  # shared or public, in the period
    quiet_weeks: int  # whole weeks since their last entry or win (0: not quiet)
    open_asks: list[Ask] = field(default_factory=list)  # waiting for the manager's decision


@dataclass(frozen=True)
class DueDigest:
    manager_id: int
    team_id: str
    week: str


def due_digests(session: Session, *, now: datetime) -> list[DueDigest]:
    """Every confirmed manager whose Monday 09:00 (their time) has come this week. The caller queues one
    digest per (manager, week): the outbox key makes a second tick a no-op."""
    managers = session.exec(
        select(Person)
        .where(
            Person.id.in_(  # type: ignore[union-attr]
                select(ManagerLink.manager_id).where(ManagerLink.status == "confirmed")
            ),
            Person.deleted == False,  # noqa: E712
        )
        .order_by(Person.id)
    ).all()
    due = []
    for manager in managers:
        zone, monday = zone_of(manager), monday_of(local_today(manager, now))
        if slot(zone, monday, DIGEST_WEEKDAY, DIGEST_HOUR) <= now:
            due.append(DueDigest(manager.id or 0, manager.team_id, week_key(monday)))
    return due


def digest_since(manager: Person, week: str) -> datetime:
    """Where the digest of `week` starts: the previous digest's moment, so no entry falls between two."""
    return slot(zone_of(manager), monday_of_week(week) - timedelta(days=7), DIGEST_WEEKDAY, DIGEST_HOUR)


def digest(session: Session, *, manager: Person, now: datetime, since: datetime | None = None) -> list[ReportWeek]:
    """What each confirmed report shared since `since` (default: a week ago), in a fixed number of queries."""
    reports = session.exec(
        select(Person)
        .join(ManagerLink, ManagerLink.report_id == Person.id)  # type: ignore[arg-type]
        .where(
            ManagerLink.team_id == manager.team_id,
            ManagerLink.manager_id == manager.id,
            ManagerLink.status == "confirmed",
            Person.deleted == False,  # noqa: E712
        )
        .order_by(Person.display_name, Person.id)
    ).all()
    ids = [report.id for report in reports]
    if not ids:
        return []
    since = since or now - timedelta(days=7)
    entries: dict[int, list[Checkin]] = defaultdict(list)
    for row in session.exec(
        select(Checkin)
        .where(
            Checkin.person_id.in_(ids),  # type: ignore[attr-defined]
            Checkin.status == Status.ANSWERED.value,
            Checkin.private == False,  # noqa: E712
            Checkin.answered_at >= since,  # type: ignore[operator]
        )
        .order_by(Checkin.week)
    ).all():
        entries[row.person_id].append(row)
    wins: dict[int, list[Win]] = defaultdict(list)
    for win in session.exec(
        select(Win)
        .where(
            Win.person_id.in_(ids),  # type: ignore[attr-defined]
            Win.visibility.in_(["shared", "public"]),  # type: ignore[attr-defined]
            Win.created_at >= since,  # type: ignore[operator]
        )
        .order_by(Win.happened_on, Win.id)  # type: ignore[arg-type]
    ).all():
        wins[win.person_id].append(win)
    last = last_activity(session, ids)
    waiting = open_asks(session, person_ids=ids)
    result = []
    for report in reports:
        seen = last.get(report.id or 0) or report.created_at
        quiet = (now - seen).days // 7
        result.append(
            ReportWeek(
                report,
                entries[report.id or 0],
                wins[report.id or 0],
                quiet if quiet >= QUIET_WEEKS else 0,
                [ask for ask in waiting[report.id or 0] if ask.manager_id == manager.id],
            )
        )
    return result


def last_activity(session: Session, ids: Sequence[int | None]) -> dict[int, datetime]:
    """For each person, the latest of their last entry and their last win."""
    last: dict[int, datetime] = {}
    entry_rows = session.exec(
        select(Checkin.person_id, func.max(Checkin.answered_at))
        .where(Checkin.person_id.in_(ids))  # type: ignore[attr-defined]
        .group_by(Checkin.person_id)
    ).all()
    win_rows = session.exec(
        select(Win.person_id, func.max(Win.created_at)).where(Win.person_id.in_(ids)).group_by(Win.person_id)  # type: ignore[attr-defined]
    ).all()
    for person_id, when in [*entry_rows, *win_rows]:
        if when is None:
            continue
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        last[person_id] = max(last.get(person_id, when), when)
    return last
