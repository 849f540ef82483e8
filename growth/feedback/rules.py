"""The vocabulary and limits of feedback against the next level, shared by asking, answering and results."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from growth.errors import GrowthError
from growth.people import valid_time_zone
from storage.models import Person

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


def at_nine(day: date, person: Person) -> datetime:
    return datetime.combine(day, time(REMIND_HOUR), tzinfo=zone(person)).astimezone(UTC)


def checked_text(value: str | None, *, field: str, label: str, limit: int = TEXT_LIMIT) -> str | None:
    """Stripped text, None when empty; refused (with its limit) when too long."""
    text = (value or "").strip()
    if len(text) > limit:
        raise FeedbackInvalid(field, f"“{label}” is {len(text):,} characters; keep it under {limit:,}.")
    return text or None
