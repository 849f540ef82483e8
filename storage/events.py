"""Receipts of Events API deliveries: Slack retries a delivery it thinks failed; we act on it once.

A receipt is written with the delivery's effect (in its transaction, where the effect is a write), never
before it: a delivery whose handling failed has none, and Slack's retry of it is acted on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from storage.db import insert_ignore
from storage.models import EventReceipt


def record_delivery(session: Session, *, team_id: str, event_id: str, now: datetime) -> bool:
    """True the first time (team, event_id) is seen, False for every repeat."""
    return insert_ignore(
        session,
        EventReceipt.__table__,  # type: ignore[arg-type]
        {"team_id": team_id, "event_id": event_id, "received_at": now},
        conflict=["team_id", "event_id"],
    )


def delivered(session: Session, *, team_id: str, event_id: str) -> bool:
    """Whether (team, event_id) was already acted on."""
    table = EventReceipt.__table__
    query = select(table.c.event_id).where(table.c.team_id == team_id, table.c.event_id == event_id)
    return session.execute(query).first() is not None


def prune_receipts(session: Session, *, before: datetime) -> int:
    """Forget receipts older than any retry Slack would still send."""
    table = EventReceipt.__table__
    return session.execute(delete(table).where(table.c.received_at < before)).rowcount
