"""`/trellis 1on1` over HTTP on both databases: prep for both sides, and marking the 1:1 held."""

from __future__ import annotations

import json

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import OneOnOne, Win
from tests.e2e.steps import button, click, link_maya_to_dev, response_to


def test_both_sides_prepare_the_1on1_from_what_was_shared_and_mark_it_held(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    lonely = sender.command("/trellis", "1on1", user_id="U0MAYA").json()
    assert "no confirmed manager" in lonely["text"]
    link_maya_to_dev(sender, slack)
    sender.command("/win", "Shipped the <!channel> importer", user_id="U0MAYA")
    win_id = db_win_id(db)
    shared = {
        "action_id": "win_visibility",
        "block_id": f"win:{win_id}",
        "type": "static_select",
        "selected_option": {"value": "shared"},
    }
    changed = response_to(slack, lambda: sender.block_action(user_id="U0MAYA", action=shared))
    assert "Shared with my manager" in json.dumps(changed), changed
    sender.command("/win", "Kept this one private", user_id="U0MAYA")

    prep = sender.command("/trellis", "1on1 <@U0MAYA|maya>", user_id="U0DEV").json()
    shown = json.dumps(prep["blocks"])
    assert prep["text"].startswith("1:1 prep: Maya with Dev")
    assert "Shipped the @channel importer" in shown and "<!channel>" not in shown  # words, never a ping
    assert "Kept this one private" not in shown and "Questions to start with" in shown
    assert "Only what they shared with you" in shown
    mine = sender.command("/trellis", "1on1", user_id="U0MAYA").json()
    assert "Shipped the" in json.dumps(mine["blocks"]) and "Only what they shared" not in json.dumps(mine["blocks"])

    refused = sender.command("/trellis", "1on1 <@U0MAYA|maya>", user_id="U0SAM").json()
    assert refused["text"] == "Only their confirmed manager can prepare a 1:1 with them."
    held = response_to(slack, lambda: click(sender, "U0DEV", button(prep, "one_on_one_held")))
    assert held["text"].startswith("✅ Marked as held")
    with db.session() as session:
        assert len(session.exec(select(OneOnOne)).all()) == 1
    after = sender.command("/trellis", "1on1 <@U0MAYA|maya>", user_id="U0DEV").json()
    assert "Shipped the" not in json.dumps(after["blocks"]), "the next period starts at the 1:1"


def db_win_id(db: Database) -> int:
    with db.session() as session:
        return session.exec(select(Win.id)).one()
