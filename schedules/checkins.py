"""The check-in tick: every check-in whose time has come, and every manager's digest, queued with their
unique keys. It only writes rows; the dispatcher sends them."""

from __future__ import annotations

from datetime import datetime

from delivery.dispatcher import Progress
from delivery.outbound import Outbound
from growth import checkins
from storage.db import Database

BATCH = 500  # people a statement: ten thousand are a handful of round trips


def queue_checkins(db: Database, outbound: Outbound, now: datetime, *, progress: Progress | None = None) -> str:
    """Queue what is due as of `now`. Safe to run anywhere, often, late. `progress` hears of each batch
    of people looked at."""
    queued = quiet = 0
    while True:
        with db.session() as session:
            tick = checkins.due_checkins(session, now=now, limit=BATCH)
            outbound.queue(session, tick.queued, now=now)
        queued, quiet = queued + len(tick.queued), quiet + tick.quiet
        if progress is not None:
            progress(len(tick.queued) + tick.quiet)
        if len(tick.queued) + tick.quiet < BATCH:
            break
    with db.session() as session:
        digests = len(outbound.queue(session, checkins.due_digests(session, now=now), now=now))
    return f"queued {queued} check-ins ({quiet} paused, skipped or not due yet) and {digests} digests"
