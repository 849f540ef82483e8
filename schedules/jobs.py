"""The scheduled jobs: short idempotent ticks. Any number of processes may run them; the database decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from delivery.dispatcher import Dispatcher, Progress
from delivery.outbound import WEEKLY_DMS_KEPT, Outbound, forget_weekly_dms
from growth import feedback
from growth.workspaces import DEFAULT_RETENTION
from schedules.checkins import queue_checkins
from schedules.directory import refresh_directories
from schedules.retention import delete_uninstalled
from storage.db import Database
from storage.events import prune_receipts

EVENT_RECEIPTS_KEPT = timedelta(days=3)


@dataclass(frozen=True)
class JobContext:
    db: Database
    dispatcher: Dispatcher
    outbound: Outbound
    now: datetime
    wait_for_rate_limits: float = 0.0  # a scheduler tick never waits; `trellis jobs run` does
    retention: timedelta = DEFAULT_RETENTION  # TRELLIS_RETENTION_DAYS: how long an uninstalled workspace is kept
    progress: Progress | None = None  # `trellis jobs run` on a terminal: how much is done


@dataclass(frozen=True)
class Job:
    name: str
    summary: str
    every: timedelta
    run: Callable[[JobContext], str]
    patience: float = 0.0  # seconds a scheduler tick may wait for Slack's Retry-After before returning


def send_outbox(context: JobContext) -> str:
    return context.dispatcher.drain(
        wait_for_rate_limits=context.wait_for_rate_limits, progress=context.progress
    ).summary()


def close_feedback(context: JobContext) -> str:
    """Feedback rounds whose due date has ended: closed, their results queued for the person."""
    with context.db.session() as session:
        notices = feedback.due_to_close(session, now=context.now)
        context.outbound.queue(session, notices, now=context.now)
    return f"closed {len(notices)} feedback rounds"


def queue_weekly_checkins(context: JobContext) -> str:
    return queue_checkins(context.db, context.outbound, context.now, progress=context.progress)


def refresh_people(context: JobContext) -> str:
    """Each workspace's directory once an hour; the job ticks every minute to find the workspaces due."""
    return refresh_directories(context.db, context.dispatcher.client_for_team, context.now)


def prune(context: JobContext) -> str:
    """What is kept only for a while: Events API receipts, and the outbox rows of weekly DMs sent."""
    with context.db.session() as session:
        receipts = prune_receipts(session, before=context.now - EVENT_RECEIPTS_KEPT)
    sent = forget_weekly_dms(context.db, now=context.now)
    return (
        f"forgot {receipts} event receipts older than {EVENT_RECEIPTS_KEPT.days} days"
        f" and {sent} weekly DMs sent more than {WEEKLY_DMS_KEPT.days} days ago"
    )


def delete_uninstalled_workspaces(context: JobContext) -> str:
    return delete_uninstalled(context.db, context.dispatcher.client_for_team, context.now, context.retention)


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        # A fan-out under a rate limit keeps sending as each pause ends instead of waiting for the next tick.
        Job("outbox", "send outbox messages that are due", timedelta(seconds=5), send_outbox, patience=60),
        Job("checkins", "queue the check-ins and manager digests due", timedelta(minutes=1), queue_weekly_checkins),
        Job(
            "directory",
            "refresh people from Slack's users.list, each workspace hourly (time zones, statuses, leavers)",
            timedelta(minutes=1),
            refresh_people,
        ),
        Job("feedback", "close the feedback rounds due and send their results", timedelta(minutes=1), close_feedback),
        Job("prune", "forget old Events API receipts and weekly DMs sent weeks ago", timedelta(hours=1), prune),
        Job(
            "retention",
            "delete the data of workspaces uninstalled more than TRELLIS_RETENTION_DAYS ago",
            timedelta(hours=1),
            delete_uninstalled_workspaces,
        ),
    )
}
