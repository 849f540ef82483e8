"""The `trellis` command as an operator meets it: start-up refusals, migrations, jobs, the demo."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from slacksim import FakeSlack, http
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.e2e.conftest import bot_environment, start_bot, stop_bot, trellis, trellis_on_a_terminal
from tests.factories import maya_aiming_for_ic4


def _one_line_error(result: object) -> str:
    stderr = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert stderr, "expected a message on stderr"
    assert stderr[-1].startswith("trellis: ")
    return stderr[-1]


@pytest.mark.parametrize(
    ("args", "unset", "variable"),
    [
        (("serve", "--http"), "SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET is not set"),
        (("serve", "--http"), "SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN is not set"),
        (("serve",), "SLACK_APP_TOKEN", "SLACK_APP_TOKEN is not set"),
        (("worker",), "SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN is not set"),
    ],
)
def test_a_missing_token_stops_start_up_with_one_line(
    tmp_path: Path, slack: FakeSlack, args: tuple[str, ...], unset: str, variable: str
) -> None:
    env = bot_environment(f"sqlite:///{tmp_path}/t.db", slack, SLACK_APP_TOKEN="xapp-1")
    del env[unset]
    result = trellis(*args, env=env, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line_error(result)
    assert variable in line
    assert "api.slack.com/apps" in line


def test_a_malformed_database_url_stops_start_up(tmp_path: Path, slack: FakeSlack) -> None:
    env = bot_environment("postgresql://user@host:notaport/db", slack)
    result = trellis("serve", "--http", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL is not a database URL" in _one_line_error(result)


def test_a_broken_trellis_framework_file_stops_start_up_before_any_worker(tmp_path: Path, slack: FakeSlack) -> None:
    broken = tmp_path / "ours.yaml"
    broken.write_text("name: ours\n\ttracks: []\n")
    env = bot_environment(f"sqlite:///{tmp_path}/t.db", slack, TRELLIS_FRAMEWORK=str(broken))
    result = trellis("serve", "--http", env=env, cwd=tmp_path)
    assert result.returncode == 2
    line = _one_line_error(result)
    assert line == (
        f"trellis: TRELLIS_FRAMEWORK is neither a shipped framework nor a valid file: {broken}:2: "
        "tabs are not allowed for indentation in YAML; indent with spaces"
    )


def test_an_anonymity_threshold_below_three_stops_start_up(tmp_path: Path, slack: FakeSlack) -> None:
    env = bot_environment(f"sqlite:///{tmp_path}/t.db", slack, TRELLIS_ANONYMITY_MIN="2")
    result = trellis("serve", "--http", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "TRELLIS_ANONYMITY_MIN must be a whole number from 3 to 20" in _one_line_error(result)


def test_an_unreachable_database_stops_start_up(tmp_path: Path, slack: FakeSlack) -> None:
    env = bot_environment("postgresql://trellis:hunter2@127.0.0.1:1/trellis", slack)
    for args in (("serve", "--http"), ("worker",), ("db", "upgrade")):
        result = trellis(*args, env=env, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        line = _one_line_error(result)
        assert "cannot reach the database at postgresql+psycopg://trellis:***@127.0.0.1:1/trellis" in line
        assert "hunter2" not in result.stderr


def test_an_out_of_date_schema_is_refused_until_db_upgrade(tmp_path: Path, slack: FakeSlack) -> None:
    env = bot_environment(f"sqlite:///{tmp_path}/fresh.db", slack)
    for args in (("serve", "--http"), ("worker",), ("jobs", "run", "outbox")):
        result = trellis(*args, env=env, cwd=tmp_path)
        assert result.returncode == 1
        assert "run `trellis db upgrade` first" in _one_line_error(result)
    upgraded = trellis("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0
    assert "upgraded from empty to revision" in upgraded.stdout
    again = trellis("db", "upgrade", env=env, cwd=tmp_path)
    assert "up to date" in again.stdout


def test_a_token_slack_refuses_stops_start_up(tmp_path: Path, slack: FakeSlack, database_url: str) -> None:
    slack.fail("auth.test", status=200, error="invalid_auth")
    result = trellis("serve", "--http", env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in _one_line_error(result)


def test_an_unreachable_slack_stops_start_up(tmp_path: Path, slack: FakeSlack, database_url: str) -> None:
    env = bot_environment(database_url, slack, SLACK_API_URL="http://127.0.0.1:1/api/")
    result = trellis("worker", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot reach the Slack API at http://127.0.0.1:1/api/" in _one_line_error(result)


def test_socket_mode_says_when_slack_refuses_the_app_token(tmp_path: Path, slack: FakeSlack, database_url: str) -> None:
    env = bot_environment(database_url, slack, SLACK_APP_TOKEN="xapp-1-refused")
    result = trellis("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN was refused by Slack" in _one_line_error(result)
    assert slack.calls("apps.connections.open")


def test_serve_without_any_slack_tokens_runs_the_demo(tmp_path: Path, slack: FakeSlack) -> None:
    env = {k: v for k, v in bot_environment("sqlite:///unused.db", slack).items() if not k.startswith("SLACK_")}
    result = trellis("serve", env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no Slack tokens are set" in result.stderr
    out = result.stdout
    days = [line for line in out.splitlines() if line.startswith("▶ Day ")]
    assert [line.split(" · ")[0] for line in days] == [f"▶ Day {n} of 8" for n in range(1, 9)]
    assert days[0].split(" · ")[1].startswith("Monday") and days[4].split(" · ")[1].startswith("Friday")
    assert "Maya > /trellis" in out
    assert "Where you are heading: IC4 · Senior Software Engineer (next level)" in out
    assert "Your biggest gaps to IC4: technical direction, cross-team leadership and mentoring." in out
    assert "📎 gaps-IC4-1.png" in out and "📎 gaps-IC4-2.png" in out
    assert "*Logged.* “Led the payments outage review" in out
    assert "(Tagged: Operational ownership, Cross-team leadership, Engineering craft)" in out
    assert "What happened? Huge thanks @U0MAYA for fixing the flaky checkout test!" in out  # the shortcut
    assert "HTTP 401: refused" in out and "acted once" in out
    assert "✅ Dev says *try it out*: Move our deploys from Friday to Tuesday." in out
    assert "📨 Asked 4 people." in out and "Maya hears nothing until the round closes" in out
    assert "check-in DM to Sam, Priya, Ray" in out and "check-in DM to Dev" in out  # the fan-out
    assert "*Your weekly Trellis digest: 1 report.*" in out
    assert "*Logged.* “Walked away with a win: Move our deploys from Friday to Tuesday." in out
    assert "*Your feedback against IC4: 4 of 4 answered.*" in out
    assert "Consistently 0 · Sometimes 2 · Not yet 1 · Haven't seen it 0" in out
    assert "*Dev, the manager* (shown apart, with their name)" in out
    assert "🖼  Evidence for IC4, week by week" in out and "🖼  Your gap to IC4, assessment by assessment" in out
    assert "| Mentoring | proficient | proficient |" in out
    assert "INFO" not in out and "WARNING" not in out, "library logs go to the log file"
    left = tmp_path / "trellis-demo"
    html = next(left.glob("packet-IC4-*.html")).read_text()
    assert '<img class="chart" src="data:image/png;base64,' in html and "Walked away with a win" in html
    assert next(left.glob("packet-IC4-*.pdf")).read_bytes().startswith(b"%PDF")
    assert {p.name for p in left.glob("*.png")} >= {"readiness.png", "gap-trend.png", "gaps-IC4-1.png"}
    assert "INFO" in (left / "demo.log").read_text()
    for name in ("packet-IC4-", ".html", ".pdf", "readiness.png"):
        assert name in out.split("The files the bot made are in ./trellis-demo/")[1]
    assert out.rstrip().endswith("then run:\n    trellis serve")


def test_http_mode_serves_with_several_workers(tmp_path: Path, slack: FakeSlack, database_url: str) -> None:
    bot = start_bot(bot_environment(database_url, slack), tmp_path, "--workers", "3")
    try:
        assert http(bot.url + "/healthz").json() == {"ok": True, "database": "ok"}
    finally:
        stop_bot(bot)


def test_jobs_list_names_every_job(tmp_path: Path, slack: FakeSlack) -> None:
    result = trellis("jobs", "list", env=bot_environment("sqlite://", slack), cwd=tmp_path)
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("outbox", "checkins", "directory", "feedback", "prune"))


def _queue(db: Database, key: str) -> None:
    with db.session() as session:
        outbox.enqueue(
            session,
            team_id="T0TRELLIS",
            key=key,
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": key},
            now=datetime.now(UTC),
        )


def test_a_429_from_chat_post_message_is_retried_after_retry_after(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    _queue(db, "nudge")
    slack.fail("chat.postMessage", status=429, retry_after=2, times=1)
    result = trellis("jobs", "run", "outbox", env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ": sent 1, rescheduled 1, gave up on 0" in result.stdout.splitlines()[0]
    first, second = slack.calls("chat.postMessage")
    assert second.at - first.at >= 2.0
    with db.session() as session:
        (row,) = session.exec(select(OutboxMessage)).all()
        assert row.sent_at is not None


def test_an_outbox_row_survives_a_failed_send_and_is_sent_once_on_the_next_run(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    _queue(db, "digest")
    env = bot_environment(database_url, slack)
    slack.fail("chat.postMessage", status=500, times=None)
    failed = trellis("jobs", "run", "outbox", env=env, cwd=tmp_path)
    assert failed.returncode == 0
    assert ": sent 0, rescheduled 1" in failed.stdout.splitlines()[0]
    with db.session() as session:
        (row,) = session.exec(select(OutboxMessage)).all()
        assert row.sent_at is None and row.attempts == 1 and row.last_error == "internal_error"
    slack.clear_failures()
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    sent = trellis("jobs", "run", "outbox", "--at", later, env=env, cwd=tmp_path)
    assert ": sent 1, rescheduled 0" in sent.stdout.splitlines()[0]
    again = trellis("jobs", "run", "outbox", "--at", later, env=env, cwd=tmp_path)
    assert ": sent 0, rescheduled 0" in again.stdout.splitlines()[0]
    assert [call.args["text"] for call in slack.calls("chat.postMessage")] == ["digest", "digest"]
    assert json.loads(row.payload)["text"] == "digest"


def test_jobs_run_refuses_a_time_that_is_not_iso(tmp_path: Path, slack: FakeSlack) -> None:
    result = trellis(
        "jobs", "run", "outbox", "--at", "next friday", env=bot_environment("sqlite://", slack), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "not an ISO 8601 time" in result.stderr


def test_the_worker_sends_what_is_due_and_stops_on_sigterm(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    _queue(db, "from-the-worker")
    env = bot_environment(database_url, slack)
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        (call,) = slack.wait_for("chat.postMessage", timeout=20)
        assert call.args["text"] == "from-the-worker"
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
        worker.stderr.close()


def test_jobs_run_and_export_show_progress_on_a_terminal_and_nothing_in_a_pipe(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    for n in range(30):
        _queue(db, f"nudge-{n}")
    env = bot_environment(database_url, slack)
    code, shown = trellis_on_a_terminal(["jobs", "run", "outbox"], env, tmp_path)
    assert code == 0 and re.search(r"outbox: +\d+%\|", shown), shown
    assert len(slack.calls("chat.postMessage")) == 30
    maya = maya_aiming_for_ic4(db)
    out = tmp_path / "maya.pdf"
    whose = ["export", "packet", "--team", maya.team_id, "--user", maya.slack_user_id]
    export = [*whose, "--format", "pdf", "--out", str(out)]
    code, shown = trellis_on_a_terminal(export, env, tmp_path)
    assert code == 0 and "export pdf" in shown and out.read_bytes().startswith(b"%PDF"), shown
    piped = trellis(*export, env=env, cwd=tmp_path)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    to_stdout = trellis(*whose, "--format", "html", env=env, cwd=tmp_path)
    assert to_stdout.stdout.startswith("<!doctype html>") and to_stdout.stderr == ""
