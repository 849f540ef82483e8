"""Each process keeps its own in-memory APScheduler; jobs only tick, the database coordinates."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from delivery.dispatcher import Dispatcher, Progress
from delivery.outbound import Outbound
from growth.workspaces import DEFAULT_RETENTION
from schedules.jobs import JOBS, Job, JobContext
from storage.db import Database
from storage.job_runs import record_registered, record_run

log = logging.getLogger("trellis.schedules")

# A tick that runs late still runs (once: coalesce), however late. APScheduler's default grace of one
# second would silently skip it after a pause; every job finds its own due work, so late is harmless.
MISFIRE_GRACE_TIME = None


def run_job(
    job: Job,
    db: Database,
    dispatcher: Dispatcher,
    outbound: Outbound,
    now: datetime,
    *,
    wait_for_rate_limits: float = 0.0,
    retention: timedelta = DEFAULT_RETENTION,
    progress: Progress | None = None,
) -> str:
    context = JobContext(
        db, dispatcher, outbound, now, wait_for_rate_limits=wait_for_rate_limits, retention=retention, progress=progress
    )
    return job.run(context)


def build_scheduler(
    db: Database,
    dispatcher: Dispatcher,
    outbound: Outbound,
    *,
    clock: Callable[[], datetime],
    blocking: bool,
    retention: timedelta = DEFAULT_RETENTION,
) -> BaseScheduler:
    scheduler: BaseScheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=UTC)
    for job in JOBS.values():
        scheduler.add_job(
            _tick,
            IntervalTrigger(seconds=job.every.total_seconds(), timezone=UTC),
            args=(job, db, dispatcher, outbound, clock, retention),
            id=job.name,
            name=job.summary,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_TIME,
        )
    return scheduler


def announce(db: Database, *, now: datetime) -> None:
    """Record that a scheduler starts now with these jobs (what `trellis doctor` checks against)."""
    with db.session() as session:
        record_registered(session, names=list(JOBS), now=now)


def _tick(
    job: Job,
    db: Database,
    dispatcher: Dispatcher,
    outbound: Outbound,
    clock: Callable[[], datetime],
    retention: timedelta,
) -> None:
    """Run the job, then record that a scheduler ran it (what `trellis doctor` looks at)."""
    now = clock()
    try:
        summary = run_job(job, db, dispatcher, outbound, now, wait_for_rate_limits=job.patience, retention=retention)
        with db.session() as session:
            record_run(session, name=job.name, now=now)
    except Exception:
        log.exception("job %s failed; it runs again at its next tick", job.name)
        return
    log.debug("job %s: %s", job.name, summary)
