"""`/trellis mentor` and the mentorship room over HTTP against the running bot, on both databases."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from growth import roadmap
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import MentorLink, OutboxMessage, Person
from tests.e2e.steps import button, click, dm_to, entry_answers, next_dm, response_to, then_view

NOW = datetime.now(UTC)


def _room_rows(db: Database) -> list[str]:
    """The keys of everything ever queued for mentorship rooms (written with the change that caused it)."""
    with db.session() as session:
        rows = session.exec(select(OutboxMessage.key).where(OutboxMessage.key.startswith("room-"))).all()  # type: ignore[attr-defined]
        return sorted(rows)


def _posted_in(slack: FakeSlack, channel: str, containing: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in slack.posted(channel):
            if containing in message["text"]:
                return message
        time.sleep(0.02)
    raise AssertionError(f"nothing in {channel} containing {containing!r}")


def test_a_mentor_confirms_sees_what_was_chosen_in_a_room_and_the_room_is_archived_at_the_end(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    slack.add_user(slack.team_id, "U0ADA", name="Ada")
    none_yet = sender.command("/trellis", "mentor", user_id="U0MAYA").json()
    assert none_yet["text"].startswith("You have no mentor in Trellis yet.")
    asked = sender.command("/trellis", "mentor <@U0ADA|ada>", user_id="U0MAYA").json()
    assert asked["text"] == "I've asked *Ada* to mentor you. I'll tell you when they answer."
    request = dm_to(slack, "U0ADA", 1)[-1]
    confirm = button(request, "mentor_confirm")
    assert (
        response_to(slack, lambda: click(sender, "U0SAM", confirm))["text"]
        == "Only the person who was asked can answer this."
    )
    assert response_to(slack, lambda: click(sender, "U0ADA", confirm))["text"] == "✅ You are Maya's mentor in Trellis."
    assert "Ada is your mentor now" in next_dm(slack, "U0MAYA", "your mentor now")["text"]

    listing = sender.command("/trellis", "mentor", user_id="U0MAYA").json()
    section = next(b for b in listing["blocks"] if b.get("block_id", "").startswith("mentor:"))
    sees = {
        "action_id": "mentor_sees",
        "block_id": section["block_id"],
        "type": "checkboxes",
        "selected_options": [{"value": "thread"}, {"value": "roadmap"}, {"value": "wins"}],
    }
    response_to(slack, lambda: sender.block_action(user_id="U0MAYA", action=sees))
    forged = response_to(slack, lambda: sender.block_action(user_id="U0ADA", action=sees))
    assert forged["text"] == "Only the person mentored chooses what their mentor sees."
    with db.session() as session:
        assert session.exec(select(MentorLink.sees)).one() == "roadmap,thread,wins"

    room = button(listing, "mentor_room")
    redrawn = response_to(slack, lambda: click(sender, "U0MAYA", room))
    channel = slack.calls("conversations.create")[-1]
    assert channel.args["is_private"] in (True, "true", "1")
    with db.session() as session:
        room_id = session.exec(select(MentorLink.room_channel_id)).one()
    name, members, archived = slack.room(room_id)
    assert name.startswith("mentoring-maya-ada-") and members == {"U0MAYA", "U0ADA"} and not archived
    assert f"<#{room_id}>" in json.dumps(redrawn["blocks"])

    form = then_view(slack, "views.open", "checkin", lambda: sender.command("/trellis", "checkin", user_id="U0MAYA"))
    sender.view_submission(user_id="U0MAYA", view=form, values=entry_answers(learned="Saying no <!here>"))
    posted = _posted_in(slack, room_id, "growth thread")
    assert "Saying no &lt;!here&gt;" in posted["text"] and "<!here>" not in posted["text"]
    form = then_view(slack, "views.open", "checkin", lambda: sender.command("/trellis", "checkin", user_id="U0MAYA"))
    queued = _room_rows(db)
    saved = sender.view_submission(
        user_id="U0MAYA",
        view=form,
        values={
            **entry_answers(learned="Private"),
            "checkin_private": {"answer": {"selected_options": [{"value": "private"}]}},
        },
    )
    assert saved.status == 200  # answered once the entry, and whatever it shares, was committed
    assert _room_rows(db) == queued, "an edit, and private: nothing queued for the room"

    with db.session() as session:
        maya = session.exec(select(Person).where(Person.slack_user_id == "U0MAYA")).one()
        objective = roadmap.add(
            session, person=maya, competency_id="mentoring", title="Mentor a new hire", due_on=None, now=NOW
        ).objective
    started = {"selected_option": {"value": "in_progress", "text": {"type": "plain_text", "text": "x"}}}
    sender.block_action(
        user_id="U0MAYA",
        action={
            "action_id": "objective_status",
            "block_id": f"objective:{objective.id}",
            "type": "static_select",
            **started,
        },
    )
    assert "“Mentor a new hire” is *in progress*" in _posted_in(slack, room_id, "Mentor a new hire")["text"]

    queued = _room_rows(db)
    logged = sender.command("/win", "Private first, then shared", user_id="U0MAYA").json()
    assert _room_rows(db) == queued, "a private win stays private: nothing queued for the room"
    select_visibility = next(
        {**e, "block_id": b["block_id"]}
        for b in logged["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "win_visibility"
    )

    def choose(value: str) -> None:
        option = {"value": value, "text": {"type": "plain_text", "text": value.title()}}
        action = {"action_id": "win_visibility", "block_id": select_visibility["block_id"], "type": "static_select"}
        assert sender.block_action(user_id="U0MAYA", action={**action, "selected_option": option}).status == 200

    choose("shared")
    assert "Maya logged a win: Private first, then shared" in _posted_in(slack, room_id, "Private first")["text"]
    choose("private")
    deadline = time.monotonic() + 10
    while any("Private first" in message["text"] for message in slack.posted(room_id)):
        assert time.monotonic() < deadline, "the mentor still sees a win made private"
        time.sleep(0.02)

    end = button(redrawn, "mentor_end")
    response_to(slack, lambda: click(sender, "U0MAYA", end))
    assert "has ended" in next_dm(slack, "U0ADA", "has ended")["text"]
    deadline = time.monotonic() + 10
    while not slack.room(room_id)[2]:
        assert time.monotonic() < deadline, "the room was never archived"
        time.sleep(0.02)
