"""The hourly directory job against the Slack fake: users.list a page at a time, each page its own
transaction, and a listing that fails part-way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.slack_client import SlackClients
from delivery import profiles
from growth.people import directories_due
from schedules import directory as job
from schedules.directory import refresh_directories
from slacksim import FakeSlack
from storage.db import Database
from storage.models import Person
from tests.factories import person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _run(db: Database, slack: FakeSlack, now: datetime) -> str:
    clients = SlackClients(slack.api_url)
    return refresh_directories(db, lambda team, _: clients.for_outbox(slack.install(team)), now)


def _five_people_gone_offsite(db: Database, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five people Trellis knows, who have all set a status in Slack since; users.list two a page."""
    monkeypatch.setattr(profiles, "PAGE", 2)
    for n in range(5):
        person(db, f"U0P{n}", now=MONDAY)
        slack.add_user("T1", f"U0P{n}", name=f"P{n}", tz="UTC", status_text="Offsite")


def _statuses(db: Database) -> dict[str, str | None]:
    with db.session() as session:
        return {p.slack_user_id: p.status_text for p in session.exec(select(Person)).all()}


def test_each_page_of_users_list_is_applied_in_a_transaction_of_its_own(
    db: Database, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    _five_people_gone_offsite(db, slack, monkeypatch)
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        line = _run(db, slack, MONDAY + HOUR)
    finally:
        event.remove(db.engine, "commit", committed)
    assert line == "refreshed 1 workspace directories (5 people, 5 changed)"
    assert len(slack.calls("users.list")) == 3
    assert len(commits) == 1 + 3 + 1, "the workspaces due, one commit per page, then the workspace marked done"
    assert set(_statuses(db).values()) == {"Offsite"}
    again = _run(db, slack, MONDAY + HOUR + timedelta(minutes=30))
    assert again == "refreshed 0 workspace directories (0 people, 0 changed)", "done for the hour"


def test_a_listing_that_fails_part_way_keeps_its_pages_and_is_read_again_next_tick(
    db: Database, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    _five_people_gone_offsite(db, slack, monkeypatch)
    applied = job.people.refresh

    def then_slack_fails(*args: Any, **kwargs: Any) -> Any:
        changes = applied(*args, **kwargs)
        slack.fail("users.list", status=500)  # the next page's call
        return changes

    monkeypatch.setattr(job.people, "refresh", then_slack_fails)
    line = _run(db, slack, MONDAY + HOUR)
    assert line == "refreshed 0 workspace directories (2 people, 2 changed); users.list failed for T1"
    assert sorted(_statuses(db).values(), key=str) == [None, None, None, "Offsite", "Offsite"]
    with db.session() as session:
        assert directories_due(session, now=MONDAY + HOUR, every=job.EVERY) == [("T1", None)], "still due"

    monkeypatch.setattr(job.people, "refresh", applied)
    assert _run(db, slack, MONDAY + HOUR + timedelta(minutes=1)) == (
        "refreshed 1 workspace directories (5 people, 3 changed)"
    )
    assert set(_statuses(db).values()) == {"Offsite"}
    with db.session() as session:
        assert directories_due(session, now=MONDAY + HOUR + timedelta(minutes=2), every=job.EVERY) == []
