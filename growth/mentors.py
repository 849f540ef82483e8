"""Mentors: asked like a manager, confirmed by the mentor; the person chooses what each mentor sees,
and may ask for a private mentorship room where their entries and roadmap changes are posted.

Either side may end the link at any time; the other is told, and the room is archived. The life cycle
(asked, answered once, ended) is `growth.relationships`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from growth import relationships
from growth.errors import GrowthError, NotAllowed
from growth.notices import Asked, Ended, Notice, RoomArchived
from growth.relationships import LIVE, Answer, Status
from growth.visibility import Sees
from storage.models import MentorLink, Person

__all__ = ["SEES_WORDS", "Mentorship", "Sees", "Status", "answer", "ask", "end", "mentorships", "rooms"]

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

    @property
    def id(self) -> int:
        return self.link.id or 0


@dataclass(frozen=True)
class Changed:
    mentorship: Mentorship
    changed: bool = True
    notices: list[Notice] = field(default_factory=list)


def _load(session: Session, link: MentorLink) -> Mentorship:
    person, mentor = session.get(Person, link.person_id), session.get(Person, link.mentor_id)
    assert person is not None and mentor is not None
    return Mentorship(link, person, mentor)


def ask(session: Session, *, person: Person, mentor: Person, now: datetime) -> Changed:
    """The person asks `mentor`, who gets the request. Asking again while it is pending is the same request
    (its DM is not sent twice)."""
    relationships.check_asking(
        person, mentor, yourself="You can't mentor yourself. Mention the person you'd like as a mentor."
    )
    current = session.exec(
        select(MentorLink).where(
            MentorLink.team_id == person.team_id,
            MentorLink.person_id == person.id,
            MentorLink.mentor_id == mentor.id,
            MentorLink.status.in_(LIVE),  # type: ignore[attr-defined]
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
    found = _load(session, current)
    return Changed(found, notices=[Asked(found)])


def find(session: Session, *, team_id: str, link_id: int) -> Mentorship:
    link = session.get(MentorLink, link_id)
    if link is None or link.team_id != team_id:
        raise GrowthError("That mentorship is gone.")
    return _load(session, link)


def answer(session: Session, *, link_id: int, who: Person, confirm: bool, now: datetime) -> Answer:
    """The asked mentor (`who`) confirms or declines; the person hears of it (once)."""
    found = find(session, team_id=who.team_id, link_id=link_id)
    changed = relationships.decide(found.link, asked_id=found.link.mentor_id, who=who, confirm=confirm, now=now)
    session.add(found.link)
    return Answer.of(found, changed)


def end(session: Session, *, who: Person, link_id: int, now: datetime) -> Changed:
    """Either side ends a confirmed mentorship (or the person withdraws a request): the other side is
    told, and the mentorship room, if there is one, is archived."""
    found = find(session, team_id=who.team_id, link_id=link_id)
    if who.id not in (found.link.person_id, found.link.mentor_id):
        raise NotAllowed("Only the mentor or the person mentored can end this.")
    if not relationships.close(found.link, now=now):
        return Changed(found, changed=False)
    session.add(found.link)
    other = found.mentor if who.id == found.person.id else found.person
    notices: list[Notice] = [Ended(found, told=other)]
    if found.link.room_channel_id:
        notices.append(RoomArchived(found.person, found.link.id or 0, found.link.room_channel_id))
    return Changed(found, notices=notices)


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
    rows = session.execute(_MENTORSHIPS, {"team_id": person.team_id, "person_id": person.id}).scalars().all()
    return [_load(session, row) for row in rows]


# Looked up by every change that may be shared (a win's visibility click among them): built once.
_MENTORSHIPS = (
    select(MentorLink)
    .where(
        MentorLink.team_id == bindparam("team_id"),
        MentorLink.person_id == bindparam("person_id"),
        MentorLink.status.in_(LIVE),  # type: ignore[attr-defined]
    )
    .order_by(MentorLink.id)  # type: ignore[arg-type]
)


def rooms(session: Session, *, person: Person, showing: Sees) -> list[tuple[int, str]]:
    """(link id, channel) of the person's mentorship rooms whose mentor sees `showing`."""
    return [
        (m.link.id or 0, m.link.room_channel_id)
        for m in mentorships(session, person=person)
        if m.link.status == Status.CONFIRMED and m.link.room_channel_id and showing in m.sees
    ]
