"""What people write in their growth thread: the entry modal, plain replies in the check-in's thread,
skipping a week, "remind me tomorrow", and turning the next-level answer into a win."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from growth import sharing
from growth.checkins.plans import mark_week, plan_of
from growth.checkins.weeks import ANSWER_LIMIT, REPLY_LIMIT, Status, local_today, monday_of_week, week_key, zone_of
from growth.errors import GrowthError
from growth.frameworks.model import Framework
from growth.notices import CheckinReminderDue, Notice
from growth.visibility import Visibility
from growth.vocabulary import suggestions_for, win_vocabulary
from growth.wins import TEXT_LIMIT, Changed, Details, log
from storage.models import Checkin, Objective, Person


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
    notices: list[Notice] = field(default_factory=list)  # where it is shared (growth.sharing)


def _written(session: Session, person: Person, row: Checkin, *, first: bool, share: bool) -> Written:
    notices = sharing.entry_written(session, person=person, entry=row, first=first, share=share)
    return Written(row, first, share, notices)


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
        mark_week(session, person=person, week=week, status=Status.ANSWERED, now=now)
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
    return _written(session, person, row, first=first, share=bool(plan and plan.share and not answers.private))


def add_reply(
    session: Session, *, team_id: str, user_id: str, channel: str, thread_ts: str, text: str, now: datetime
) -> Written | None:
    """A plain reply in the DM thread of a check-in joins that week's entry. None: not such a thread."""
    # Through the person who replied (one row, then their own weeks): a workspace's check-ins are a row per
    # person and week, and no index of threads is kept for this one lookup.
    found = session.exec(
        select(Checkin, Person)
        .join(Person, Person.id == Checkin.person_id)  # type: ignore[arg-type]
        .where(
            Person.team_id == team_id,
            Person.slack_user_id == user_id,
            Checkin.channel_id == channel,
            Checkin.message_ts == thread_ts,
        )
    ).first()
    if found is None:
        return None
    row, person = found
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
    return _written(session, person, row, first=first, share=bool(plan and plan.share and not row.private))


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


@dataclass(frozen=True)
class Reminder:
    at: datetime
    notices: list[Notice] = field(default_factory=list)


def remind_tomorrow(session: Session, *, person: Person, checkin_id: int, now: datetime) -> Reminder:
    """ "Remind me tomorrow" brings the check-in back at the same hour tomorrow, their time."""
    row = own_checkin(session, person=person, checkin_id=checkin_id)
    if row.status != Status.SENT:
        raise GrowthError(_settled(row))
    zone = zone_of(person)
    at = (now.astimezone(zone) + timedelta(days=1)).astimezone(UTC)
    return Reminder(at, [CheckinReminderDue(person, checkin_id, at)])


def _settled(row: Checkin) -> str:
    return {
        Status.ANSWERED: "You already wrote this week's entry.",
        Status.SKIPPED: "You skipped this week.",
    }.get(Status(row.status), "This check-in is closed.")


def make_win(
    session: Session, *, person: Person, checkin_id: int, defaults: tuple[Framework, ...], now: datetime
) -> Changed:
    """One click: the answer to "where I operated at the next level" becomes a win, tagged with the
    competencies it reads like, linked to the entry's objective. Clicking again finds the same win."""
    row = own_checkin(session, person=person, checkin_id=checkin_id)
    if not row.operated:
        raise GrowthError("This entry has no answer to “where I operated at the next level” to make a win of.")
    vocabulary = win_vocabulary(session, person=person, defaults=defaults, now=now)
    tags = []
    if vocabulary.framework is not None:
        tags = [s.competency.id for s in suggestions_for(vocabulary, row.operated, tagged=())]
    objective = row.objective_id if row.objective_id and session.get(Objective, row.objective_id) else None
    today = local_today(person, now)
    details = Details(
        text=row.operated[:TEXT_LIMIT],
        happened_on=min(today, monday_of_week(row.week) + timedelta(days=6)),  # within the entry's week
        visibility=Visibility.PRIVATE if row.private else Visibility.SHARED,
        competencies=tags,
        objective_id=objective,
    )
    changed = log(
        session,
        person=person,
        details=details,
        source="checkin",
        request_key=f"checkin:{row.id}",
        today=today,
        now=now,
    )
    row.win_id, row.updated_at = changed.logged.win.id, now
    session.add(row)
    return changed
