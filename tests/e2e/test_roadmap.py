"""`/trellis roadmap`, and objectives in wins, the packet and the App Home, over HTTP on both databases."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Objective, Win
from tests.e2e.steps import SE, answer_page, open_modal, set_level, text_of, then_view


def _assessed(sender: SlackSender, slack: FakeSlack) -> None:
    """Maya at IC3 aiming for IC4, with technical direction, cross-team leadership and mentoring as gaps."""
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    ratings = {"Mentoring": 2, "Technical direction": 1, "Cross-team leadership": 1}
    answer_page(sender, open_modal(sender, slack, "gaps"), ratings, default=4)
    slack.wait_for("chat.postMessage")


def _add_button(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    block = next(b for b in blocks if b["type"] == "actions")
    return {**block["elements"][0], "block_id": block.get("block_id", "actions")}


def test_without_a_level_the_roadmap_walks_to_level_first(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    body = sender.command("/trellis", "roadmap", user_id="U0MAYA").json()
    assert body["text"] == "First tell me your level and where you are heading: `/trellis level`."


def test_an_objective_starts_from_a_suggestion_for_the_largest_gap(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    _assessed(sender, slack)
    listing = sender.command("/trellis", "roadmap", user_id="U0MAYA").json()
    assert "No objectives yet." in text_of(listing["blocks"])
    add = _add_button(listing["blocks"])
    action = {"action_id": add["action_id"], "block_id": add["block_id"], "type": "button"}
    form = then_view(slack, "views.open", "objective", lambda: sender.block_action(user_id="U0MAYA", action=action))
    competency = form["blocks"][0]["element"]
    assert competency["initial_option"]["value"] == "technical-direction", "the largest gap comes first"
    ideas = form["blocks"][1]["element"]["options"]
    assert ideas[0]["text"]["text"].startswith("Technical direction: Write your team's one-year technical")

    nothing = {
        "objective_competency": {
            "objective_competency": {"type": "static_select", "selected_option": competency["initial_option"]}
        }
    }
    refused = sender.view_submission(user_id="U0MAYA", view=form, values=nothing).json()
    assert refused["errors"]["objective_title"].startswith("Name the objective")

    values = {
        **nothing,
        "objective_suggestion": {"objective_suggestion": {"type": "static_select", "selected_option": ideas[0]}},
        "objective_due": {"objective_due": {"type": "datepicker", "selected_date": "2027-02-26"}},
    }
    assert sender.view_submission(user_id="U0MAYA", view=form, values=values).body == b""
    with db.session() as session:
        (objective,) = session.exec(select(Objective)).all()
        assert objective.title.startswith("Write your team's one-year technical roadmap")
        assert (objective.competency_id, objective.status, objective.due_on.isoformat()) == (
            "technical-direction",
            "planned",
            "2027-02-26",
        )
    redrawn = slack.wait_for_responses(1)[-1]
    assert redrawn["replace_original"] is True
    assert "Technical direction · due 26 Feb 2027" in text_of(redrawn["blocks"])

    status = next(b for b in redrawn["blocks"] if b.get("block_id", "").startswith("objective:"))
    done = {"value": "done", "text": {"type": "plain_text", "text": "Done"}}
    change = {
        "action_id": "objective_status",
        "block_id": status["block_id"],
        "type": "static_select",
        "selected_option": done,
    }
    sender.block_action(user_id="U0DEV", action=change)
    assert slack.wait_for_responses(2)[-1]["text"] == "Only the person whose roadmap it is can change it."
    sender.block_action(user_id="U0MAYA", action=change)
    slack.wait_for_responses(3)
    with db.session() as session:
        assert session.exec(select(Objective)).one().status == "done"


def test_a_win_moves_an_objective_forward_and_the_packet_and_home_show_the_roadmap(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    _assessed(sender, slack)
    listing = sender.command("/trellis", "roadmap", user_id="U0MAYA").json()
    add = _add_button(listing["blocks"])
    action = {"action_id": add["action_id"], "block_id": add["block_id"], "type": "button"}
    form = then_view(slack, "views.open", "objective", lambda: sender.block_action(user_id="U0MAYA", action=action))
    first = form["blocks"][0]["element"]["initial_option"]
    values = {
        "objective_competency": {"objective_competency": {"type": "static_select", "selected_option": first}},
        "objective_title": {"objective_title": {"type": "plain_text_input", "value": "Lead the Q1 on-call redesign"}},
        "objective_due": {"objective_due": {"type": "datepicker", "selected_date": "2027-02-26"}},
    }
    sender.view_submission(user_id="U0MAYA", view=form, values=values)

    win_form = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    picker = next(block for block in win_form["blocks"] if block["block_id"] == "win_objective")
    (option,) = picker["element"]["options"]
    assert option["text"]["text"] == "Lead the Q1 on-call redesign"
    win_values = {
        "win_text": {"value": {"type": "plain_text_input", "value": "Ran the first redesign workshop"}},
        "win_objective": {"value": {"type": "static_select", "selected_option": option}},
        "win_visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "private"}}},
    }
    sender.view_submission(user_id="U0MAYA", view=win_form, values=win_values)
    with db.session() as session:
        win = session.exec(select(Win)).one()
        assert win.objective_id == session.exec(select(Objective)).one().id

    sender.command("/trellis", "packet", user_id="U0MAYA")
    _, content = slack.wait_for_file(lambda name: name.startswith("packet-IC4-") and name.endswith(".md"))
    markdown = content.decode()
    assert "## Roadmap\n\n- Lead the Q1 on-call redesign (Technical direction): Planned, due 2027-02-26" in markdown
    sender.app_home_opened("U0MAYA")
    slack.wait_for_home("U0MAYA", "*Roadmap*: 0 of 1 done · next due: Lead the Q1 on-call redesign (26 Feb)")
