"""What one person may see of another's growth: the rule, in one place.

- A person sees everything of their own.
- Their confirmed manager sees the wins they share ("my manager and mentors") or make public, and
  the growth-thread entries they did not keep to themselves. The digest, the team view, the 1:1 prep
  and the packet a manager asks for all show exactly this.
- A confirmed mentor sees what the person chose for them: shared wins, the growth thread, the roadmap.
- Anyone else in the workspace sees public wins only (they are posted in the growth channel).

Every query that shows a person's record to someone else filters with `wins_seen` and `entries_seen`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, select

from growth.links import manages
from growth.relationships import Status
from storage.models import Checkin, MentorLink, Person, Win


class Visibility(StrEnum):
    PRIVATE = "private"
    SHARED = "shared"  # with my confirmed manager and chosen mentors
    PUBLIC = "public"  # posted to the workspace's growth channel


class Sees(StrEnum):
    """What a person lets a mentor see."""

    WINS = "wins"  # the wins the person shares with "my manager and mentors"
    THREAD = "thread"  # growth-thread entries not kept private
    ROADMAP = "roadmap"  # roadmap objectives and their changes


BEYOND_ME = frozenset({Visibility.SHARED, Visibility.PUBLIC})


class Role(StrEnum):
    """Who the viewer is to the person."""

    OWNER = "owner"
    MANAGER = "manager"  # their confirmed manager
    MENTOR = "mentor"  # a confirmed mentor
    WORKSPACE = "workspace"  # anyone else in the workspace
    STRANGER = "stranger"  # another workspace


@dataclass(frozen=True)
class Sight:
    """What a viewer sees of someone's record."""

    role: Role
    wins: frozenset[Visibility]  # the visibilities of the wins shown
    entries: bool  # growth-thread entries not kept private (own: all of them)
    roadmap: bool

    @property
    def own(self) -> bool:
        return self.role is Role.OWNER

    def shows_win(self, win: Win) -> bool:
        return Visibility(win.visibility) in self.wins

    def shows_entry(self, entry: Checkin) -> bool:
        return self.own or (self.entries and not entry.private)


OWNER = Sight(Role.OWNER, wins=frozenset(Visibility), entries=True, roadmap=True)
MANAGER = Sight(Role.MANAGER, wins=BEYOND_ME, entries=True, roadmap=True)
WORKSPACE = Sight(Role.WORKSPACE, wins=frozenset({Visibility.PUBLIC}), entries=False, roadmap=False)
STRANGER = Sight(Role.STRANGER, wins=frozenset(), entries=False, roadmap=False)


def mentor_sight(sees: Iterable[Sees]) -> Sight:
    chosen = frozenset(sees)
    return Sight(
        Role.MENTOR,
        wins=BEYOND_ME if Sees.WINS in chosen else frozenset({Visibility.PUBLIC}),
        entries=Sees.THREAD in chosen,
        roadmap=Sees.ROADMAP in chosen,
    )


def sight(session: Session, *, viewer: Person, person: Person) -> Sight:
    """What `viewer` may see of `person` now (links count only once confirmed)."""
    if viewer.team_id != person.team_id:
        return STRANGER
    if viewer.id == person.id:
        return OWNER
    if manages(session, manager=viewer, report=person):
        return MANAGER
    mentorship = session.exec(
        select(MentorLink).where(
            MentorLink.team_id == person.team_id,
            MentorLink.person_id == person.id,
            MentorLink.mentor_id == viewer.id,
            MentorLink.status == Status.CONFIRMED.value,
        )
    ).first()
    if mentorship is not None:
        return mentor_sight(Sees(word) for word in mentorship.sees.split(",") if word)
    return WORKSPACE


def wins_seen(seen: Sight) -> ColumnElement[bool]:
    """The SQL condition on `Win` for what `seen` shows."""
    if seen.wins == frozenset(Visibility):
        return true()
    if not seen.wins:
        return false()
    return Win.visibility.in_([visibility.value for visibility in seen.wins])  # type: ignore[attr-defined]


def entries_seen(seen: Sight) -> ColumnElement[bool]:
    """The SQL condition on `Checkin` (answered entries) for what `seen` shows."""
    if seen.own:
        return true()
    if not seen.entries:
        return false()
    return Checkin.private == False  # type: ignore[return-value]  # noqa: E712
