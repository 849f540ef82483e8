"""`/trellis feedback` as a team uses it, over HTTP against the running bot, on both databases: a whole
anonymous round, one with too few answers, a named one; reminders and the close on the clock
(`trellis jobs run`). The anonymity rules are checked on what Slack received and on the database's rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import FeedbackAnswer
from tests.e2e.steps import (
    LARGEST,
    PARIS,
    PEERS,
    answer_form,
    ask_for_feedback,
    asking_form,
    button,
    click,
    feedback_requests,
    feedback_team,
    give_feedback,
    latest_round,
    next_dm,
    posted_to,
    reminder_times,
    response_to,
    round_button,
    run_job,
    text_of,
    then_view,
)


def test_an_anonymous_round_of_four_crosses_the_threshold_at_close_and_names_no_one(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    """One declines, one answers late (after the first reminder), two on time: three answers at close."""
    feedback_team(sender, slack)
    form = asking_form(sender, slack)
    shown = text_of(form)
    assert "IC4 · Senior Software Engineer" in shown and "at least 3 people besides the manager" in shown
    offered = next(b for b in form["blocks"] if b.get("block_id") == "suggested")["element"]["options"]
    assert [o["value"] for o in offered] == ["U0DEV"], "the confirmed manager offered first"
    competencies = next(b for b in form["blocks"] if b.get("block_id") == "competencies")["element"]
    assert [o["value"] for o in competencies["initial_options"]] == LARGEST, "the three largest gaps"
    due = next(b for b in form["blocks"] if b.get("block_id") == "due")["element"]["initial_date"]
    assert date.fromisoformat(due) == datetime.now(PARIS).date() + timedelta(days=7), "a week, where Maya is"

    asked = ask_for_feedback(
        sender, form, list(PEERS), fb_note={"type": "plain_text_input", "value": "Thanks <!channel>"}
    )
    assert asked["response_action"] == "update" and "Asked 4 people" in text_of(asked["view"])
    assert "Fewer than" not in text_of(asked["view"])
    maya_before = len(posted_to(slack, "U0MAYA"))
    requests = feedback_requests(db)
    for user in PEERS:
        dm = next_dm(slack, user, "asks for your feedback")
        assert dm["text"].startswith("Maya asks for your feedback against IC4, by the end of ")
        assert "Anonymous: your answers are pooled" in text_of(dm["blocks"])
        assert "&lt;!channel&gt;" in text_of(dm["blocks"]) and "<!channel>" not in text_of(dm["blocks"])
        assert button(dm, "feedback_give")["value"] == str(requests[user])

    declined = response_to(
        slack, lambda: click(sender, "U0PRIYA", button(next_dm(slack, "U0PRIYA", "asks"), "feedback_decline"))
    )
    assert declined["text"].startswith("Thanks for saying so. You won't be reminded")
    opened = len(slack.calls("views.open"))
    stranger = response_to(
        slack, lambda: click(sender, "U0DEV", button(next_dm(slack, "U0SAM", "asks"), "feedback_give"))
    )
    assert stranger["text"] == "Only the people asked can give this feedback."
    assert len(slack.calls("views.open")) == opened, "no form for someone not asked"

    form_for_sam = answer_form(sender, slack, "U0SAM", requests["U0SAM"])
    hints = text_of(form_for_sam["blocks"])
    assert "IC4 expects: Sets the technical direction" in hints and "Haven't seen it" in hints
    thanks = give_feedback(
        sender,
        slack,
        "U0SAM",
        requests["U0SAM"],
        "sometimes",
        "Led the incident review <!channel>",
        next_step="Own an RFC",
    )
    assert thanks["response_action"] == "update" and "Thank you" in text_of(thanks["view"])
    give_feedback(
        sender, slack, "U0ADA", requests["U0ADA"], "not_yet", "Rarely speaks up with Payments", gap="Influence"
    )

    sender.app_home_opened(user_id="U0MAYA")
    home = text_of(slack.wait_for_home("U0MAYA", "anonymous answers stay hidden until it closes"))
    assert "4 asked" in home and "feedback_close" not in home, "not enough answered to close: and no count shown"
    early = response_to(
        slack, lambda: click(sender, "U0MAYA", round_button(latest_round(db).id or 0, "feedback_close"))
    )
    assert early["text"].startswith("Not enough answers yet to close it early")

    soon, today = reminder_times(db)
    printed = run_job("outbox", slack, database_url, tmp_path, soon + timedelta(minutes=1))
    assert "sent 1, rescheduled 0, gave up on 0, not needed any more 3" in printed, "answered or declined: skipped"
    reminded = [text for user in PEERS for text in posted_to(slack, user) if text.startswith("A reminder")]
    assert reminded == [text for text in posted_to(slack, "U0RAY") if text.startswith("A reminder: two days left.")]
    assert len(reminded) == 1, "only Ray has neither answered nor declined"
    give_feedback(sender, slack, "U0RAY", requests["U0RAY"], "sometimes", "Good at bringing people along")
    run_job("outbox", slack, database_url, tmp_path, today + timedelta(minutes=1))
    assert not any("the last day" in text for user in PEERS for text in posted_to(slack, user)), "answered: no more"
    assert len(posted_to(slack, "U0MAYA")) == maya_before, "nothing tells Maya that someone answered"

    due_at = latest_round(db).due_at
    assert "closed 0 feedback rounds" in run_job(
        "feedback", slack, database_url, tmp_path, due_at - timedelta(minutes=1)
    )
    assert "closed 1 feedback rounds" in run_job(
        "feedback", slack, database_url, tmp_path, due_at + timedelta(minutes=1)
    )
    results = next_dm(slack, "U0MAYA", "Your feedback against IC4")
    assert results["text"] == "Your feedback against IC4: 3 of 4 answered."
    said = text_of(results["blocks"])
    assert "Consistently 0 · Sometimes 2 · Not yet 1 · Haven't seen it 0" in said
    assert "Led the incident review &lt;!channel&gt;" in said and "<!channel>" not in said
    assert "Influence" in said and "Own an RFC" in said and "The largest gap" in said
    assert "Your self-assessment: " in said
    assert not any(name in said for name in PEERS.values()), "never beside a name"
    file_id, png = slack.wait_for_file(lambda name: name.startswith("feedback-IC4-"))
    assert png.startswith(b"\x89PNG") and slack.completion_of(file_id).args["channel_id"] == "D0MAYA"
    with db.session() as session:
        links = {a.request_id for a in session.exec(select(FeedbackAnswer)).all()}
    assert links == {None}, "after the close nothing in the database says whose answer is whose"

    stale = response_to(slack, lambda: click(sender, "U0SAM", button(next_dm(slack, "U0SAM", "asks"), "feedback_give")))
    assert stale["text"].startswith("This feedback round has closed")
    run_job("outbox", slack, database_url, tmp_path, today + timedelta(days=3))
    assert sum(text.startswith("A reminder") for user in PEERS for text in posted_to(slack, user)) == 1

    sender.app_home_opened(user_id="U0MAYA")
    home_view = slack.wait_for_home("U0MAYA", "Last results: against IC4, 3 of 4 answered")
    see = button({"blocks": [b for b in home_view["blocks"] if b["type"] == "actions"]}, "feedback_see")
    seen = then_view(
        slack,
        "views.open",
        "feedback_results",
        lambda: sender.block_action(user_id="U0MAYA", view={**home_view, "type": "home"}, action=see),
    )
    assert "Sometimes 2" in text_of(seen)
    share = button(seen, "feedback_share")
    confirmed = then_view(
        slack, "views.update", "feedback_asked", lambda: sender.block_action(user_id="U0MAYA", view=seen, action=share)
    )
    assert "Shared with your manager" in text_of(confirmed), "a button in a modal answers in the modal"
    assert next_dm(slack, "U0DEV", "Maya's feedback")["text"] == "Maya's feedback against IC4: 3 of 4 answered."
    slack.wait_for("files.completeUploadExternal", 3)  # the gaps chart, then the results' for Maya and for Dev


def test_the_same_round_with_two_answers_shows_nothing_of_them_and_offers_more_time(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    feedback_team(sender, slack)
    ask_for_feedback(sender, asking_form(sender, slack), list(PEERS))
    requests = feedback_requests(db)
    click(sender, "U0PRIYA", {**round_button(requests["U0PRIYA"], "feedback_decline")})
    give_feedback(sender, slack, "U0SAM", requests["U0SAM"], "sometimes", "Led the incident review well")
    give_feedback(sender, slack, "U0ADA", requests["U0ADA"], "not_yet", "Rarely speaks up", gap="Influence")
    round = latest_round(db)
    run_job("feedback", slack, database_url, tmp_path, round.due_at + timedelta(minutes=1))
    results = next_dm(slack, "U0MAYA", "Your feedback against IC4")
    said = text_of(results["blocks"])
    assert "2 answered. Anonymous answers are shown only when at least 3 people answer" in said
    for hidden in (
        "Sometimes 1",
        "Not yet 1",
        "Led the incident review",
        "Rarely speaks up",
        "Influence",
        "Sam",
        "Ada",
    ):
        assert hidden not in said, f"{hidden!r}: not even counts per choice"
    assert not [c for c in slack.calls("files.getUploadURLExternal") if c.args["filename"].startswith("feedback-")]
    assert not [t for t in posted_to(slack, "U0RAY") if t.startswith("A reminder")], "closed first: no reminders"

    extended = response_to(slack, lambda: click(sender, "U0MAYA", button(results, "feedback_extend")))
    assert extended["text"].startswith("Extended by a week")
    assert latest_round(db).status == "open"
    opened = then_view(
        slack, "views.open", "feedback_more", lambda: click(sender, "U0MAYA", button(results, "feedback_add"))
    )
    slack.add_user(slack.team_id, "U0LEE", name="Lee")
    more = sender.view_submission(
        user_id="U0MAYA",
        view=opened,
        values={"people": {"fb": {"type": "multi_users_select", "selected_users": ["U0LEE"]}}},
    ).json()
    assert more["response_action"] == "update" and "Asked 1 person" in text_of(more["view"])
    assert next_dm(slack, "U0LEE", "asks for your feedback")["text"].startswith("Maya asks")
    again = sender.view_submission(
        user_id="U0MAYA",
        view=opened,
        values={"people": {"fb": {"type": "multi_users_select", "selected_users": ["U0SAM"]}}},
    ).json()
    assert again == {"response_action": "errors", "errors": {"people": "They were asked already."}}
    pooled = response_to(slack, lambda: click(sender, "U0SAM", round_button(requests["U0SAM"], "feedback_give")))
    assert "pooled anonymously" in pooled["text"], "an answer pooled at the first close is not counted twice"


def test_a_named_round_keeps_the_managers_answer_apart_and_an_answer_is_edited_until_close(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    feedback_team(sender, slack)
    asked = ask_for_feedback(sender, asking_form(sender, slack), ["U0SAM", "U0DEV"], suggested=["U0DEV"], named=True)
    assert "Asked 2 people" in text_of(asked["view"]), "Dev chosen twice is asked once"
    requests = feedback_requests(db)
    assert "Named: Maya will see your name" in text_of(next_dm(slack, "U0SAM", "asks")["blocks"])
    give_feedback(sender, slack, "U0DEV", requests["U0DEV"], "not_yet", "Needs a bigger scope", gap="Scope")
    first = next_dm(slack, "U0SAM", "asks")
    assert "(Maya's time)" in first["text"], "Sam's clock and Maya's disagree on when the day ends"
    slack.fail("chat.update", status=429, retry_after=30)  # a Friday: Tier 3 is spent
    thanks = give_feedback(sender, slack, "U0SAM", requests["U0SAM"], "sometimes", "First thought", dm=first)
    assert "Thank you" in text_of(thanks["view"]), "the answer is saved and thanked whatever Slack says"
    slack.wait_for("chat.update", 1)
    printed = run_job("outbox", slack, database_url, tmp_path, datetime.now(PARIS) + timedelta(seconds=40))
    assert "sent 1" in printed, printed
    updated = slack.wait_for("chat.update", 2)[-1].args
    assert updated["text"].startswith("✅ You gave Maya feedback against IC4") and updated["channel"] == "D0SAM"
    (shown,) = [m for m in slack.posted("D0SAM") if m["text"] == updated["text"]]
    assert shown["blocks"][0]["accessory"]["text"]["text"] == "Change my answer", "the DM itself now says so"
    form = answer_form(sender, slack, "U0SAM", requests["U0SAM"])
    preset = [b["element"].get("initial_value") for b in form["blocks"] if b.get("block_id", "").startswith("example:")]
    assert "First thought" in preset, "the form opens with the answer given"
    edited = give_feedback(sender, slack, "U0SAM", requests["U0SAM"], "consistently", "Clear design docs")
    assert "Updated" in text_of(edited["view"])
    assert len(slack.calls("chat.update")) == 2, "answered from elsewhere: the DM is left as it was"

    sender.app_home_opened(user_id="U0MAYA")
    home = slack.wait_for_home("U0MAYA", "answered 2 of 2")
    close = button({"blocks": [b for b in home["blocks"] if b["type"] == "actions"]}, "feedback_close")
    sender.block_action(user_id="U0MAYA", view={**home, "type": "home"}, action=close)
    slack.wait_for_home("U0MAYA", "Last results: against IC4, 2 of 2 answered")  # the App Home redrawn
    results = next_dm(slack, "U0MAYA", "Your feedback against IC4")
    assert not [t for t in posted_to(slack, "U0MAYA") if "went wrong" in t]
    said = text_of(results["blocks"])
    assert "Consistently 1 · Sometimes 0 · Not yet 0" in said, "the manager is not in the spread"
    assert "Clear design docs” — Sam" in said and "First thought" not in said
    assert "Dev, the manager" in said and "Needs a bigger scope" in said
    with db.session() as session:
        assert len(session.exec(select(FeedbackAnswer)).all()) == 2, "the edit replaced Sam's answer"

    assert not [t for t in posted_to(slack, "U0DEV") if t.startswith("Maya's feedback")], "not before she shares"
    shared = response_to(slack, lambda: click(sender, "U0MAYA", button(results, "feedback_share")))
    assert shared["text"].startswith("Shared with your manager")
    assert (
        next_dm(slack, "U0DEV", "Maya's feedback against IC4")["text"]
        == "Maya's feedback against IC4: 2 of 2 answered."
    )
    prep = text_of(sender.command("/trellis", "1on1 <@U0MAYA|maya>", user_id="U0DEV").json()["blocks"])
    assert "Feedback received" in prep and "2 of 2 answered" in prep
