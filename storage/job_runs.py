"""When a scheduler last started with each job, and last ran it (`trellis doctor` reads both)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from storage.db import insert_ignore
from storage.models import JobRun


@dataclass(frozen=True)
class Seen:
    registered_at: datetime
    last_run_at: datetime | None


def record_registered(session: Session, *, names: Iterable[str], now: datetime) -> None:
    table = JobRun.__table__
    for name in names:
        if not session.execute(update(table).where(table.c.name == name).values(registered_at=now)).rowcount:
            insert_ignore(session, table, {"name": name, "registered_at": now}, conflict=["name"])  # type: ignore[arg-type]


def record_run(session: Session, *, name: str, now: datetime) -> None:
    table = JobRun.__table__
    session.execute(update(table).where(table.c.name == name).values(last_run_at=now))


def seen(session: Session) -> dict[str, Seen]:
    table = JobRun.__table__
    rows = session.execute(select(table.c.name, table.c.registered_at, table.c.last_run_at)).all()
    return {row.name: Seen(row.registered_at, row.last_run_at) for row in rows}
