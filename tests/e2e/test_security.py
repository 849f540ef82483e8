"""What docs/security.md promises, tested where it can be, on both databases: the logs of real runs
carry no token, no secret and nothing anyone wrote, at any level, on the paths that log most (a failed
write, Slack failing, a stale button, a forged request), in single-workspace and OAuth mode; and a
workspace admin never learns who gave an anonymous answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from growth import feedback, levels
from growth.frameworks.shipped import shipped
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import FeedbackAnswer
from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET, RunningBot, bot_environment, start_bot, stop_bot, trellis
from tests.e2e.steps import (
    SE,
    checkin_for,
    entry_answers,
    install,
    oauth_environment,
    text_of,
    then_view,
    thread_reply,
)
from tests.factories import person
from tests.faults import failing_writes

WRITTEN = "Quietly-kept words 7f3a"  # in everything people write below: never in a log line


@pytest.fixture
def oauth_bot(database_url: str, slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    bot = start_bot(oauth_environment(database_url, slack), tmp_path, "--workers", "1")
    yield bot
    stop_bot(bot)


def _use_trellis(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    """What people write, along the paths that log: as it should go, and as it fails."""
    sender.command("/win", f"{WRITTEN}: led the review", user_id="U0MAYA")
    with failing_writes(db, "wins"):  # an unexpected failure: logged at ERROR, with its traceback
        assert "error" in sender.command("/win", f"{WRITTEN}: lost to a failing write", user_id="U0MAYA").text
    slack.fail("users.info", status=500, times=None)  # logged at WARNING
    sender.command("/win", f"{WRITTEN}: by someone new", user_id="U0NEWCOMER")
    slack.clear_failures()
    form = then_view(slack, "views.open", "checkin", lambda: sender.command("/trellis", "checkin", user_id="U0MAYA"))
    sender.view_submission(user_id="U0MAYA", view=form, values=entry_answers(learned=f"{WRITTEN}: queues"))
    stale = {"action_id": "win_undo", "block_id": "b", "type": "button", "value": json.dumps(WRITTEN)}
    sender.block_action(user_id="U0MAYA", action=stale)  # logged at WARNING
    sender.post(f"command=%2Fwin&text={WRITTEN}".encode(), "application/x-www-form-urlencoded", signature="v0=0")


def test_no_token_secret_or_written_word_reaches_the_log(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    before = len(running_bot.logged())
    checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
    sender.event(thread_reply(db, f"{WRITTEN}: a reply"))
    _use_trellis(sender, slack, db)
    logged = running_bot.logged()
    assert " ERROR " in logged[before:] and " WARNING " in logged[before:], "the paths that log were taken"
    for secret in (BOT_TOKEN, SIGNING_SECRET, WRITTEN):
        assert secret not in logged, f"{secret!r} was logged"


def test_an_installed_workspaces_token_and_the_client_secret_never_reach_the_log(
    oauth_bot: RunningBot, slack: FakeSlack, db: Database
) -> None:
    token = install(oauth_bot, slack, "T0OTHER")
    sender = SlackSender(oauth_bot.events_url, SIGNING_SECRET, slack, team_id="T0OTHER")
    slack.add_user("T0OTHER", "U0MAYA", name="Maya")
    _use_trellis(sender, slack, db)
    logged = oauth_bot.logged()
    assert " ERROR " in logged
    for secret in (token, "oauth-secret", SIGNING_SECRET, WRITTEN):
        assert secret not in logged, f"{secret!r} was logged"


def test_a_workspace_admin_never_sees_who_gave_an_anonymous_answer(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    """An admin asking for a round's results is refused; the App Home, the admin commands and an export
    of the person's packet show the answers (once released) and never who gave them."""
    now = datetime.now(UTC)
    team = slack.team_id
    slack.add_user(team, "U0ADMIN", name="Admin", is_admin=True)
    maya = person(db, "U0MAYA", team=team, now=now)
    peers = [person(db, f"U0PEER{n}", team=team, now=now) for n in range(3)]
    for peer in peers:
        slack.add_user(team, peer.slack_user_id, name=f"Peer{peer.slack_user_id}")
    with db.session() as session:
        levels.choose_level(
            session, person=maya, level_ref=f"{SE}/IC3", target_ref=f"{SE}/IC4", defaults=shipped(), now=now
        )
        form = feedback.asking_form(session, asker=maya, person=maya, defaults=shipped(), anonymity_min=3, now=now)
        started = feedback.start(
            session,
            asker=maya,
            person=maya,
            draft=feedback.Draft(peers, form.chosen, True, None),
            version_id=form.version_id,
            target_ref=form.target.ref,
            request_key="anonymous-round",
            anonymity_min=3,
            now=now,
        )
    round_id = started.round.id
    for request, peer in zip(started.requests, peers, strict=True):
        said = {cid: ("sometimes", f"Answer of {peer.slack_user_id}") for cid in form.chosen}
        with db.session() as session:
            feedback.answer(session, responder=peer, request_id=request.id, given=feedback.Given(said), now=now)
    with db.session() as session:
        feedback.close_early(session, person=maya, round_id=round_id, now=now)

    see = {"action_id": "feedback_see", "block_id": "b", "type": "button", "value": str(round_id)}
    sender.block_action(user_id="U0ADMIN", action=see)
    refused = slack.wait_for_responses(1)[-1]
    assert refused["text"].startswith("Only the person the feedback is about sees its results")
    sender.app_home_opened("U0ADMIN")
    admin_home = text_of(slack.wait_for_home("U0ADMIN", "Hi Admin"))
    exported = trellis(
        "export",
        "packet",
        "--team",
        team,
        "--user",
        "U0MAYA",
        env=bot_environment(database_url, slack),
        cwd=tmp_path,
    )
    assert exported.returncode == 0, exported.stderr
    assert "Answer of U0PEER0" in exported.stdout, "the answers are in the packet, once released"
    for peer in peers:
        for shown in (admin_home, exported.stdout, refused["text"]):
            assert f"Peer{peer.slack_user_id}" not in shown
        assert f"Answer of {peer.slack_user_id}" not in admin_home
    with db.session() as session:
        assert session.exec(select(FeedbackAnswer.request_id)).all() == [None] * 3, "no row says whose"
