"""The life of an install over real HTTP: uninstalled, tokens revoked, reinstalled, kept for the retention
period then deleted, purged at once, and rotating tokens refreshed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, Person, Win, Workspace
from tests.e2e.conftest import SIGNING_SECRET, RunningBot, bot_environment, start_bot, stop_bot, trellis
from tests.e2e.steps import eventually, install, oauth_environment, run_job

TEAM, OTHER = "T0ACME", "T0GLOBEX"


@pytest.fixture
def oauth_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    bot = start_bot(oauth_environment(database_url, slack), tmp_path, "--workers", "1")
    yield bot
    stop_bot(bot)


def _installations(db: Database, team: str) -> int:
    with db.engine.connect() as connection:
        bots = connection.execute(text("SELECT count(*) FROM slack_bots WHERE team_id = :t"), {"t": team})
        installs = connection.execute(text("SELECT count(*) FROM slack_installations WHERE team_id = :t"), {"t": team})
        return bots.scalar_one() + installs.scalar_one()


def _queue_later(db: Database, team: str, key: str) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        outbox.enqueue(
            session,
            team_id=team,
            key=key,
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": key},
            now=now,
            due_at=now + timedelta(hours=1),
        )


def _win_logged(oauth_bot: RunningBot, slack: FakeSlack, team: str) -> SlackSender:
    slack.add_user(team, "U0MAYA", name="Maya")
    sender = SlackSender(oauth_bot.events_url, SIGNING_SECRET, slack, team_id=team)
    assert "Logged" in sender.command("/win", f"Shipped the {team} rollout", user_id="U0MAYA").text
    return sender


def _uninstalled_at(db: Database, team: str) -> datetime | None:
    with db.session() as session:
        return session.exec(select(Workspace.uninstalled_at).where(Workspace.team_id == team)).one()


def test_uninstalling_cancels_what_is_queued_keeps_the_data_and_a_reinstall_finds_it_all(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    install(oauth_bot, slack, TEAM)
    sender = _win_logged(oauth_bot, slack, TEAM)
    _queue_later(db, TEAM, "next-week")
    assert _installations(db, TEAM) == 2

    assert sender.event({"type": "app_uninstalled"}, event_id="Ev1").status == 200
    eventually(lambda: _installations(db, TEAM) == 0)  # Bolt's listener removed the installation
    assert sender.event({"type": "app_uninstalled"}, event_id="Ev1", retry_num=1).status == 200
    assert _uninstalled_at(db, TEAM) is not None
    with db.session() as session:
        (row,) = session.exec(select(OutboxMessage).where(OutboxMessage.key == "next-week")).all()
    assert row.cancelled_at is not None and row.failed_at is None and row.attempts == 0
    printed = run_job(
        "outbox",
        slack,
        database_url,
        tmp_path,
        datetime.now(UTC) + timedelta(hours=2),
        oauth_environment(database_url, slack),
    )
    assert ": sent 0, rescheduled 0, gave up on 0" in printed.splitlines()[0]
    assert "failed: " not in printed and ", 0 failed, 1 cancelled" in printed
    assert slack.calls("chat.postMessage") == []

    install(oauth_bot, slack, TEAM)
    assert _uninstalled_at(db, TEAM) is None, "installed again within the retention period"
    sender.app_home_opened("U0MAYA")
    assert slack.wait_for_home("U0MAYA", f"Shipped the {TEAM} rollout")


def test_a_workspace_is_deleted_once_its_retention_period_has_passed_unless_it_came_back(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    senders = {}
    for team in (TEAM, OTHER):
        install(oauth_bot, slack, team)
        senders[team] = _win_logged(oauth_bot, slack, team)
        senders[team].event({"type": "app_uninstalled"})
        eventually(lambda team=team: _installations(db, team) == 0)
    install(oauth_bot, slack, OTHER)
    env = {**oauth_environment(database_url, slack), "TRELLIS_RETENTION_DAYS": "5"}
    now = datetime.now(UTC)
    assert "deleted 0 workspaces uninstalled more than 5 days ago" in run_job(
        "retention", slack, database_url, tmp_path, now + timedelta(days=4), env
    )
    assert "deleted 1 workspaces uninstalled more than 5 days ago" in run_job(
        "retention", slack, database_url, tmp_path, now + timedelta(days=6), env
    )
    with db.session() as session:
        assert session.exec(select(Person.team_id)).all() == [OTHER]
        assert session.exec(select(Win.team_id)).all() == [OTHER]
        assert session.exec(select(Workspace.team_id)).all() == [OTHER]


def test_a_revoked_bot_token_stops_the_workspace_and_revoked_user_tokens_do_not(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database
) -> None:
    install(oauth_bot, slack, TEAM)
    sender = _win_logged(oauth_bot, slack, TEAM)
    _queue_later(db, TEAM, "soon")
    sender.event({"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALLER"]}})
    eventually(lambda: _installations(db, TEAM) == 1)  # only the user's installation went
    for garbled in ({"tokens": "all"}, {"tokens": {"bot": "B1"}}, {}):
        assert sender.event({"type": "tokens_revoked", **garbled}).status == 200
    sender.event({"type": "tokens_revoked", "tokens": {"bot": ["U0TRELLISBOT"]}})
    eventually(lambda: _installations(db, TEAM) == 0)
    assert _uninstalled_at(db, TEAM) is not None
    assert "Traceback" not in oauth_bot.logged(), "garbled events are ignored, not failed on"
    with db.session() as session:
        assert outbox.states(session).cancelled == 1


def test_a_rotating_token_is_refreshed_before_the_outbox_and_requests_use_it(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    first = install(oauth_bot, slack, TEAM, rotating=True)
    slack.add_user(TEAM, "U0MAYA", name="Maya")
    with db.session() as session:
        outbox.enqueue(
            session,
            team_id=TEAM,
            key="hello",
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": "hi"},
            now=datetime.now(UTC),
        )
    printed = run_job(
        "outbox", slack, database_url, tmp_path, datetime.now(UTC), oauth_environment(database_url, slack)
    )
    assert ": sent 1," in printed.splitlines()[0]
    (posted,) = slack.calls("chat.postMessage")
    assert posted.token != first and posted.token.startswith(f"xoxe.xoxb-{TEAM}-rotated-")
    with db.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT bot_token FROM slack_installations WHERE team_id = :t ORDER BY id DESC"), {"t": TEAM}
        ).first()
    assert stored is not None and stored[0] == posted.token, "saved, so the next request finds the new pair"
    sender = SlackSender(oauth_bot.events_url, SIGNING_SECRET, slack, team_id=TEAM)
    assert sender.command("/trellis", "help", user_id="U0MAYA").json()["response_type"] == "ephemeral"
    assert [call.token for call in slack.calls("users.info")] == [posted.token]
    assert len([c for c in slack.calls("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"]) == 1


def test_purge_deletes_a_workspace_at_once_after_confirmation(
    slack: FakeSlack, db: Database, database_url: str, tmp_path: Path, running_bot: RunningBot
) -> None:
    sender = SlackSender(running_bot.events_url, SIGNING_SECRET, slack)
    sender.command("/win", "Kept until purged", user_id="U0MAYA")
    env = bot_environment(database_url, slack)
    unknown = trellis("workspace", "purge", "T0NOPE", "--yes", env=env, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "T0NOPE is not a workspace Trellis holds data for (known: T0TRELLIS)" in unknown.stderr
    refused = trellis("workspace", "purge", "T0TRELLIS", env=env, cwd=tmp_path, typed="no\n")
    assert refused.returncode == 1 and "nothing deleted" in refused.stderr
    assert "Delete everything Trellis holds for T0TRELLIS (" in refused.stdout and "1 wins" in refused.stdout
    listing = trellis("workspace", "list", env=env, cwd=tmp_path)
    assert "T0TRELLIS: 1 people, installed, no growth channel" in listing.stdout
    done = trellis("workspace", "purge", "T0TRELLIS", env=env, cwd=tmp_path, typed="T0TRELLIS\n")
    assert done.returncode == 0, done.stderr
    assert "deleted workspace T0TRELLIS" in done.stdout
    with db.session() as session:
        assert session.exec(select(Win)).all() == [] and session.exec(select(Person)).all() == []


def test_in_single_workspace_mode_an_uninstall_stops_the_queue_and_a_new_token_brings_it_back(
    running_bot: RunningBot, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    sender = SlackSender(running_bot.events_url, SIGNING_SECRET, slack)
    sender.command("/win", "Before the uninstall", user_id="U0MAYA")
    _queue_later(db, "T0TRELLIS", "later")
    sender.event({"type": "app_uninstalled"})
    eventually(lambda: _uninstalled_at(db, "T0TRELLIS") is not None)
    with db.session() as session:
        assert outbox.states(session).cancelled == 1
    slack.revoke("xoxb-e2e-token")
    env = bot_environment(database_url, slack)
    refused = trellis("jobs", "run", "outbox", env=env, cwd=tmp_path)
    assert refused.returncode == 2 and "SLACK_BOT_TOKEN was refused by Slack (token_revoked)" in refused.stderr
    reinstalled = trellis("jobs", "run", "outbox", env={**env, "SLACK_BOT_TOKEN": "xoxb-after-reinstall"}, cwd=tmp_path)
    assert reinstalled.returncode == 0, reinstalled.stderr
    assert _uninstalled_at(db, "T0TRELLIS") is None, "the new token is accepted: installed again, nothing deleted"
    with db.session() as session:
        assert [win.text for win in session.exec(select(Win)).all()] == ["Before the uninstall"]
