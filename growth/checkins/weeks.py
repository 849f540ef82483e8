"""Weeks as each person lives them: their time zone, the ISO week where they are, the moment of a slot."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from growth.people import valid_time_zone
from storage.models import Person

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
