"""The vocabulary and limits of feedback against the next level, shared by asking, answering and results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from growth.errors import GrowthError
from growth.frameworks.model import Competency, Expectation, Framework, Level
from growth.frameworks.versions import by_id
from growth.people import valid_time_zone
from storage.models import FeedbackRound, Person

DEFAULT_DAYS = 7
LONGEST_DAYS = 60
MAX_ASKED = 20
MAX_COMPETENCIES = 12
TEXT_LIMIT = 2_000  # an example, the biggest gap, one thing to try next
NOTE_LIMIT = 1_000
REMIND_HOUR = 9  # where the person asked is
LAST_CALL = timedelta(hours=3)  # the latest a reminder goes before the round closes
ANONYMITY_FLOOR = 3  # below this many answers, anonymity does not hold


class Choice(StrEnum):
    CONSISTENTLY = "consistently"
    SOMETIMES = "sometimes"
    NOT_YET = "not_yet"
    NOT_SEEN = "not_seen"


CHOICE_WORDS = {
    Choice.CONSISTENTLY: "Consistently",
    Choice.SOMETIMES: "Sometimes",
    Choice.NOT_YET: "Not yet",
    Choice.NOT_SEEN: "Haven't seen it",
}
# How far from what the level expects each choice says the person is (not seen: no evidence either way).
DISTANCE = {Choice.CONSISTENTLY: 0, Choice.SOMETIMES: 1, Choice.NOT_YET: 2}


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RequestStatus(StrEnum):
    ASKED = "asked"
    ANSWERED = "answered"
    DECLINED = "declined"


class FeedbackInvalid(GrowthError):
    """A field of a feedback form needs changing; `field` names it (people, due, note, …)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def zone(person: Person) -> ZoneInfo:
    return ZoneInfo(valid_time_zone(person.tz) or "UTC")


def end_of(day: date, person: Person) -> datetime:
    """The last moment of `day` where `person` is: a round due on Tuesday is open all Tuesday."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(person)).astimezone(UTC)


def last_day(round: FeedbackRound, person: Person) -> date:
    """The round's due date where `person` is: the last day it is open (it closes as the next begins)."""
    return round.due_at.astimezone(zone(person)).date() - timedelta(days=1)


@dataclass(frozen=True)
class AskedAgainst:
    """What a round asked against: its framework version, the target level, what that level expects."""

    framework: Framework
    level: Level
    expected: dict[str, tuple[Competency, Expectation]]  # by competency id, in the level's order

    def asked(self, round: FeedbackRound) -> list[tuple[Competency, Expectation]]:
        """The round's competencies, in the order asked (any the version does not know left out)."""
        return [self.expected[cid] for cid in round.competencies.split(",") if cid in self.expected]


def asked_against(session: Session, round: FeedbackRound) -> AskedAgainst:
    stored = by_id(session, team_id=round.team_id, version_id=round.framework_version_id)
    assert stored is not None
    level_id = round.target_ref.rpartition("/")[2]
    level = stored.framework.level(level_id)
    assert level is not None
    expected = {competency.id: (competency, e) for competency, e in stored.framework.expectations_at(level_id)}
    return AskedAgainst(stored.framework, level, expected)


def at_nine(day: date, person: Person) -> datetime:
    return datetime.combine(day, time(REMIND_HOUR), tzinfo=zone(person)).astimezone(UTC)


def checked_text(value: str | None, *, field: str, label: str, limit: int = TEXT_LIMIT) -> str | None:
    """Stripped text, None when empty; refused (with its limit) when too long."""
    text = (value or "").strip()
    if len(text) > limit:
        raise FeedbackInvalid(field, f"“{label}” is {len(text):,} characters; keep it under {limit:,}.")
    return text or None
