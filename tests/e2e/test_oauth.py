"""Multi-workspace install over real HTTP: Bolt's OAuth flow, slack_sdk's stores, our migrations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from slacksim import FakeSlack, SlackSender, http
from storage import outbox
from storage.db import Database
from tests.e2e.conftest import SIGNING_SECRET, RunningBot, start_bot, stop_bot, trellis
from tests.e2e.steps import install, oauth_environment

OTHER_TEAM = "T0OTHER"


@pytest.fixture
def oauth_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    bot = start_bot(oauth_environment(database_url, slack), tmp_path, "--workers", "1")
    yield bot
    stop_bot(bot)


def test_a_workspace_installs_and_is_then_served_with_its_own_token(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database
) -> None:
    token = install(oauth_bot, slack, OTHER_TEAM)
    with db.engine.connect() as connection:
        stored = connection.execute(text("SELECT team_id, bot_token FROM slack_bots")).all()
    assert [tuple(row) for row in stored] == [(OTHER_TEAM, token)]

    sender = SlackSender(oauth_bot.events_url, SIGNING_SECRET, slack, team_id=OTHER_TEAM)
    reply = sender.command("/trellis", "help", user_id="U0MAYA")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert [call.token for call in slack.calls("users.info")] == [token]


def test_a_redirect_with_a_forged_state_installs_nothing(oauth_bot: RunningBot, slack: FakeSlack, db: Database) -> None:
    slack.grant("code-1", team_id=OTHER_TEAM)
    reply = http(f"{oauth_bot.url}/slack/oauth_redirect?code=code-1&state=forged")
    assert reply.status != 200
    assert slack.calls("oauth.v2.access") == []
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM slack_bots")).scalar_one() == 0


def test_the_outbox_sends_with_each_workspaces_token_and_fails_where_not_installed(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    token = install(oauth_bot, slack, OTHER_TEAM)

    with db.session() as session:
        for team in (OTHER_TEAM, "T0NEVER"):
            outbox.enqueue(
                session,
                team_id=team,
                key="hello",
                method="chat.postMessage",
                payload={"channel": "U0MAYA", "text": "hi"},
                now=datetime.now(UTC),
            )
    result = trellis("jobs", "run", "outbox", env=oauth_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ": sent 1, rescheduled 0, gave up on 1" in result.stdout.splitlines()[0]
    assert "failed: hello: not_installed" in result.stdout
    assert [call.token for call in slack.calls("chat.postMessage")] == [token]
