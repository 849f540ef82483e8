"""A person's own data over real HTTP: Export my data (a JSON file in the DM, through the outbox and files
v2), Delete my data (with a confirmation), and the same for someone who left, from the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Ask, Person, Win
from tests.e2e.conftest import RunningBot, bot_environment, trellis
from tests.e2e.steps import (
    ask_values,
    bring,
    button,
    click,
    eventually,
    link_maya_to_dev,
    response_to,
    text_of,
    then_view,
)

GROWTH = "C0GROWTH"


def _settings(sender: SlackSender, slack: FakeSlack, user: str = "U0MAYA") -> dict[str, Any]:
    return then_view(slack, "views.open", "settings", lambda: sender.command("/trellis", "settings", user_id=user))


def _in_view(sender: SlackSender, view: dict[str, Any], action_id: str, user: str = "U0MAYA") -> None:
    element = button(view, action_id)
    action = {key: element[key] for key in ("action_id", "block_id", "type", "value")}
    sender.block_action(user_id=user, view=view, action=action)


def _public_win(sender: SlackSender, slack: FakeSlack) -> None:
    slack.add_user(slack.team_id, "U0ADA", name="Ada", is_admin=True)
    channel = {"growth_channel": {"growth_channel": {"type": "channels_select", "selected_channel": GROWTH}}}
    sender.view_submission(user_id="U0ADA", view=_settings(sender, slack, "U0ADA"), values=channel)
    form = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    values = {
        "win_text": {"value": {"type": "plain_text_input", "value": "Led the outage review"}},
        "win_visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "public"}}},
    }
    sender.view_submission(user_id="U0MAYA", view=form, values=values)
    eventually(lambda: slack.posted(GROWTH))


def test_export_my_data_sends_a_json_file_of_everything_to_the_dm(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    link_maya_to_dev(sender, slack)
    bring(sender, slack, ask_values("Move the freeze", "Friday noon"))
    sender.command("/win", "Paired with Priya on the flaky test", user_id="U0MAYA")
    view = _settings(sender, slack)
    assert button(view, "data_delete")["style"] == "danger"
    pushed = then_view(slack, "views.push", "data_exported", lambda: _in_view(sender, view, "data_export"))
    assert "on its way to your DM" in text_of(pushed)
    file_id, content = slack.wait_for_file(lambda name: name.startswith("trellis-data-") and name.endswith(".json"))
    assert slack.completion_of(file_id).args["channel_id"] == "D0MAYA"
    data = json.loads(content)
    assert data["person"]["slack_user_id"] == "U0MAYA"
    assert [win["text"] for win in data["wins"]] == ["Paired with Priya on the flaky test"]
    assert data["asks"][0]["decision"] == "Move the freeze" and data["links"]["my_managers"][0]["who"] == "Dev"


def test_delete_my_data_asks_first_then_deletes_takes_posts_down_and_tells_the_asks_manager(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    link_maya_to_dev(sender, slack)
    request = bring(sender, slack, ask_values("Move the freeze", "Friday noon"))
    _public_win(sender, slack)
    view = _settings(sender, slack)
    confirm = then_view(slack, "views.push", "data_delete", lambda: _in_view(sender, view, "data_delete"))
    assert confirm["submit"]["text"] == "Delete it all" and "What stays for others" in text_of(confirm)
    with db.session() as session:
        assert session.exec(select(Win)).all(), "nothing is deleted before the confirmation"

    forged = sender.view_submission(user_id="U0DEV", view=confirm, values={}).json()
    assert forged["response_action"] == "update" and "opened by someone else" in text_of(forged["view"])
    with db.session() as session:
        assert session.exec(select(Person).where(Person.slack_user_id == "U0MAYA")).first() is not None

    answers: list[Any] = []
    submit = lambda: answers.append(sender.view_submission(user_id="U0MAYA", view=confirm, values={}).json())  # noqa: E731
    done = then_view(slack, "views.update", "data_deleted", submit)
    assert answers[0]["response_action"] == "update" and "Deleting everything" in text_of(answers[0]["view"])
    assert "Trellis deleted everything it held about you" in text_of(done) and done["clear_on_close"] is True
    assert slack.calls("views.update")[-1].args["view_id"] == confirm["id"]
    home = slack.wait_for_home("U0MAYA", "You deleted your Trellis data")
    assert "Led the outage review" not in text_of(home)
    (deleted,) = slack.wait_for("chat.delete")
    assert deleted.args["channel"] == GROWTH, "the public win came down from the growth channel"
    updated = next(c for c in slack.wait_for("chat.update") if "withdrawn" in c.args["text"])
    assert "Move the freeze" not in text_of(updated.args)
    with db.session() as session:
        assert session.exec(select(Win)).all() == []
        assert session.exec(select(Person).where(Person.slack_user_id == "U0MAYA")).first() is None
        (ask,) = session.exec(select(Ask)).all()
        assert ask.status == "withdrawn" and ask.decision == ""
    late = response_to(slack, lambda: click(sender, "U0DEV", button(request, "ask_approve")))
    assert late["text"] == "This ask was withdrawn: the person who brought it deleted their Trellis data."


def test_an_admin_exports_and_deletes_the_data_of_someone_who_left(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    sender.command("/win", "Wrote the runbook", user_id="U0MAYA")
    env = bot_environment(database_url, slack)
    nobody = trellis("person", "export", "--user", "U0NOBODY", env=env, cwd=tmp_path)
    assert nobody.returncode == 2
    assert "U0NOBODY is not someone Trellis holds data about in workspace T0TRELLIS" in nobody.stderr
    exported = trellis("person", "export", "--user", "U0MAYA", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["wins"][0]["text"] == "Wrote the runbook"
    kept = trellis("person", "delete", "--user", "U0MAYA", env=env, cwd=tmp_path, typed="yes\n")
    assert kept.returncode == 1 and "nothing deleted" in kept.stderr
    gone = trellis("person", "delete", "--user", "U0MAYA", "--team", "T0TRELLIS", "--yes", env=env, cwd=tmp_path)
    assert gone.returncode == 0, gone.stderr
    assert "deleted U0MAYA in T0TRELLIS: 1 wins" in gone.stdout
    with db.session() as session:
        assert session.exec(select(Win)).all() == []
    again = trellis("person", "export", "--user", "U0MAYA", env=env, cwd=tmp_path)
    assert again.returncode == 2, "nothing is left of them"


def test_garbled_or_replayed_data_requests_get_an_answer_and_delete_nothing(
    sender: SlackSender, slack: FakeSlack, db: Database, running_bot: RunningBot
) -> None:
    sender.command("/win", "Still here", user_id="U0MAYA")
    view = _settings(sender, slack)
    logged = len(running_bot.logged())
    untriggered = {
        "type": "block_actions",
        "user": {"id": "U0MAYA", "username": "u0maya", "team_id": slack.team_id},
        "view": {**view, "state": {"values": {}}},
        "actions": [{**button(view, "data_export"), "action_ts": "1.2"}, "not an action"],
    }
    assert sender.interactive(untriggered).status == 400, "Slack never sends a click without its trigger_id"
    garbled = {**untriggered, "trigger_id": "1.2.3"}
    assert sender.interactive(garbled).status == 400, "nor an action that is not an object"
    clicked = {**garbled, "actions": garbled["actions"][:1]}
    assert sender.interactive(clicked).status == 200
    slack.wait_for_file(lambda name: name.startswith("trellis-data-"))
    assert (
        sender.interactive({**clicked, "actions": [{**button(view, "data_delete"), "action_ts": "1.3"}]}).status == 200
    )
    confirm = {"id": "V0FAKE", "type": "modal", "callback_id": "data_delete"}
    garbled_metadata = {**confirm, "private_metadata": {"user": "U0MAYA"}}
    assert sender.view_submission(user_id="U0MAYA", view=garbled_metadata, values={}).status == 400
    for metadata in (None, "U0DEV", "x" * 100_000):
        answer = sender.view_submission(user_id="U0MAYA", view={**confirm, "private_metadata": metadata}, values={})
        assert answer.status == 200 and "nothing was deleted" in answer.text
    teamless = {"type": "event_callback", "event_id": "Ev0NOTEAM", "event": {"type": "app_uninstalled"}}
    assert sender.post(json.dumps(teamless).encode(), "application/json").status == 200
    with db.session() as session:
        assert [win.text for win in session.exec(select(Win)).all()] == ["Still here"]
    assert "Traceback" not in running_bot.logged()[logged:]
