"""The life of an install and the growth channel's problems, as rules (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from growth import channel, workspaces
from growth.checkins import due_checkins, enrol
from growth.errors import GrowthError, NotAllowed
from growth.notices import GrowthChannelBroken, GrowthChannelChanged, Uninstalled
from growth.people import directories_due, workspace_ids
from growth.wins import Details, log
from storage import outbox
from storage.db import Database
from storage.models import Person, Win, Workspace
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _workspace(db: Database, team: str) -> Workspace:
    with db.session() as session:
        return session.exec(select(Workspace).where(Workspace.team_id == team)).one()


def test_an_uninstall_is_remembered_from_the_first_time_slack_says_so(db: Database) -> None:
    person(db, "U0MAYA")
    with db.session() as session:
        assert workspaces.uninstalled(session, team_id="T1", now=NOW) == [Uninstalled("T1")]
        assert workspaces.uninstalled(session, team_id="T1", now=NOW + timedelta(hours=1)) == [Uninstalled("T1")]
        assert workspaces.is_uninstalled(session, team_id="T1")
        assert workspaces.uninstalled(session, team_id="T0NEVER", now=NOW) == [], "nothing kept, nothing queued"
    assert _workspace(db, "T1").uninstalled_at == NOW


def test_a_workspace_is_deleted_only_once_its_retention_has_passed_and_only_if_not_back(db: Database) -> None:
    for team in ("T1", "T2", "T3"):
        person(db, "U0MAYA", team=team)
    with db.session() as session:
        workspaces.uninstalled(session, team_id="T1", now=NOW)
        workspaces.uninstalled(session, team_id="T2", now=NOW + timedelta(days=10))
        workspaces.uninstalled(session, team_id="T3", now=NOW)
        assert workspaces.installed(session, team_id="T3", enterprise_id=None, now=NOW + timedelta(days=2))
        keep = workspaces.DEFAULT_RETENTION
        assert workspaces.due_for_deletion(session, now=NOW + keep - timedelta(seconds=1), keep=keep) == []
        assert workspaces.due_for_deletion(session, now=NOW + keep, keep=keep) == [("T1", None)]
        assert not workspaces.installed(session, team_id="T4", enterprise_id="E1", now=NOW), "new: never uninstalled"
    assert "T4" in _ids(db)


def _ids(db: Database) -> list[str]:
    with db.session() as session:
        return workspace_ids(session)


def test_deleting_a_workspace_deletes_every_row_of_it_and_nothing_of_another(db: Database) -> None:
    maya, other = person(db, "U0MAYA", team="T1"), person(db, "U0MAYA", team="T2")
    for who in (maya, other):
        with db.session() as session:
            log(
                session,
                person=who,
                details=Details(text="A win", competencies=["mentoring"]),
                source="command",
                request_key="k",
                today=NOW.date(),
                now=NOW,
            )
            enrol(session, person=who, now=NOW)
            outbox.enqueue(session, team_id=who.team_id, key="k", method="chat.postMessage", payload={}, now=NOW)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token, is_enterprise_install, installed_at)"
                " VALUES ('1', 'A1', 'T1', 'xoxb-1', false, :at)"
            ),
            {"at": NOW.replace(tzinfo=None)},
        )
    with db.session() as session:
        held = workspaces.held(session, team_id="T1")
        assert held["people"] == 1 and held["win_competencies"] == 1 and held["outbox"] == 1
        deleted = workspaces.delete_workspace(session, team_id="T1")
    assert {name: deleted[name] for name in held} == held and deleted["slack_bots"] == 1
    with db.session() as session:
        assert workspaces.held(session, team_id="T1") == {}
        assert workspaces.held(session, team_id="T2")["wins"] == 1
        assert session.exec(select(Win.id).where(Win.team_id == "T2")).all()
    assert _ids(db) == ["T2"]


def test_nobody_in_an_uninstalled_workspace_is_nudged_or_read_from_slack(db: Database) -> None:
    here, gone = person(db, "U0MAYA", team="T1"), person(db, "U0MAYA", team="T2")
    with db.session() as session:
        for who in (here, gone):
            enrol(session, person=who, now=NOW)
        workspaces.uninstalled(session, team_id="T2", now=NOW)
    later = NOW + timedelta(days=4, hours=7)  # Friday 16:00, after the default 15:00 slot
    with db.session() as session:
        assert {notice.team_id for notice in due_checkins(session, now=later).queued} == {"T1"}
        assert directories_due(session, now=later, every=timedelta(hours=1)) == [("T1", None)]


def test_the_admins_are_told_once_that_the_growth_channel_cannot_be_posted_in(db: Database) -> None:
    admin, other_admin = person(db, "U0ADMIN", admin=True), person(db, "U0BOSS", admin=True)
    person(db, "U0MAYA")
    with db.session() as session:
        workspaces.set_growth_channel(session, person=admin, channel_id="C0GROWTH", now=NOW)
    with db.session() as session:
        told = channel.failed(session, team_id="T1", channel_id="C0GROWTH", code="not_in_channel", now=NOW)
        assert [(n.admin.slack_user_id, n.code) for n in told if isinstance(n, GrowthChannelBroken)] == [
            ("U0ADMIN", "not_in_channel"),
            ("U0BOSS", "not_in_channel"),
        ]
        assert channel.failed(session, team_id="T1", channel_id="C0GROWTH", code="not_in_channel", now=NOW) == []
        assert channel.failed(session, team_id="T1", channel_id="C0OLD", code="is_archived", now=NOW) == []
        assert channel.problem_of(session, team_id="T1") == channel.Problem("C0GROWTH", "not_in_channel", NOW)
    with db.session() as session:
        assert channel.worked(session, team_id="T1")
        assert not channel.worked(session, team_id="T1")
        assert channel.problem_of(session, team_id="T1") is None
        assert channel.failed(session, team_id="T1", channel_id="C0GROWTH", code="is_archived", now=NOW), "a new one"
    assert other_admin.id is not None


def test_saving_the_growth_channel_ends_the_problem_and_lets_the_waiting_posts_go(db: Database) -> None:
    admin, maya = person(db, "U0ADMIN", admin=True), person(db, "U0MAYA")
    with db.session() as session:
        assert workspaces.set_growth_channel(session, person=admin, channel_id="C0GROWTH", now=NOW) == []
        channel.failed(session, team_id="T1", channel_id="C0GROWTH", code="not_in_channel", now=NOW)
    with db.session() as session:
        assert workspaces.set_growth_channel(session, person=admin, channel_id="C0OTHER", now=NOW) == [
            GrowthChannelChanged("T1")
        ]
        assert channel.problem_of(session, team_id="T1") is None
        with pytest.raises(NotAllowed):
            workspaces.set_growth_channel(session, person=maya, channel_id="C0MINE", now=NOW)
        for bad in ("general", "C0" + "X" * 40, "U0MAYA", ""):
            with pytest.raises(GrowthError, match="Choose a channel from the list"):
                workspaces.set_growth_channel(session, person=admin, channel_id=bad, now=NOW)
    assert _workspace(db, "T1").growth_channel_id == "C0OTHER"


def test_the_overview_counts_the_people_still_there(db: Database) -> None:
    person(db, "U0MAYA")
    with db.session() as session:
        gone = person(db, "U0GONE")
        left = session.get(Person, gone.id)
        assert left is not None
        left.deleted = True
        session.add(left)
    with db.session() as session:
        (one,) = workspaces.overview(session)
    assert (one.team_id, one.people, one.uninstalled_at) == ("T1", 1, None)
