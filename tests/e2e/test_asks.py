"""Walk-away-with-a-win asks over HTTP against the running bot, on both databases: the whole lifecycle,
who may press what, and the reminder and the follow-up sent exactly once by `trellis jobs run outbox`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Ask, Win
from tests.e2e.steps import (
    ask_values,
    bring,
    button,
    click,
    dm_to,
    link_maya_to_dev,
    next_dm,
    response_to,
    run_job,
    then_view,
)


def test_without_a_confirmed_manager_ask_says_how_to_get_one(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    body = sender.command("/trellis", "ask", user_id="U0MAYA").json()
    assert body["response_type"] == "ephemeral" and "`/trellis manager @name`" in body["text"]
    assert slack.calls("views.open") == []


def test_an_approved_ask_is_followed_up_once_and_its_outcome_becomes_a_walk_away_win(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    link_maya_to_dev(sender, slack)
    form = then_view(slack, "views.open", "ask", lambda: sender.command("/trellis", "ask", user_id="U0MAYA"))
    refused = sender.view_submission(user_id="U0MAYA", view=form, values=ask_values("Move deploys", " ")).json()
    assert refused == {
        "response_action": "errors",
        "errors": {"recommendation": "Bring your recommendation: what you would do, and why."},
    }
    request = bring(sender, slack, ask_values("Move deploys <!channel>", "Tuesdays at 10:00"))
    shown = json.dumps(request)
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "the win is theirs to try" in shown and "yes, a two-way door" in shown

    approve = button(request, "ask_approve")
    only = "Only Maya's confirmed manager can decide this ask."
    assert response_to(slack, lambda: click(sender, "U0SAM", approve))["text"] == only
    assert response_to(slack, lambda: click(sender, "U0MAYA", approve))["text"] == only
    decided = response_to(slack, lambda: click(sender, "U0DEV", approve))
    assert decided["replace_original"] and "Try it out" in json.dumps(decided["blocks"])
    assert "says *try it out*" in next_dm(slack, "U0MAYA", "try it out")["text"]
    stale = response_to(slack, lambda: click(sender, "U0DEV", button(request, "ask_decline")))  # an old button
    assert stale["replace_original"] and "Try it out" in json.dumps(stale["blocks"]) and not slack.views("ask_decline")
    with db.session() as session:
        ask = session.exec(select(Ask)).one()
    assert ask.status == "approved"

    week_later = ask.decided_at + timedelta(days=7, minutes=1)
    assert "sent 0" in run_job("outbox", slack, database_url, tmp_path, ask.decided_at + timedelta(days=6))
    assert "sent 1" in run_job("outbox", slack, database_url, tmp_path, week_later)
    assert "sent 0" in run_job("outbox", slack, database_url, tmp_path, week_later + timedelta(days=1)), "exactly once"
    follow_up = dm_to(slack, "U0MAYA", 0)[-1]
    assert "How did it go?" in follow_up["text"]
    outcome = button(follow_up, "ask_outcome")
    assert response_to(slack, lambda: click(sender, "U0DEV", outcome))["text"].startswith("Only the person who brought")
    logged = response_to(slack, lambda: click(sender, "U0MAYA", outcome))
    assert "Walked away with a win" in logged["text"]
    with db.session() as session:
        (win,) = session.exec(select(Win)).all()
    assert (win.source, win.visibility) == ("wawaw", "shared")


def test_not_this_time_needs_a_note_and_an_undecided_ask_is_reminded_once(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    link_maya_to_dev(sender, slack)
    in_five_days = datetime.now(UTC).date() + timedelta(days=5)
    first = bring(sender, slack, ask_values("Drop the weekly sync", "Async notes", needed_by=in_five_days))
    second = bring(
        sender, slack, ask_values("Adopt the new linter", "Yes, this sprint", needed_by=in_five_days, door="no")
    )

    decline = button(first, "ask_decline")
    note_form = then_view(slack, "views.open", "ask_decline", lambda: click(sender, "U0DEV", decline))
    empty = sender.view_submission(user_id="U0DEV", view=note_form, values={"note": {"ask": {"value": " "}}}).json()
    assert empty["response_action"] == "errors" and "why not" in empty["errors"]["note"]
    reason = {"note": {"ask": {"type": "plain_text_input", "value": "Not before the launch <!here>"}}}
    assert sender.view_submission(user_id="U0DEV", view=note_form, values=reason).status == 200
    told = next_dm(slack, "U0MAYA", "not this time")
    assert "&lt;!here&gt;" in told["text"]

    with db.session() as session:
        statuses = dict(session.exec(select(Ask.decision, Ask.status)).all())
    assert statuses == {"Drop the weekly sync": "declined", "Adopt the new linter": "open"}
    the_day_before = datetime.combine(in_five_days - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    morning = the_day_before + timedelta(hours=15)  # 09:00 in New York, where Dev is, has passed
    assert "sent 1, rescheduled 0, gave up on 0, not needed any more 1" in run_job(
        "outbox", slack, database_url, tmp_path, morning
    ), "only the undecided ask is reminded"
    assert "sent 0" in run_job("outbox", slack, database_url, tmp_path, morning + timedelta(hours=3))
    reminders = [m for m in dm_to(slack, "U0DEV", 0) if m["text"].startswith("Reminder")]
    assert len(reminders) == 1 and "Adopt the new linter" in reminders[0]["text"]
    assert second["blocks"] and "no, a one-way door" in json.dumps(second)


def test_ending_the_link_takes_the_decision_away_at_once(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    link_maya_to_dev(sender, slack)
    request = bring(sender, slack, ask_values("Rewrite the billing job", "Strangle it, step by step"))
    sender.command("/trellis", "manager end", user_id="U0MAYA")
    refused = response_to(slack, lambda: click(sender, "U0DEV", button(request, "ask_approve")))
    assert refused["text"] == "Only Maya's confirmed manager can decide this ask."
    with db.session() as session:
        assert session.exec(select(Ask.status)).one() == "open"
