"""`trellis doctor` as an operator runs it: one line per check, how to fix each, exit 1 on any failure;
and the growth channel Trellis is not in, as the admins and the posts meet it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from growth.people import ensure_workspace
from schedules.jobs import JOBS
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.job_runs import record_registered, record_run
from storage.models import Workspace
from tests.e2e.conftest import SIGNING_SECRET, RunningBot, bot_environment, trellis
from tests.e2e.steps import eventually, run_job, then_view

GROWTH = "C0GROWTH"


def _scheduler_ran(db: Database, at: datetime) -> None:
    with db.session() as session:
        record_registered(session, names=list(JOBS), now=at)
        for name in JOBS:
            record_run(session, name=name, now=at)


def _growth_channel(db: Database, channel: str = GROWTH) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        ensure_workspace(session, team_id="T0TRELLIS", enterprise_id=None, now=now)
        workspace = session.exec(select(Workspace).where(Workspace.team_id == "T0TRELLIS")).one()
        workspace.growth_channel_id = channel
        session.add(workspace)


def _lines(result: object) -> dict[str, str]:
    lines = result.stdout.splitlines()  # type: ignore[attr-defined]
    return {line[6:].split(":", 1)[0]: line for line in lines[:-1]}


def test_a_healthy_install_is_all_good(tmp_path: Path, slack: FakeSlack, db: Database, database_url: str) -> None:
    _scheduler_ran(db, datetime.now(UTC))
    _growth_channel(db)
    slack.add_channel(GROWTH, "growth")
    result = trellis("doctor", env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _lines(result)
    assert lines["bot token"].startswith("ok    bot token: Slack accepts it (workspace Trellis Demo, T0TRELLIS)")
    assert lines["scopes of the bot token"].endswith("all 9 that manifest.yml asks for")
    assert lines["signing secret"].startswith("ok")
    assert lines["database"].startswith("ok") and "schema at revision" in lines["database"]
    assert lines["scheduler"].startswith("ok    scheduler: all 6 jobs registered and on time")
    assert lines["growth channel of T0TRELLIS"] == "ok    growth channel of T0TRELLIS: #growth, and Trellis is a member"
    assert result.stdout.splitlines()[-1] == "all good"


def test_what_a_real_install_gets_wrong_is_named_with_its_fix(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    _scheduler_ran(db, datetime.now(UTC) - timedelta(hours=3))
    _growth_channel(db)
    slack.add_channel(GROWTH, "growth", bot_member=False)
    old_manifest = ["commands", "chat:write", "im:write", "im:history", "users:read", "groups:write"]
    slack.grant_scopes("xoxb-e2e-token", old_manifest)
    env = bot_environment(database_url, slack)
    del env["SLACK_SIGNING_SECRET"]
    result = trellis("doctor", env=env, cwd=tmp_path)
    assert result.returncode == 1
    lines = _lines(result)
    assert lines["scopes of the bot token"] == (
        "FAIL  scopes of the bot token: missing channels:read, groups:read, files:write: add them under "
        "OAuth & Permissions > Scopes (manifest.yml lists them all), then reinstall the app"
    )
    assert lines["signing secret"].startswith("FAIL  signing secret: SLACK_SIGNING_SECRET is not set")
    assert lines["scheduler"].startswith("FAIL  scheduler: no scheduler has run outbox (last ")
    assert "is `trellis worker` (or `trellis serve`) running?" in lines["scheduler"]
    assert lines["growth channel of T0TRELLIS"].startswith(
        "FAIL  growth channel of T0TRELLIS: cannot check <#C0GROWTH>"
    )
    assert result.stdout.splitlines()[-1] == "4 problems to fix"

    slack.grant_scopes("xoxb-e2e-token", [*old_manifest, "channels:read", "groups:read", "files:write"])
    again = _lines(trellis("doctor", env=env, cwd=tmp_path))
    assert again["growth channel of T0TRELLIS"] == (
        "FAIL  growth channel of T0TRELLIS: Trellis is not a member of #growth: type `/invite @Trellis` in it"
    )


def test_a_fresh_install_warns_of_what_is_not_done_yet_without_failing(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    result = trellis("doctor", env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    lines = _lines(result)
    assert lines["scheduler"].startswith("warn  scheduler: no scheduler has run yet")
    assert lines["growth channel of T0TRELLIS"].startswith("warn  growth channel of T0TRELLIS: none chosen yet")


def test_without_a_network_to_slack_doctor_says_so_in_a_line_and_fails(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    env = bot_environment(database_url, slack, SLACK_API_URL="http://127.0.0.1:1/api/")
    result = trellis("doctor", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert _lines(result)["slack"].startswith("FAIL  slack: cannot reach the Slack API at http://127.0.0.1:1/api/")
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr


def test_an_out_of_date_database_and_an_old_worker_are_named(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    with db.session() as session:
        record_registered(session, names=[name for name in JOBS if name != "retention"], now=datetime.now(UTC))
    result = trellis("doctor", env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 1
    assert _lines(result)["scheduler"] == (
        "FAIL  scheduler: the running scheduler does not have the job retention: restart `trellis worker` "
        "(or `trellis serve`) with this version"
    )
    fresh = trellis("doctor", env=bot_environment(f"sqlite:///{tmp_path}/new.db", slack), cwd=tmp_path)
    assert fresh.returncode == 1 and "run `trellis db upgrade` first" in _lines(fresh)["database"]


def test_a_growth_channel_trellis_is_not_in_tells_the_admins_once_and_the_post_waits_for_the_invite(
    running_bot: RunningBot, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    sender = SlackSender(running_bot.events_url, SIGNING_SECRET, slack)
    slack.add_user(slack.team_id, "U0ADA", name="Ada", is_admin=True)
    slack.add_channel(GROWTH, "growth", bot_member=False)
    form = then_view(slack, "views.open", "settings", lambda: sender.command("/trellis", "settings", user_id="U0ADA"))
    channel = {"growth_channel": {"growth_channel": {"type": "channels_select", "selected_channel": GROWTH}}}
    sender.view_submission(user_id="U0ADA", view=form, values=channel)
    public = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    values = {
        "win_text": {"value": {"type": "plain_text_input", "value": "Ran the game day"}},
        "win_visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "public"}}},
    }
    sender.view_submission(user_id="U0MAYA", view=public, values=values)
    env = bot_environment(database_url, slack)
    eventually(lambda: any(c.args.get("channel") == GROWTH for c in slack.calls("chat.postMessage")))
    printed = run_job("outbox", slack, database_url, tmp_path, datetime.now(UTC), env)
    assert "0 failed" in printed and "(1 waiting for the growth channel)" in printed
    (told,) = [m for m in slack.posted("D0ADA")]
    assert "Trellis can't post in <#C0GROWTH>: Trellis is not a member of it" in told["text"]
    sender.app_home_opened("U0ADA")
    assert slack.wait_for_home("U0ADA", "Trellis can't post in <#C0GROWTH>")

    slack.invite_bot(GROWTH)
    printed = run_job("outbox", slack, database_url, tmp_path, datetime.now(UTC) + timedelta(minutes=11), env)
    assert ": sent 1," in printed.splitlines()[0]
    assert [m["text"] for m in slack.posted(GROWTH)] == ["🌱 Maya logged a win: Ran the game day"]
    assert len(slack.posted("D0ADA")) == 1, "told once"
