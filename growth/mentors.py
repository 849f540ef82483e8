"""Mentors: asked like a manager, confirmed by the mentor; the person chooses what each mentor sees,
and may ask for a private mentorship room where their entries and roadmap changes are posted.

Either side may end the link at any time; the other is told, and the room is archived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from growth.errors import GrowthError, NotAllowed
from storage.models import MentorLink, Person


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ENDED = "ended"


class Sees(StrEnum):
    WINS = "wins"  # the wins the person shares with "my manager and mentors"
    THREAD = "thread"  # growth-thread entries not kept private
    ROADMAP = "roadmap"  # roadmap objectives and their changes


SEES_WORDS = {Sees.WINS: "the wins I share", Sees.THREAD: "my growth thread", Sees.ROADMAP: "my roadmap"}
DEFAULT_SEES = (Sees.WINS,)


@dataclass(frozen=True)
class Mentorship:
    link: MentorLink
    person: Person
    mentor: Person

    @property
    def sees(self) -> frozenset[Sees]:
        return frozenset(Sees(word) for word in self.link.sees.split(",") if word)


def _load(session: Session, link: MentorLink) -> Mentorship:
    person, mentor = session.get(Person, link.person_id), session.get(Person, link.mentor_id)
    assert person is not None and mentor is not None
    return Mentorship(link, person, mentor)


def ask(session: Session, *, person: Person, mentor: Person, now: datetime) -> Mentorship:
    if person.id == mentor.id:
        raise GrowthError("You can't mentor yourself. Mention the person you'd like as a mentor.")
    if mentor.deleted:
        raise GrowthError("That person has left the workspace.")
    current = session.exec(
        select(MentorLink).where(
            MentorLink.team_id == person.team_id,
            MentorLink.person_id == person.id,
            MentorLink.mentor_id == mentor.id,
            MentorLink.status.in_([Status.PENDING.value, Status.CONFIRMED.value]),  # type: ignore[attr-defined]
        )
    ).first()
    if current is not None and current.status == Status.CONFIRMED:
        raise GrowthError(f"{mentor.display_name or 'They'} already mentors you.")
    if current is None:
        current = MentorLink(
            team_id=person.team_id,
            person_id=person.id or 0,
            mentor_id=mentor.id or 0,
            status=Status.PENDING.value,
            sees=",".join(DEFAULT_SEES),
            created_at=now,
        )
        session.add(current)
        session.flush()
    return _load(session, current)


def find(session: Session, *, team_id: str, link_id: int) -> Mentorship:
    link = session.get(MentorLink, link_id)
    if link is None or link.team_id != team_id:
        raise GrowthError("That mentorship is gone.")
    return _load(session, link)


def answer(session: Session, *, link_id: int, mentor: Person, confirm: bool, now: datetime) -> tuple[Mentorship, bool]:
    found = find(session, team_id=mentor.team_id, link_id=link_id)
    if found.link.mentor_id != mentor.id:
        raise NotAllowed("Only the person who was asked can answer this.")
    if found.link.status != Status.PENDING:
        return found, False
    found.link.status = (Status.CONFIRMED if confirm else Status.DECLINED).value
    found.link.decided_at = now
    session.add(found.link)
    return found, True


def end(session: Session, *, who: Person, link_id: int, now: datetime) -> tuple[Mentorship, bool]:
    """Either side ends a confirmed mentorship (or the person withdraws a request)."""
    found = find(session, team_id=who.team_id, link_id=link_id)
    if who.id not in (found.link.person_id, found.link.mentor_id):
        raise NotAllowed("Only the mentor or the person mentored can end this.")
    if found.link.status not in (Status.PENDING, Status.CONFIRMED):
        return found, False
    found.link.status, found.link.ended_at = Status.ENDED.value, now
    session.add(found.link)
    return found, True


def own(session: Session, *, person: Person, link_id: int) -> Mentorship:
    found = find(session, team_id=person.team_id, link_id=link_id)
    if found.link.person_id != person.id:
        raise NotAllowed("Only the person mentored chooses what their mentor sees.")
    if found.link.status != Status.CONFIRMED:
        raise GrowthError("This mentorship has ended.")
    return found


def choose_sees(session: Session, *, person: Person, link_id: int, sees: set[Sees]) -> Mentorship:
    found = own(session, person=person, link_id=link_id)
    found.link.sees = ",".join(sorted(sees))
    session.add(found.link)
    return found


def set_room(session: Session, *, person: Person, link_id: int, channel_id: str) -> Mentorship:
    found = own(session, person=person, link_id=link_id)
    found.link.room_channel_id = channel_id
    session.add(found.link)
    return found


def mentorships(session: Session, *, person: Person) -> list[Mentorship]:
    """The person's mentors, confirmed or waiting for an answer."""
    rows = session.exec(
        select(MentorLink)
        .where(
            MentorLink.team_id == person.team_id,
            MentorLink.person_id == person.id,
            MentorLink.status.in_([Status.PENDING.value, Status.CONFIRMED.value]),  # type: ignore[attr-defined]
        )
        .order_by(MentorLink.id)
    ).all()
    return [_load(session, row) for row in rows]


def rooms(session: Session, *, person: Person, showing: Sees) -> list[tuple[int, str]]:
    """(link id, channel) of the person's mentorship rooms whose mentor sees `showing`."""
    return [
        (m.link.id or 0, m.link.room_channel_id)
        for m in mentorships(session, person=person)
        if m.link.status == Status.CONFIRMED and m.link.room_channel_id and showing in m.sees
    ]
