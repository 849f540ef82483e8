"""Feedback rounds started by a manager, the digest, bad input in both forms, and a framework imported
while a round is open: over HTTP against the running bot, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from growth.frameworks.shipped import path_of
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackRequest, FeedbackRound
from tests.e2e.conftest import bot_environment, trellis
from tests.e2e.steps import (
    PARIS,
    PEERS,
    SE,
    answer_form,
    ask_for_feedback,
    asking_form,
    button,
    click,
    feedback_requests,
    feedback_team,
    form_state,
    give_feedback,
    latest_round,
    next_dm,
    posted_to,
    response_to,
    run_job,
    text_of,
    then_view,
)


def test_a_manager_starts_a_round_for_a_report_who_alone_sees_the_results(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    feedback_team(sender, slack, assessed=False)
    team = sender.command("/trellis", "team", user_id="U0DEV").json()
    ask = button(team, "feedback_open")
    form = then_view(slack, "views.open", "feedback_ask", lambda: click(sender, "U0DEV", ask))
    assert "where Maya's work already meets" in text_of(form)
    refused = sender.command("/trellis", "feedback <@U0MAYA|maya>", user_id="U0RAY").json()
    assert refused["text"] == "Only Maya or their confirmed manager can ask for feedback on Maya's growth."

    asked = ask_for_feedback(sender, form, ["U0SAM", "U0PRIYA", "U0RAY"], user="U0DEV")
    assert "Maya sees the answers together" in text_of(asked["view"])
    told = next_dm(slack, "U0MAYA", "asked 3 people for feedback on your growth")
    assert told["text"].startswith("Dev asked 3 people") and "Dev sees them only if you share them" in told["text"]
    assert "(asked by Dev, their manager)" in next_dm(slack, "U0SAM", "asks")["text"]
    requests = feedback_requests(db)
    for user in ("U0SAM", "U0PRIYA", "U0RAY"):
        give_feedback(sender, slack, user, requests[user], "consistently", f"Solid, says {PEERS[user]}")
    run_job("feedback", slack, database_url, tmp_path, latest_round(db).due_at + timedelta(minutes=1))
    assert (
        next_dm(slack, "U0MAYA", "Your feedback against IC4")["text"] == "Your feedback against IC4: 3 of 3 answered."
    )
    assert not [text for text in posted_to(slack, "U0DEV") if "feedback against IC4:" in text], "not shared"
    see = {"action_id": "feedback_see", "block_id": "b", "type": "button", "value": str(latest_round(db).id)}
    peek = response_to(slack, lambda: sender.block_action(user_id="U0DEV", action=see))
    assert peek["text"].startswith("Only the person the feedback is about sees its results")

    exported = trellis(
        "export",
        "packet",
        "--team",
        slack.team_id,
        "--user",
        "U0MAYA",
        env=bot_environment(database_url, slack),
        cwd=tmp_path,
    )
    assert "### What others said" in exported.stdout and "> “Solid, says Sam”\n" in exported.stdout, "unattributed"
    assert "Solid, says Sam” —" not in exported.stdout


def test_the_managers_digest_lists_the_feedback_waiting_for_their_answer(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    feedback_team(sender, slack, assessed=False)
    ask_for_feedback(sender, asking_form(sender, slack), ["U0SAM"], suggested=["U0DEV"])
    monday = datetime.now(ZoneInfo("America/New_York")).date()
    monday += timedelta(days=(7 - monday.weekday()) % 7 or 7)
    at = datetime(monday.year, monday.month, monday.day, 9, 1, tzinfo=ZoneInfo("America/New_York"))
    run_job("checkins", slack, database_url, tmp_path, at)
    digest = next_dm(slack, "U0DEV", "digest")
    assert "Maya asks for your feedback" in text_of(digest["blocks"])
    give_feedback(sender, slack, "U0DEV", feedback_requests(db)["U0DEV"], "sometimes", "Solid", dm=digest)
    assert slack.calls("chat.update") == [], "answering from the digest leaves the digest as it was"


def test_bad_input_in_the_asking_form_gets_a_sentence_on_its_field_and_asks_no_one(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    feedback_team(sender, slack, assessed=False)
    slack.add_user(slack.team_id, "U0BOT", name="Deploy bot", is_bot=True)
    slack.add_user(slack.team_id, "U0GONE", name="Gone", deleted=True)
    form = asking_form(sender, slack)
    past = (datetime.now(PARIS).date() - timedelta(days=1)).isoformat()
    for people, fields, block, message in (
        ([], {}, "people", "Choose at least one person to ask."),
        (["U0MAYA"], {}, "people", "leave yourself out"),
        (["U0BOT"], {}, "people", "Deploy bot is an app, not a person"),
        (["U0GONE"], {}, "people", "Gone has left the workspace."),
        (["U0SAM"], {"due": {"type": "datepicker", "selected_date": past}}, "due", "That date has passed."),
        (["U0SAM"], {"fb_note": {"type": "plain_text_input", "value": "x" * 100_000}}, "fb_note", "100,000 characters"),
        (
            ["U0SAM"],
            {"competencies": {"type": "multi_static_select", "selected_options": []}},
            "competencies",
            "at least one",
        ),
    ):
        refused = ask_for_feedback(sender, form, people, **fields)
        assert refused["response_action"] == "errors" and message in refused["errors"][block], (people, refused)
    with db.session() as session:
        assert session.exec(select(FeedbackRound)).all() == []
    assert not [c for c in slack.calls("chat.postMessage") if c.args["channel"] in {"U0SAM", "U0BOT", "U0GONE"}]

    none_yet = sender.command("/trellis", "feedback", user_id="U0SAM").json()
    assert none_yet["text"].startswith("First tell me your level")


def test_an_empty_or_overlong_answer_is_refused_and_keeps_the_form(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    feedback_team(sender, slack, assessed=False)
    ask_for_feedback(sender, asking_form(sender, slack), ["U0SAM"])
    request = feedback_requests(db)["U0SAM"]
    form = answer_form(sender, slack, "U0SAM", request)
    empty = sender.view_submission(user_id="U0SAM", view=form, values=form_state(form)).json()
    ((where, said),) = empty["errors"].items()
    assert where.startswith("rating:") and said == "Choose at least one answer, or write a sentence."
    values = form_state(form)
    values["gap"]["fb"]["value"] = "x" * 100_000
    long = sender.view_submission(user_id="U0SAM", view=form, values=values).json()
    assert long == {
        "response_action": "errors",
        "errors": {"gap": "“The biggest gap” is 100,000 characters; keep it under 2,000."},
    }
    with db.session() as session:
        assert session.exec(select(FeedbackAnswer)).all() == []
        assert session.get(FeedbackRequest, request).status == "asked"  # type: ignore[union-attr]


def test_a_round_asked_before_a_reimport_is_answered_and_shown_against_the_version_it_used(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    feedback_team(sender, slack, assessed=False)
    ask_for_feedback(sender, asking_form(sender, slack), ["U0SAM", "U0PRIYA", "U0RAY"])
    edited = tmp_path / "se.yaml"
    text = path_of(SE).read_text().replace("Leads a cross-team project", "Runs a cross-team programme")
    edited.write_text(text.replace('version: "2026.1"', 'version: "2026.2"'))
    imported = trellis("framework", "import", str(edited), env=bot_environment(database_url, slack), cwd=tmp_path)
    assert imported.returncode == 0 and "2026.2" in imported.stdout, imported.stdout + imported.stderr
    requests = feedback_requests(db)
    form = answer_form(sender, slack, "U0SAM", requests["U0SAM"])
    assert "Leads a cross-team project" in text_of(form) and "Runs a cross-team programme" not in text_of(form)
    for user in ("U0SAM", "U0PRIYA", "U0RAY"):
        give_feedback(sender, slack, user, requests[user], "sometimes", "ok")
    run_job("feedback", slack, database_url, tmp_path, latest_round(db).due_at + timedelta(minutes=1))
    said = text_of(next_dm(slack, "U0MAYA", "Your feedback against IC4")["blocks"])
    assert "Leads a cross-team project" in said and "Runs a cross-team programme" not in said
