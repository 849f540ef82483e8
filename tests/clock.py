"""The clock the outbox tests run on: real time (Retry-After means real seconds), from a chosen moment,
plus however far a test moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.offset = start - datetime.now(UTC) if start is not None else timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)
