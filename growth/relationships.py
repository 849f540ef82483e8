"""The life cycle a manager link and a mentorship share: asked, then confirmed or declined by the person
asked, then ended. Only the person asked answers; the first answer stands (a second click, or a click
on last month's request, changes nothing); either kind can be ended, and the other side is told.

`growth.links` and `growth.mentors` hold what differs (a person has one manager; a mentor sees what
the person chooses); both move their rows through the functions here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from growth.errors import GrowthError, NotAllowed
from growth.notices import Answered, Notice
from storage.models import Person

if TYPE_CHECKING:
    from growth.links import Link
    from growth.mentors import Mentorship


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ENDED = "ended"


LIVE = (Status.PENDING.value, Status.CONFIRMED.value)


class Linked(Protocol):
    """A manager link or a mentor link row."""

    id: int | None
    team_id: str
    status: str
    decided_at: datetime | None
    ended_at: datetime | None


def check_asking(asker: Person, asked: Person, *, yourself: str) -> None:
    """Nobody asks themselves, or someone who has left."""
    if asker.id == asked.id:
        raise GrowthError(yourself)
    if asked.deleted:
        raise GrowthError("That person has left the workspace.")


def decide(row: Linked, *, asked_id: int, who: Person, confirm: bool, now: datetime) -> bool:
    """The asked person's answer; True when it changed the row."""
    if asked_id != who.id:
        raise NotAllowed("Only the person who was asked can answer this.")
    if row.status != Status.PENDING:
        return False
    row.status = (Status.CONFIRMED if confirm else Status.DECLINED).value
    row.decided_at = now
    return True


def close(row: Linked, *, now: datetime) -> bool:
    """End a live link (a request still pending is withdrawn); True when it changed the row."""
    if row.status not in LIVE:
        return False
    row.status, row.ended_at = Status.ENDED.value, now
    return True


@dataclass(frozen=True)
class Answer:
    """What answering a request did: the relation as it now is, and who hears of it."""

    relation: Link | Mentorship
    changed: bool
    notices: list[Notice] = field(default_factory=list)

    @classmethod
    def of(cls, relation: Link | Mentorship, changed: bool) -> Answer:
        return cls(relation, changed, [Answered(relation)] if changed else [])
