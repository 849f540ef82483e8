"""What the hostile-input fuzzing found, one test each, over HTTP into the running bot on both databases:
text PostgreSQL refuses (NUL), ids longer than any Slack id, payloads in shapes Slack never sends, an
action sent outside its modal, and other people's things reached through the win form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlmodel import func, select

from growth.wins import Details, log_win
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Checkin, EventReceipt, Objective, Person, Win, Workspace
from tests.e2e.conftest import RunningBot
from tests.e2e.steps import (
    SE,
    button,
    checkin_for,
    chosen,
    entry_answers,
    eventually,
    set_level,
    text_of,
    then_view,
    thread_reply,
)
from tests.factories import person

NUL = "\x00"


@contextmanager
def no_traceback(bot: RunningBot) -> Iterator[None]:
    """Nothing inside logs a traceback (or anything at ERROR)."""
    before = len(bot.logged())
    yield
    logged = bot.logged()[before:]
    assert "Traceback" not in logged and " ERROR " not in logged, logged[-2000:]


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# -- NUL: PostgreSQL refuses it in text; both databases keep what was typed, without it ----------------


def test_a_win_holding_nul_is_logged_without_it_on_both_databases(
    running_bot: RunningBot, sender: SlackSender, db: Database
) -> None:
    with no_traceback(running_bot):
        answer = sender.command("/win", f"Led the review{NUL} across three teams", user_id="U0MAYA").json()
    assert "Logged." in text_of(answer["blocks"]) and "can't reach its database" not in text_of(answer)
    with db.session() as session:
        assert session.exec(select(Win.text)).one() == "Led the review across three teams"


def test_a_check_in_entry_and_an_objective_holding_nul_are_kept_without_it(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    with no_traceback(running_bot):
        form = then_view(
            slack, "views.open", "checkin", lambda: sender.command("/trellis", "checkin", user_id="U0MAYA")
        )
        values = entry_answers(learned=f"How{NUL} queues back up", operated="", blockers="")
        assert sender.view_submission(user_id="U0MAYA", view=form, values=values).status == 200

        listing = sender.command("/trellis", "roadmap", user_id="U0MAYA").json()
        add = next(b for b in listing["blocks"] if b.get("type") == "actions")["elements"][0]
        action = {"action_id": add["action_id"], "block_id": "b", "type": "button"}
        objective = then_view(
            slack, "views.open", "objective", lambda: sender.block_action(user_id="U0MAYA", action=action)
        )
        competency = objective["blocks"][0]["element"]["initial_option"]
        typed = {
            "objective_competency": {"objective_competency": {"type": "static_select", "selected_option": competency}},
            "objective_title": {"objective_title": {"type": "plain_text_input", "value": f"Lead{NUL} the redesign"}},
        }
        assert sender.view_submission(user_id="U0MAYA", view=objective, values=typed).body == b""
    with db.session() as session:
        assert session.exec(select(Checkin.learned)).one() == "How queues back up"
        assert session.exec(select(Objective.title)).one() == "Lead the redesign"


def test_a_thread_reply_holding_nul_joins_the_entry(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: object
) -> None:
    checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")  # type: ignore[arg-type]
    reply = thread_reply(db, f"Learned{NUL} to say no")
    with no_traceback(running_bot):
        assert sender.event(reply).status == 200
    with db.session() as session:
        assert session.exec(select(Checkin.replies)).one() == "Learned to say no", "kept, not dropped"


# -- ids longer than any Slack id, and payloads in shapes Slack never sends: 400, nothing written -------


def test_ids_longer_than_their_columns_get_400_and_write_nothing(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    long = "X" * 100
    with no_traceback(running_bot):
        assert sender.command("/win", "Led the review", user_id="U" + long).status == 400
        assert (
            SlackSender(sender.url, sender.signing_secret, slack, team_id="T" + long)
            .command("/win", "Led the review", user_id="U0MAYA")
            .status
            == 400
        )
        assert sender.app_home_opened("U0MAYA", event_id="Ev" + long).status == 400
        assert sender.app_home_opened("U" + long).status == 400
        assert sender.command("/win", "Led the review", user_id="U0MAYA", enterprise_id="E" + long).status == 400
    assert (_count(db, Person), _count(db, Workspace), _count(db, Win), _count(db, EventReceipt)) == (0, 0, 0, 0)
    assert slack.calls() == []


def test_payloads_in_shapes_slack_never_sends_get_400(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    click = {"action_id": "win_undo", "block_id": "b", "type": "button", "value": "1"}
    with no_traceback(running_bot):
        assert sender.block_action(user_id="U0MAYA", action=click, user="U0MAYA").status == 400, "user as a string"
        assert sender.block_action(user_id="U0MAYA", action=click, actions=["win_undo", 7]).status == 400
        assert sender.block_action(user_id="U0MAYA", action={**click, "value": 7}).status == 400
        state = {"values": {"win_text": ["not", "Slack's"]}}
        broken = {"id": "V1", "type": "modal", "callback_id": "win", "private_metadata": "{}", "state": state}
        payload = {"type": "view_submission", "user": {"id": "U0MAYA"}, "trigger_id": "1.2.3", "view": broken}
        assert sender.interactive(payload).status == 400
    assert _count(db, Person) == 0 and slack.calls() == []


def test_a_view_submission_without_its_blocks_is_answered_in_the_modal(
    running_bot: RunningBot, sender: SlackSender, db: Database
) -> None:
    bare = {"id": "V0BARE", "type": "modal", "callback_id": "gaps", "private_metadata": "not what it wrote"}
    with no_traceback(running_bot):
        reply = sender.view_submission(user_id="U0MAYA", view=bare, values={})
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "update", "no input to show it on: the modal says it instead"
    assert "nothing was changed" in text_of(answer["view"])


def test_an_action_sent_outside_its_modal_is_refused_plainly(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    whose = {"action_id": "win_for", "type": "static_select", **chosen("U0MAYA")}
    level = {"action_id": "level_current", "type": "static_select", **chosen(f"{SE}/IC3")}
    elsewhere = {"id": "V0OTHER", "type": "modal", "callback_id": "checkin", "private_metadata": ""}
    with no_traceback(running_bot):
        sender.block_action(user_id="U0MAYA", action=whose)  # from a message
        said = slack.wait_for_responses(1)[-1]
        sender.block_action(user_id="U0MAYA", action=level, view=elsewhere)  # from another modal
        told = slack.wait_for("chat.postMessage")[-1].args
    assert "nothing was changed" in said["text"] and said["response_type"] == "ephemeral"
    assert told["channel"] == "U0MAYA" and "nothing was changed" in told["text"]
    assert slack.calls("views.update") == []


# -- the win form: nothing of someone else's, by choosing them or by replaying their trigger -------------


def _ray_with_an_objective(db: Database, slack: FakeSlack) -> None:
    """Ray, whom Maya does not manage, with an open objective of his own."""
    from growth import roadmap

    slack.add_user(slack.team_id, "U0RAY", name="Ray")
    ray = person(db, "U0RAY", team=slack.team_id, now=datetime.now(UTC))
    with db.session() as session:
        roadmap.add(
            session,
            person=ray,
            competency_id="mentoring",
            title="Ray's private objective",
            due_on=None,
            now=datetime.now(UTC),
        )


def test_choosing_someone_you_do_not_manage_in_the_win_form_shows_nothing_of_theirs(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    _ray_with_an_objective(db, slack)
    form = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    whose = {"action_id": "win_for", "block_id": "win_for", "type": "static_select", **chosen("U0RAY")}
    with no_traceback(running_bot):
        sender.block_action(user_id="U0MAYA", view=form, action=whose)
        told = slack.wait_for("chat.postMessage")[-1].args
    assert told["channel"] == "U0MAYA"
    assert told["text"] == "You can log a win for Ray once you are their confirmed manager."
    assert slack.calls("views.update") == []
    assert "Ray's private objective" not in json.dumps([c.args for c in slack.calls()])

    values = {
        "win_for": {"win_for": {"type": "static_select", "selected_option": {"value": "U0RAY"}}},
        "win_text": {"value": {"type": "plain_text_input", "value": "Ray's win, by Maya"}},
    }
    refused = sender.view_submission(user_id="U0MAYA", view=form, values=values).json()
    assert refused["errors"]["win_for"] == "You can log a win for Ray once you are their confirmed manager."
    assert _count(db, Win) == 0


def test_a_replayed_trigger_shows_nothing_of_the_win_it_logged(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    slack.add_user(slack.team_id, "U0RAY", name="Ray")
    ray = person(db, "U0RAY", team=slack.team_id, now=datetime.now(UTC))
    with db.session() as session:
        log_win(
            session,
            person=ray,
            details=Details(text="Ray's private win"),
            source="command",
            request_key="command:77.1.ray",
            today=datetime.now(UTC).date(),
            now=datetime.now(UTC),
        )
    with no_traceback(running_bot):
        answer = sender.command("/win", "Mine, on Ray's trigger", user_id="U0MAYA", trigger_id="77.1.ray").json()
    assert "Ray's private win" not in json.dumps(answer)
    assert answer["text"] == "That request was already used, so nothing was changed. Please try again."
    with db.session() as session:
        assert session.exec(select(Win.text)).all() == ["Ray's private win"]


def test_a_stale_button_after_the_win_is_gone_says_so(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    logged = sender.command("/win", "Led the review", user_id="U0MAYA").json()
    undo = button(logged, "win_undo")
    sender.block_action(user_id="U0MAYA", action={k: undo[k] for k in ("action_id", "block_id", "type", "value")})
    eventually(lambda: _count(db, Win) == 0)
    with no_traceback(running_bot):
        sender.block_action(user_id="U0MAYA", action={k: undo[k] for k in ("action_id", "block_id", "type", "value")})
        said = slack.wait_for_responses(2)[-1]
    assert said["text"] == "That win is gone: it was deleted."


def test_a_messages_button_sent_from_the_app_home_changes_nothing(
    running_bot: RunningBot, sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    logged = sender.command("/win", "Led the review", user_id="U0MAYA").json()
    undo = {k: v for k, v in button(logged, "win_undo").items() if k in ("action_id", "block_id", "type", "value")}
    home = {"id": "V0HOME", "type": "home", "callback_id": "", "private_metadata": ""}
    with no_traceback(running_bot):
        sender.block_action(user_id="U0MAYA", action=undo, view=home)
        told = slack.wait_for("chat.postMessage")[-1].args
    assert told["channel"] == "U0MAYA" and "nothing was changed" in told["text"]
    assert _count(db, Win) == 1
