"""A workspace of an Enterprise Grid org, installed in that workspace (not org-wide), over OAuth.

Slack stores such an installation under both the org and the workspace, so everything Trellis sends
later must name the org to find its token: the manager's DM, the weekly check-in, the packet's files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from growth.frameworks.shipped import shipped
from growth.levels import choose_level
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import CheckinPlan, OutboxMessage, Person
from tests.e2e.conftest import SIGNING_SECRET, RunningBot, start_bot, stop_bot
from tests.e2e.steps import SE, install, next_dm, oauth_environment, run_job

GRID, ORG = "T0GRID", "E0GRID"


@pytest.fixture
def grid(db: Database, database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[SlackSender, str]]:
    """The bot in OAuth mode, installed in one workspace of the org (after `db` emptied the database):
    Slack's sender for it, and its token."""
    bot: RunningBot = start_bot(oauth_environment(database_url, slack), tmp_path, "--workers", "1")
    try:
        token = install(bot, slack, GRID, enterprise_id=ORG)
        slack.add_user(GRID, "U0MAYA", name="Maya", tz="Europe/Paris", tz_offset=3600)
        slack.add_user(GRID, "U0DEV", name="Dev", tz="America/New_York", tz_offset=-18000)
        yield SlackSender(bot.events_url, SIGNING_SECRET, slack, team_id=GRID, enterprise_id=ORG), token
    finally:
        stop_bot(bot)


def test_the_manager_dm_the_check_in_and_the_packet_reach_a_grid_workspace(
    grid: tuple[SlackSender, str], slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    sender, token = grid
    asked = sender.command("/trellis", "manager <@U0DEV|dev>", user_id="U0MAYA").json()
    assert asked["text"].startswith("I've asked *Dev* to confirm")
    request = next(c for c in slack.wait_for("chat.postMessage") if c.args["channel"] == "U0DEV")
    assert request.token == token, "the manager's DM went out with the Grid workspace's own token"
    assert "asks you to confirm" in next_dm(slack, "U0DEV", "asks you to confirm")["text"]

    with db.session() as session:
        maya = session.exec(select(Person).where(Person.team_id == GRID, Person.slack_user_id == "U0MAYA")).one()
        dev = session.exec(select(Person).where(Person.team_id == GRID, Person.slack_user_id == "U0DEV")).one()
        assert (maya.enterprise_id, dev.enterprise_id) == (ORG, ORG), "the people Maya names belong to the org too"
        slot = session.exec(select(CheckinPlan.next_at).where(CheckinPlan.person_id == maya.id)).one()
        choose_level(
            session,
            person=maya,
            level_ref=f"{SE}/IC3",
            target_ref=f"{SE}/IC4",
            defaults=shipped(),
            now=datetime.now(UTC),
        )

    posted = len(slack.calls("chat.postMessage"))
    printed = run_job("checkins", slack, database_url, tmp_path, slot, oauth_environment(database_url, slack))
    assert "queued 1 check-ins" in printed
    assert "then still due: sent 1, rescheduled 0, gave up on 0" in printed, printed
    checkin = slack.calls("chat.postMessage")[posted]
    assert checkin.token == token and "growth thread" in checkin.args["text"]

    on_its_way = sender.command("/trellis", "packet", user_id="U0MAYA").json()
    assert on_its_way["text"].startswith("Your packet is on its way")
    file_id, content = slack.wait_for_file(lambda name: name.startswith("packet-IC4") and name.endswith(".md"))
    assert content.startswith(b"# Promotion packet: Maya")
    assert slack.completion_of(file_id).token == token

    with db.session() as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert rows and {row.enterprise_id for row in rows} == {ORG}, "every row names the org"
    assert [row.key for row in rows if row.last_error == "not_installed"] == []
