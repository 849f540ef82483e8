"""Asking for feedback: who, about which competencies of the target level, named or anonymous, by when.

A person asks for their own feedback; their confirmed manager may start a round for them too (the
person is told, and the results are theirs: the manager sees them once shared). The round keeps the
framework version it asked against. Each person asked gets a DM, and is reminded twice (two days
before the due date and on the day, at 09:00 their time) unless they answer or decline first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from growth.assessments import latest
from growth.errors import REPLAYED, GrowthError, NotAllowed
from growth.feedback.rules import (
    DEFAULT_DAYS,
    LAST_CALL,
    LONGEST_DAYS,
    MAX_ASKED,
    MAX_COMPETENCIES,
    NOTE_LIMIT,
    FeedbackInvalid,
    RequestStatus,
    RoundStatus,
    at_nine,
    checked_text,
    end_of,
)
from growth.frameworks.catalogue import Target
from growth.frameworks.model import Competency, Expectation, Framework
from growth.frameworks.versions import by_id
from growth.levels import NoLevelYet, position, workspace_catalogue
from growth.links import manager_of, manages
from growth.mentors import mentorships
from growth.notices import FeedbackAsked, FeedbackReminderDue, FeedbackStarted, Notice
from growth.people import local_today
from growth.relationships import Status as LinkStatus
from storage.db import insert_ignore
from storage.models import FeedbackRequest, FeedbackRound, Person


@dataclass(frozen=True)
class AskingForm:
    """What the asking form offers."""

    person: Person  # whose growth it is about
    target: Target
    version_id: int  # the framework version it will ask against
    competencies: list[tuple[Competency, Expectation]]  # the target level's, largest gaps first
    chosen: list[str]  # asked about unless changed: the three largest gaps, else every competency
    suggested: list[Person]  # the confirmed manager and the mentors, offered first
    due: date  # a week from today, where the person is
    anonymity_min: int


@dataclass(frozen=True)
class Draft:
    responders: Sequence[Person]
    competency_ids: Sequence[str]
    anonymous: bool
    due_on: date | None
    note: str = ""


@dataclass(frozen=True)
class Started:
    round: FeedbackRound
    requests: list[FeedbackRequest]
    created: bool  # False: the same form submitted again asked once
    notices: list[Notice] = field(default_factory=list)
    too_few: bool = False  # anonymous, and fewer peers asked than anonymity needs: nothing will be shown


def may_ask(session: Session, *, asker: Person, person: Person) -> None:
    if asker.id != person.id and not manages(session, manager=asker, report=person):
        name = person.display_name or "them"
        raise NotAllowed(f"Only {name} or their confirmed manager can ask for feedback on {name}'s growth.")


def about(session: Session, *, asker: Person, person_id: int | None) -> Person:
    """Whose growth a round `asker` starts is about: their own (None), or someone of their workspace
    they may ask for (a report); a button or form from before that person left is refused."""
    if person_id is None or person_id == asker.id:
        return asker
    person = session.get(Person, person_id)
    if person is None or person.team_id != asker.team_id or person.deleted:
        raise GrowthError("That person is not in Trellis any more.")
    may_ask(session, asker=asker, person=person)
    return person


def asking_form(
    session: Session,
    *,
    asker: Person,
    person: Person,
    defaults: tuple[Framework, ...],
    anonymity_min: int,
    now: datetime,
) -> AskingForm:
    """What `/trellis feedback` (or a manager's "Ask for feedback") opens with."""
    may_ask(session, asker=asker, person=person)
    cat, stored = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        if asker.id == person.id:
            raise NoLevelYet()
        name = person.display_name or "They"
        raise GrowthError(f"{name} has not set a level and target yet, so there is nothing to ask against.")
    target = where.target
    expected = target.framework.expectations_at(target.level.id)
    if not expected:
        raise GrowthError(f"The framework names no expectations at {target.level.id}: there is nothing to ask about.")
    recent = latest(session, person=person)
    gaps = []
    if recent is not None and recent.delta.target_level == target.level.id:
        gaps = [gap.competency.id for gap in recent.delta.largest]
    rank = {competency_id: index for index, competency_id in enumerate(gaps)}
    ordered = sorted(expected, key=lambda pair: rank.get(pair[0].id, len(rank)))  # stable: framework order after
    chosen = gaps or [competency.id for competency, _ in expected][:MAX_COMPETENCIES]
    manager = manager_of(session, report=person)
    mentors = [m.mentor for m in mentorships(session, person=person) if m.link.status == LinkStatus.CONFIRMED]
    suggested = list({p.id: p for p in [manager, *mentors] if p is not None}.values())
    return AskingForm(
        person,
        target,
        stored[target.framework.name].id,
        ordered,
        chosen,
        suggested,
        local_today(person, now) + timedelta(days=DEFAULT_DAYS),
        anonymity_min,
    )


def start(
    session: Session,
    *,
    asker: Person,
    person: Person,
    draft: Draft,
    version_id: int,
    target_ref: str,
    request_key: str,
    anonymity_min: int,
    now: datetime,
) -> Started:
    """The round, asked of each person in `draft` at once. The same form submitted twice asks once."""
    may_ask(session, asker=asker, person=person)
    stored = by_id(session, team_id=person.team_id, version_id=version_id)
    if stored is None or person.target_ref != target_ref:
        raise FeedbackInvalid("competencies", "The target changed since this was opened; open it again.")
    level_id = target_ref.rpartition("/")[2]
    offered = [competency.id for competency, _ in stored.framework.expectations_at(level_id)]
    competencies = list(dict.fromkeys(draft.competency_ids))
    if not competencies:
        raise FeedbackInvalid("competencies", "Choose at least one competency to ask about.")
    if any(cid not in offered for cid in competencies):
        raise FeedbackInvalid("competencies", f"Ask about competencies {level_id} expects.")
    if len(competencies) > MAX_COMPETENCIES:
        raise FeedbackInvalid("competencies", f"Ask about at most {MAX_COMPETENCIES} competencies in one round.")
    responders = checked_people(person, draft.responders)
    today = local_today(person, now)
    due_on = draft.due_on or today + timedelta(days=DEFAULT_DAYS)
    if due_on < today:
        raise FeedbackInvalid("due", "That date has passed. When should the answers be in?")
    if due_on > today + timedelta(days=LONGEST_DAYS):
        raise FeedbackInvalid("due", f"Give them at most {LONGEST_DAYS} days.")
    note = checked_text(draft.note, field="note", label="A note for them", limit=NOTE_LIMIT)
    created = insert_ignore(
        session,
        FeedbackRound.__table__,  # type: ignore[arg-type]
        {
            "team_id": person.team_id,
            "person_id": person.id,
            "asked_by_id": asker.id,
            "framework_version_id": version_id,
            "target_ref": target_ref,
            "competencies": ",".join(competencies),
            "anonymous": draft.anonymous,
            "min_answers": anonymity_min,
            "note": note,
            "due_at": end_of(due_on, person),
            "status": RoundStatus.OPEN.value,
            "shared_with_id": None,
            "opened_again": False,
            "request_key": request_key[:128],
            "created_at": now,
            "updated_at": now,
        },
        conflict=["team_id", "request_key"],
    )
    found = session.exec(
        select(FeedbackRound).where(
            FeedbackRound.team_id == person.team_id, FeedbackRound.request_key == request_key[:128]
        )
    ).one()
    if (found.person_id, found.asked_by_id) != (person.id, asker.id):
        raise FeedbackInvalid("competencies", REPLAYED)  # someone else's form, replayed
    if not created:
        return Started(found, requests_of(session, found), created=False)
    requests = add_requests(session, round=found, person=person, responders=responders, now=now)
    notices: list[Notice] = [
        notice
        for request, responder in zip(requests, responders, strict=True)
        for notice in asked_notices(found, request, due_on=due_on, responder=responder, asker=asker, now=now)
    ]
    if asker.id != person.id:
        notices.append(FeedbackStarted(found, person, asker, len(requests)))
    peers = sum(1 for request in requests if not request.is_manager)
    return Started(found, requests, True, notices, too_few=draft.anonymous and peers < anonymity_min)


def checked_people(person: Person, chosen: Sequence[Person]) -> list[Person]:
    responders = list({responder.id: responder for responder in chosen}.values())  # chosen twice: asked once
    if not responders:
        raise FeedbackInvalid("people", "Choose at least one person to ask.")
    if len(responders) > MAX_ASKED:
        raise FeedbackInvalid("people", f"Ask at most {MAX_ASKED} people in one round.")
    for responder in responders:
        name = responder.display_name or "That person"
        if responder.id == person.id:
            raise FeedbackInvalid("people", "Feedback comes from others: leave yourself out of the people asked.")
        if responder.is_bot:
            raise FeedbackInvalid("people", f"{name} is an app, not a person: ask someone who sees the work.")
        if responder.deleted:
            raise FeedbackInvalid("people", f"{name} has left the workspace.")
        if responder.team_id != person.team_id:
            raise FeedbackInvalid("people", f"{name} is not in this workspace.")
    return responders


def add_requests(
    session: Session, *, round: FeedbackRound, person: Person, responders: Sequence[Person], now: datetime
) -> list[FeedbackRequest]:
    requests = []
    for responder in responders:
        assert responder.id is not None and round.id is not None
        request = FeedbackRequest(
            team_id=round.team_id,
            round_id=round.id,
            responder_id=responder.id,
            is_manager=manages(session, manager=responder, report=person),
            status=RequestStatus.ASKED.value,
            created_at=now,
            updated_at=now,
        )
        session.add(request)
        requests.append(request)
    session.flush()
    return requests


def asked_notices(
    round: FeedbackRound, request: FeedbackRequest, *, due_on: date, responder: Person, asker: Person, now: datetime
) -> list[Notice]:
    """The DM with Give feedback, and its two reminders (each only if still ahead)."""
    return [FeedbackAsked(round, request, responder, asker), *reminders(round, request, due_on, responder, now)]


def reminders(
    round: FeedbackRound, request: FeedbackRequest, due_on: date, responder: Person, now: datetime
) -> list[Notice]:
    """Two days before the due date and on the day, at 09:00 where the person asked is (but while the
    round is still open: far west of the person, that 09:00 comes after the end): those still ahead."""
    found: list[Notice] = []
    for which, day in (("soon", due_on - timedelta(days=2)), ("today", due_on)):
        at = min(at_nine(day, responder), round.due_at - LAST_CALL)
        if at > now + timedelta(hours=1):
            found.append(FeedbackReminderDue(round, request, responder, at, which))
    return found


def requests_of(session: Session, round: FeedbackRound) -> list[FeedbackRequest]:
    return list(
        session.exec(select(FeedbackRequest).where(FeedbackRequest.round_id == round.id).order_by(FeedbackRequest.id))
    )


@dataclass(frozen=True)
class Reminder:
    round: FeedbackRound
    request: FeedbackRequest
    person: Person  # whom the feedback is about
    responder: Person
    asker: Person


def reminder_due(session: Session, *, team_id: str, request_id: int, due_at: datetime | None) -> Reminder | None:
    """The reminder queued for `request_id`, if it is still wanted: not answered or declined, the round
    open, and still due when it was when the reminder was queued (extended or moved: newer ones go)."""
    request = session.get(FeedbackRequest, request_id)
    round = session.get(FeedbackRound, request.round_id) if request is not None else None
    if request is None or round is None or round.team_id != team_id:
        return None
    if request.status != RequestStatus.ASKED or round.status != RoundStatus.OPEN:
        return None
    if due_at is not None and round.due_at != due_at:
        return None
    person, responder = session.get(Person, round.person_id), session.get(Person, request.responder_id)
    asker = session.get(Person, round.asked_by_id)
    assert person is not None and responder is not None and asker is not None
    return Reminder(round, request, person, responder, asker)
