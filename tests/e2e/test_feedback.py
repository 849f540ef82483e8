"""`/trellis feedback` as a team uses it, over HTTP against the running bot, on both databases: asking,
answering from the DM, reminders and the close on the clock (`trellis jobs run`), and what each person
sees. The anonymity rules are checked on what Slack received, and on the rows the database keeps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from growth.frameworks.shipped import path_of
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackRequest, FeedbackRound, OutboxMessage, Person
from tests.e2e.conftest import bot_environment, trellis
from tests.e2e.steps import (
    SE,
    answer_page,
    button,
    click,
    dm_to,
    link_maya_to_dev,
    next_dm,
    open_modal,
    response_to,
    set_level,
    text_of,
    then_view,
)

PARIS = ZoneInfo("Europe/Paris")
PEERS = {"U0SAM": "Sam", "U0PRIYA": "Priya", "U0RAY": "Ray", "U0ADA": "Ada"}
LARGEST = ["technical-direction", "cross-team-leadership", "mentoring"]  # Maya's self-assessment, below


def _team(sender: SlackSender, slack: FakeSlack, *, assessed: bool = True) -> None:
    """Maya (IC3, heading for IC4, her manager Dev) and four peers; her self-assessment, if `assessed`."""
    for user, name in PEERS.items():
        slack.add_user(slack.team_id, user, name=name)
    link_maya_to_dev(sender, slack)
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    if assessed:
        view = open_modal(sender, slack, "gaps")
        ratings = {"Mentoring": 2, "Technical direction": 1, "Cross-team leadership": 1}
        answer_page(sender, view, ratings, default=4)
        next_dm(slack, "U0MAYA", "Your biggest gaps to IC4")


def _state(view: dict[str, Any]) -> dict[str, Any]:
    """The form's state as Slack sends it untouched: each input's initial value."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if "initial_options" in element:
            state["selected_options"] = element["initial_options"]
        if "initial_option" in element:
            state["selected_option"] = element["initial_option"]
        if "initial_date" in element:
            state["selected_date"] = element["initial_date"]
        if "initial_value" in element:
            state["value"] = element["initial_value"]
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def _asking_form(sender: SlackSender, slack: FakeSlack, user: str = "U0MAYA", text: str = "feedback") -> dict[str, Any]:
    return then_view(slack, "views.open", "feedback_ask", lambda: sender.command("/trellis", text, user_id=user))


def _ask(
    sender: SlackSender,
    view: dict[str, Any],
    people: list[str],
    *,
    user: str = "U0MAYA",
    suggested: list[str] = (),  # type: ignore[assignment]
    named: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """Submit the asking form with `people` chosen (and any `fields` by block id): Trellis's answer."""
    values = _state(view)
    values["people"] = {"fb": {"type": "multi_users_select", "selected_users": people}}
    if "suggested" in values:
        values["suggested"]["fb"]["selected_options"] = [{"value": u} for u in suggested]
    if named:
        values["mode"]["fb"]["selected_option"] = {"value": "named"}
    for block, state in fields.items():
        values[block] = {"fb": state}
    return sender.view_submission(user_id=user, view=view, values=values).json()


def _requests(db: Database) -> dict[str, int]:
    """Each person asked (their Slack id) and their request's id, in the latest round."""
    with db.session() as session:
        round_id = session.exec(select(FeedbackRound.id).order_by(FeedbackRound.id.desc())).first()  # type: ignore[union-attr]
        rows = session.exec(
            select(Person.slack_user_id, FeedbackRequest.id)
            .join(FeedbackRequest, FeedbackRequest.responder_id == Person.id)  # type: ignore[arg-type]
            .where(FeedbackRequest.round_id == round_id)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def _answer_form(
    sender: SlackSender, slack: FakeSlack, user: str, request_id: int, dm: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The answer form `user` opens: from the Give button of the DM `dm` (the message as Slack holds
    it), else from a button elsewhere."""
    if dm is None:
        give = {"action_id": "feedback_give", "block_id": "b", "type": "button", "value": str(request_id)}
        return then_view(slack, "views.open", "feedback_answer", lambda: click(sender, user, give))
    channel = "D" + user[1:]
    held = next(m for m in reversed(slack.posted(channel)) if m["text"] == dm["text"])
    element = button(dm, "feedback_give")
    action = {key: element[key] for key in ("action_id", "block_id", "type", "value")}
    container = {"type": "message", "channel_id": channel, "message_ts": held["ts"]}
    return then_view(
        slack,
        "views.open",
        "feedback_answer",
        lambda: sender.block_action(user_id=user, action=action, container=container),
    )


def _give(
    sender: SlackSender,
    slack: FakeSlack,
    user: str,
    request_id: int,
    choice: str,
    example: str,
    *,
    gap: str = "",
    next_step: str = "",
    dm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`user` opens the form (from the DM `dm`, if given) and answers every competency with `choice`."""
    form = _answer_form(sender, slack, user, request_id, dm)
    values = _state(form)
    for block_id in values:
        if block_id.startswith("rating:"):
            values[block_id]["fb"]["selected_option"] = {"value": choice}
        if block_id.startswith("example:"):
            values[block_id]["fb"]["value"] = example
    values["gap"]["fb"]["value"], values["next"]["fb"]["value"] = gap, next_step
    return sender.view_submission(user_id=user, view=form, values=values).json()


def _round(db: Database) -> FeedbackRound:
    with db.session() as session:
        return session.exec(select(FeedbackRound).order_by(FeedbackRound.id.desc())).first()  # type: ignore[union-attr,return-value]


def _reminder_times(db: Database) -> list[datetime]:
    with db.session() as session:
        keys = session.exec(
            select(OutboxMessage.due_at).where(OutboxMessage.key.startswith("feedback-remind:"))  # type: ignore[attr-defined]
        ).all()
    return sorted(set(keys))


def _run(name: str, slack: FakeSlack, database_url: str, tmp_path: Path, at: datetime) -> str:
    result = trellis(
        "jobs", "run", name, "--at", at.isoformat(), env=bot_environment(database_url, slack), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _posted_to(slack: FakeSlack, user: str) -> list[str]:
    return [message["text"] for message in dm_to(slack, user, 0)]


def _own_action(round_id: int, action_id: str) -> dict[str, Any]:
    return {"action_id": action_id, "block_id": "b", "type": "button", "value": str(round_id)}


def test_an_anonymous_round_of_four_crosses_the_threshold_at_close_and_names_no_one(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    """One declines, one answers late (after the first reminder), two on time: three answers at close."""
    _team(sender, slack)
    form = _asking_form(sender, slack)
    shown = text_of(form)
    assert "IC4 · Senior Software Engineer" in shown and "at least 3 people besides the manager" in shown
    offered = next(b for b in form["blocks"] if b.get("block_id") == "suggested")["element"]["options"]
    assert [o["value"] for o in offered] == ["U0DEV"], "the confirmed manager offered first"
    competencies = next(b for b in form["blocks"] if b.get("block_id") == "competencies")["element"]
    assert [o["value"] for o in competencies["initial_options"]] == LARGEST, "the three largest gaps"
    due = next(b for b in form["blocks"] if b.get("block_id") == "due")["element"]["initial_date"]
    assert date.fromisoformat(due) == datetime.now(PARIS).date() + timedelta(days=7), "a week, where Maya is"

    asked = _ask(sender, form, list(PEERS), fb_note={"type": "plain_text_input", "value": "Thanks <!channel>"})
    assert asked["response_action"] == "update" and "Asked 4 people" in text_of(asked["view"])
    assert "Fewer than" not in text_of(asked["view"])
    maya_before = len(_posted_to(slack, "U0MAYA"))
    requests = _requests(db)
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

    form_for_sam = _answer_form(sender, slack, "U0SAM", requests["U0SAM"])
    hints = text_of(form_for_sam["blocks"])
    assert "IC4 expects: Sets the technical direction" in hints and "Haven't seen it" in hints
    thanks = _give(
        sender,
        slack,
        "U0SAM",
        requests["U0SAM"],
        "sometimes",
        "Led the incident review <!channel>",
        next_step="Own an RFC",
    )
    assert thanks["response_action"] == "update" and "Thank you" in text_of(thanks["view"])
    _give(sender, slack, "U0ADA", requests["U0ADA"], "not_yet", "Rarely speaks up with Payments", gap="Influence")

    sender.app_home_opened(user_id="U0MAYA")
    home = text_of(slack.wait_for_home("U0MAYA", "anonymous answers stay hidden until it closes"))
    assert "4 asked" in home and "feedback_close" not in home, "not enough answered to close: and no count shown"
    early = response_to(slack, lambda: click(sender, "U0MAYA", _own_action(_round(db).id or 0, "feedback_close")))
    assert early["text"].startswith("Not enough answers yet to close it early")

    soon, today = _reminder_times(db)
    printed = _run("outbox", slack, database_url, tmp_path, soon + timedelta(minutes=1))
    assert "sent 1, rescheduled 0, gave up on 0, not needed any more 3" in printed, "answered or declined: skipped"
    reminded = [text for user in PEERS for text in _posted_to(slack, user) if text.startswith("A reminder")]
    assert reminded == [text for text in _posted_to(slack, "U0RAY") if text.startswith("A reminder: two days left.")]
    assert len(reminded) == 1, "only Ray has neither answered nor declined"
    _give(sender, slack, "U0RAY", requests["U0RAY"], "sometimes", "Good at bringing people along")
    _run("outbox", slack, database_url, tmp_path, today + timedelta(minutes=1))
    assert not any("the last day" in text for user in PEERS for text in _posted_to(slack, user)), "answered: no more"
    assert len(_posted_to(slack, "U0MAYA")) == maya_before, "nothing tells Maya that someone answered"

    due_at = _round(db).due_at
    assert "closed 0 feedback rounds" in _run("feedback", slack, database_url, tmp_path, due_at - timedelta(minutes=1))
    assert "closed 1 feedback rounds" in _run("feedback", slack, database_url, tmp_path, due_at + timedelta(minutes=1))
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
    _run("outbox", slack, database_url, tmp_path, today + timedelta(days=3))
    assert sum(text.startswith("A reminder") for user in PEERS for text in _posted_to(slack, user)) == 1

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
    _team(sender, slack)
    _ask(sender, _asking_form(sender, slack), list(PEERS))
    requests = _requests(db)
    click(sender, "U0PRIYA", {**_own_action(requests["U0PRIYA"], "feedback_decline")})
    _give(sender, slack, "U0SAM", requests["U0SAM"], "sometimes", "Led the incident review well")
    _give(sender, slack, "U0ADA", requests["U0ADA"], "not_yet", "Rarely speaks up", gap="Influence")
    round = _round(db)
    _run("feedback", slack, database_url, tmp_path, round.due_at + timedelta(minutes=1))
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
    assert not [t for t in _posted_to(slack, "U0RAY") if t.startswith("A reminder")], "closed first: no reminders"

    extended = response_to(slack, lambda: click(sender, "U0MAYA", button(results, "feedback_extend")))
    assert extended["text"].startswith("Extended by a week")
    assert _round(db).status == "open"
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
    pooled = response_to(slack, lambda: click(sender, "U0SAM", _own_action(requests["U0SAM"], "feedback_give")))
    assert "pooled anonymously" in pooled["text"], "an answer pooled at the first close is not counted twice"


def test_a_named_round_keeps_the_managers_answer_apart_and_an_answer_is_edited_until_close(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    _team(sender, slack)
    asked = _ask(sender, _asking_form(sender, slack), ["U0SAM", "U0DEV"], suggested=["U0DEV"], named=True)
    assert "Asked 2 people" in text_of(asked["view"]), "Dev chosen twice is asked once"
    requests = _requests(db)
    assert "Named: Maya will see your name" in text_of(next_dm(slack, "U0SAM", "asks")["blocks"])
    _give(sender, slack, "U0DEV", requests["U0DEV"], "not_yet", "Needs a bigger scope", gap="Scope")
    first = next_dm(slack, "U0SAM", "asks")
    assert "(Maya's time)" in first["text"], "Sam's clock and Maya's disagree on when the day ends"
    slack.fail("chat.update", status=429, retry_after=30)  # a Friday: Tier 3 is spent
    thanks = _give(sender, slack, "U0SAM", requests["U0SAM"], "sometimes", "First thought", dm=first)
    assert "Thank you" in text_of(thanks["view"]), "the answer is saved and thanked whatever Slack says"
    slack.wait_for("chat.update", 1)
    printed = _run("outbox", slack, database_url, tmp_path, datetime.now(PARIS) + timedelta(seconds=40))
    assert "sent 1" in printed, printed
    updated = slack.wait_for("chat.update", 2)[-1].args
    assert updated["text"].startswith("✅ You gave Maya feedback against IC4") and updated["channel"] == "D0SAM"
    (shown,) = [m for m in slack.posted("D0SAM") if m["text"] == updated["text"]]
    assert shown["blocks"][0]["accessory"]["text"]["text"] == "Change my answer", "the DM itself now says so"
    form = _answer_form(sender, slack, "U0SAM", requests["U0SAM"])
    preset = [b["element"].get("initial_value") for b in form["blocks"] if b.get("block_id", "").startswith("example:")]
    assert "First thought" in preset, "the form opens with the answer given"
    edited = _give(sender, slack, "U0SAM", requests["U0SAM"], "consistently", "Clear design docs")
    assert "Updated" in text_of(edited["view"])
    assert len(slack.calls("chat.update")) == 2, "answered from elsewhere: the DM is left as it was"

    sender.app_home_opened(user_id="U0MAYA")
    home = slack.wait_for_home("U0MAYA", "answered 2 of 2")
    close = button({"blocks": [b for b in home["blocks"] if b["type"] == "actions"]}, "feedback_close")
    sender.block_action(user_id="U0MAYA", view={**home, "type": "home"}, action=close)
    slack.wait_for_home("U0MAYA", "Last results: against IC4, 2 of 2 answered")  # the App Home redrawn
    results = next_dm(slack, "U0MAYA", "Your feedback against IC4")
    assert not [t for t in _posted_to(slack, "U0MAYA") if "went wrong" in t]
    said = text_of(results["blocks"])
    assert "Consistently 1 · Sometimes 0 · Not yet 0" in said, "the manager is not in the spread"
    assert "Clear design docs” — Sam" in said and "First thought" not in said
    assert "Dev, the manager" in said and "Needs a bigger scope" in said
    with db.session() as session:
        assert len(session.exec(select(FeedbackAnswer)).all()) == 2, "the edit replaced Sam's answer"

    assert not [t for t in _posted_to(slack, "U0DEV") if t.startswith("Maya's feedback")], "not before she shares"
    shared = response_to(slack, lambda: click(sender, "U0MAYA", button(results, "feedback_share")))
    assert shared["text"].startswith("Shared with your manager")
    assert (
        next_dm(slack, "U0DEV", "Maya's feedback against IC4")["text"]
        == "Maya's feedback against IC4: 2 of 2 answered."
    )
    prep = text_of(sender.command("/trellis", "1on1 <@U0MAYA|maya>", user_id="U0DEV").json()["blocks"])
    assert "Feedback received" in prep and "2 of 2 answered" in prep


def test_a_manager_starts_a_round_for_a_report_who_alone_sees_the_results(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    _team(sender, slack, assessed=False)
    team = sender.command("/trellis", "team", user_id="U0DEV").json()
    ask = button(team, "feedback_open")
    form = then_view(slack, "views.open", "feedback_ask", lambda: click(sender, "U0DEV", ask))
    assert "where Maya's work already meets" in text_of(form)
    refused = sender.command("/trellis", "feedback <@U0MAYA|maya>", user_id="U0RAY").json()
    assert refused["text"] == "Only Maya or their confirmed manager can ask for feedback on Maya's growth."

    asked = _ask(sender, form, ["U0SAM", "U0PRIYA", "U0RAY"], user="U0DEV")
    assert "Maya sees the answers together" in text_of(asked["view"])
    told = next_dm(slack, "U0MAYA", "asked 3 people for feedback on your growth")
    assert told["text"].startswith("Dev asked 3 people") and "Dev sees them only if you share them" in told["text"]
    assert "(asked by Dev, their manager)" in next_dm(slack, "U0SAM", "asks")["text"]
    requests = _requests(db)
    for user in ("U0SAM", "U0PRIYA", "U0RAY"):
        _give(sender, slack, user, requests[user], "consistently", f"Solid, says {PEERS[user]}")
    _run("feedback", slack, database_url, tmp_path, _round(db).due_at + timedelta(minutes=1))
    assert (
        next_dm(slack, "U0MAYA", "Your feedback against IC4")["text"] == "Your feedback against IC4: 3 of 3 answered."
    )
    assert not [text for text in _posted_to(slack, "U0DEV") if "feedback against IC4:" in text], "not shared"
    see = {"action_id": "feedback_see", "block_id": "b", "type": "button", "value": str(_round(db).id)}
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
    assert "**What others said:**" in exported.stdout and "> “Solid, says Sam”\n" in exported.stdout, "unattributed"
    assert "Solid, says Sam” —" not in exported.stdout


def test_the_managers_digest_lists_the_feedback_waiting_for_their_answer(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    _team(sender, slack, assessed=False)
    _ask(sender, _asking_form(sender, slack), ["U0SAM"], suggested=["U0DEV"])
    monday = datetime.now(ZoneInfo("America/New_York")).date()
    monday += timedelta(days=(7 - monday.weekday()) % 7 or 7)
    at = datetime(monday.year, monday.month, monday.day, 9, 1, tzinfo=ZoneInfo("America/New_York"))
    _run("checkins", slack, database_url, tmp_path, at)
    digest = next_dm(slack, "U0DEV", "digest")
    assert "Maya asks for your feedback" in text_of(digest["blocks"])
    _give(sender, slack, "U0DEV", _requests(db)["U0DEV"], "sometimes", "Solid", dm=digest)
    assert slack.calls("chat.update") == [], "answering from the digest leaves the digest as it was"


def test_bad_input_in_the_asking_form_gets_a_sentence_on_its_field_and_asks_no_one(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    _team(sender, slack, assessed=False)
    slack.add_user(slack.team_id, "U0BOT", name="Deploy bot", is_bot=True)
    slack.add_user(slack.team_id, "U0GONE", name="Gone", deleted=True)
    form = _asking_form(sender, slack)
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
        refused = _ask(sender, form, people, **fields)
        assert refused["response_action"] == "errors" and message in refused["errors"][block], (people, refused)
    with db.session() as session:
        assert session.exec(select(FeedbackRound)).all() == []
    assert not [c for c in slack.calls("chat.postMessage") if c.args["channel"] in {"U0SAM", "U0BOT", "U0GONE"}]

    none_yet = sender.command("/trellis", "feedback", user_id="U0SAM").json()
    assert none_yet["text"].startswith("First tell me your level")


def test_an_empty_or_overlong_answer_is_refused_and_keeps_the_form(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    _team(sender, slack, assessed=False)
    _ask(sender, _asking_form(sender, slack), ["U0SAM"])
    request = _requests(db)["U0SAM"]
    form = _answer_form(sender, slack, "U0SAM", request)
    empty = sender.view_submission(user_id="U0SAM", view=form, values=_state(form)).json()
    ((where, said),) = empty["errors"].items()
    assert where.startswith("rating:") and said == "Choose at least one answer, or write a sentence."
    values = _state(form)
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
    _team(sender, slack, assessed=False)
    _ask(sender, _asking_form(sender, slack), ["U0SAM", "U0PRIYA", "U0RAY"])
    edited = tmp_path / "se.yaml"
    text = path_of(SE).read_text().replace("Leads a cross-team project", "Runs a cross-team programme")
    edited.write_text(text.replace('version: "2026.1"', 'version: "2026.2"'))
    imported = trellis("framework", "import", str(edited), env=bot_environment(database_url, slack), cwd=tmp_path)
    assert imported.returncode == 0 and "2026.2" in imported.stdout, imported.stdout + imported.stderr
    requests = _requests(db)
    form = _answer_form(sender, slack, "U0SAM", requests["U0SAM"])
    assert "Leads a cross-team project" in text_of(form) and "Runs a cross-team programme" not in text_of(form)
    for user in ("U0SAM", "U0PRIYA", "U0RAY"):
        _give(sender, slack, user, requests[user], "sometimes", "ok")
    _run("feedback", slack, database_url, tmp_path, _round(db).due_at + timedelta(minutes=1))
    said = text_of(next_dm(slack, "U0MAYA", "Your feedback against IC4")["blocks"])
    assert "Leads a cross-team project" in said and "Runs a cross-team programme" not in said
