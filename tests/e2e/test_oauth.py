"""Multi-workspace install over real HTTP: Bolt's OAuth flow, slack_sdk's stores, our migrations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from slacksim import FakeSlack, SlackSender, http
from storage import outbox
from storage.db import Database
from tests.e2e.conftest import SIGNING_SECRET, RunningBot, bot_environment, start_bot, stop_bot, trellis

OTHER_TEAM = "T0OTHER"


def _oauth_env(database_url: str, slack: FakeSlack) -> dict[str, str]:
    env = bot_environment(database_url, slack, SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="oauth-secret")
    del env["SLACK_BOT_TOKEN"]
    return env


@pytest.fixture
def oauth_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    bot = start_bot(_oauth_env(database_url, slack), tmp_path, "--workers", "1")
    yield bot
    stop_bot(bot)


def _install(bot: RunningBot, slack: FakeSlack, team_id: str) -> str:
    page = http(bot.url + "/slack/install")
    assert page.status == 200
    assert "https://slack.com/oauth/v2/authorize?" in page.text
    assert "scope=commands,chat:write,im:write,im:history,users:read,groups:write" in page.text
    state = re.search(r"state=([\w-]+)", page.text)
    assert state is not None
    cookie = page.headers["set-cookie"].split(";")[0]
    token = slack.grant("code-1", team_id=team_id)
    done = http(f"{bot.url}/slack/oauth_redirect?code=code-1&state={state.group(1)}", headers={"Cookie": cookie})
    assert done.status == 200, done.text
    return token


def test_a_workspace_installs_and_is_then_served_with_its_own_token(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database
) -> None:
    token = _install(oauth_bot, slack, OTHER_TEAM)
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
    token = _install(oauth_bot, slack, OTHER_TEAM)

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
    result = trellis("jobs", "run", "outbox", env=_oauth_env(database_url, slack), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ": sent 1, rescheduled 0, gave up on 1" in result.stdout.splitlines()[0]
    assert "failed: hello: not_installed" in result.stdout
    assert [call.token for call in slack.calls("chat.postMessage")] == [token]
