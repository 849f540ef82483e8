"""`/trellis team` and the manager's App Home section, over HTTP on both databases."""

from __future__ import annotations

import json

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Ask
from tests.e2e.steps import ask_values, bring, link_maya_to_dev, next_dm


def test_a_manager_sees_the_team_and_decides_an_ask_from_the_app_home(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    nobody = sender.command("/trellis", "team", user_id="U0DEV").json()
    assert nobody["text"].startswith("No one has confirmed you as their manager yet.")
    link_maya_to_dev(sender, slack)
    bring(sender, slack, ask_values("Adopt trunk-based <!channel> development", "Yes, from next sprint"))

    team = sender.command("/trellis", "team", user_id="U0DEV").json()
    listing = json.dumps(team["blocks"])
    assert team["response_type"] == "ephemeral" and "*Maya*" in listing and "1 open ask" in listing
    assert "wins this month: 0" in listing and "last check-in: none yet" in listing
    assert sender.command("/trellis", "team", user_id="U0MAYA").json()["text"].startswith("No one has confirmed")

    sender.app_home_opened(user_id="U0DEV")
    home = slack.wait_for_home("U0DEV", "Your team")
    shown = json.dumps(home)
    assert "Adopt trunk-based &lt;!channel&gt; development" in shown and "<!channel>" not in shown
    actions = next(b for b in home["blocks"] if b.get("block_id", "").startswith("ask:"))
    approve = next(e for e in actions["elements"] if e["action_id"] == "ask_approve")
    view = {**home, "type": "home"}
    sender.block_action(
        user_id="U0DEV",
        view=view,
        action={
            "action_id": "ask_approve",
            "block_id": actions["block_id"],
            "type": "button",
            "value": approve["value"],
        },
    )
    redrawn = slack.wait_for_home("U0DEV", "No asks waiting for you.")
    assert "Your team" in json.dumps(redrawn)
    assert "says *try it out*" in next_dm(slack, "U0MAYA", "try it out")["text"]
    with db.session() as session:
        assert session.exec(select(Ask.status)).one() == "approved"


def test_the_app_home_of_someone_without_reports_has_no_team_section(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    sender.app_home_opened(user_id="U0MAYA")
    home = slack.wait_for_home("U0MAYA", "Growth thread")
    assert "Your team" not in json.dumps(home)


def test_a_refused_click_on_the_app_home_is_told_in_a_dm(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    link_maya_to_dev(sender, slack)
    bring(sender, slack, ask_values("Adopt trunk-based development", "Yes"))
    sender.app_home_opened(user_id="U0DEV")
    home = slack.wait_for_home("U0DEV", "Your team")
    actions = next(b for b in home["blocks"] if b.get("block_id", "").startswith("ask:"))
    approve = next(e for e in actions["elements"] if e["action_id"] == "ask_approve")
    assert "has ended" in sender.command("/trellis", "manager end", user_id="U0MAYA").json()["text"]
    sender.block_action(
        user_id="U0DEV",
        view={**home, "type": "home"},
        action={
            "action_id": "ask_approve",
            "block_id": actions["block_id"],
            "type": "button",
            "value": approve["value"],
        },
    )
    refused = next_dm(slack, "U0DEV", "confirmed manager can decide")
    assert refused["text"] == "Only Maya's confirmed manager can decide this ask.", "the App Home has no response_url"
    with db.session() as session:
        assert session.exec(select(Ask.status)).one() == "open"
