"""Receipts of Events API deliveries: Slack retries a delivery it thinks failed; we act on it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
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


def prune_receipts(session: Session, *, before: datetime) -> int:
    """Forget receipts older than any retry Slack would still send."""
    table = EventReceipt.__table__
    return session.execute(delete(table).where(table.c.received_at < before)).rowcount
