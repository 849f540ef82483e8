from unittest.mock import sentinel

from apscheduler.schedulers.blocking import BlockingScheduler

from schedules.jobs import JOBS
from schedules.scheduler import MISFIRE_GRACE_TIME, build_scheduler


def test_every_job_has_an_explicit_id_and_a_late_run_is_never_skipped() -> None:
    scheduler = build_scheduler(
        sentinel.db, sentinel.dispatcher, sentinel.outbound, clock=sentinel.clock, blocking=True
    )
    assert isinstance(scheduler, BlockingScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    for job in jobs.values():
        assert job.misfire_grace_time is MISFIRE_GRACE_TIME is None
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.trigger.interval == JOBS[job.id].every
