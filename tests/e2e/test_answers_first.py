"""A person's answer never waits for another person's message.

A request sends, after its answer, only the outbox rows its own transaction wrote; the workspace's
backlog is the worker's. Measured before this rule: with 80 DMs left due after Slack answered 500 for
a while, a change of a win's visibility took 9.9 s to answer (Slack allows 3 s)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from growth.workspaces import set_growth_channel
from slacksim import FakeSlack, SlackSender
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, Person
from tests.e2e.steps import button, eventually
from tests.factories import person

BACKLOG = 80
GROWTH = "C0GROWTH"


def _attempted(db: Database, prefix: str) -> list[int]:
    with db.session() as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix))).all()  # type: ignore[attr-defined]
        return [row.attempts for row in rows]


def test_a_visibility_change_is_answered_and_sends_its_own_post_while_a_backlog_waits(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    logged = sender.command("/win", "Ran the incident review", user_id="U0MAYA").json()
    admin = person(db, "U0ADMIN", team=slack.team_id, admin=True)
    now = datetime.now(UTC)
    with db.session() as session:
        set_growth_channel(session, person=admin, channel_id=GROWTH, now=now)
        for n in range(BACKLOG):  # due DMs to other people, left over from a while of Slack answering 500
            payload = {"channel": f"U0PEER{n:03d}", "text": f"your check-in {n}"}
            outbox.enqueue(
                session, team_id=slack.team_id, key=f"backlog:{n}", method="chat.postMessage", payload=payload, now=now
            )
    slack.fail("chat.postMessage", status=500, times=None)  # Slack is still failing

    visibility = button(logged, "win_visibility")
    public = {"value": "public", "text": {"type": "plain_text", "text": "Public"}}
    sender.block_action(
        user_id="U0MAYA",
        action={"action_id": "win_visibility", "block_id": visibility["block_id"], "type": "static_select"}
        | {"selected_option": public},
    )
    redrawn = slack.wait_for_response("Ran the incident review")
    assert "Public: posted in the growth channel" in str(redrawn["blocks"]), "Maya sees her change at once"

    eventually(lambda: _attempted(db, "win-post:") == [1])  # her own post, tried once after her answer
    assert _attempted(db, "backlog:") == [0] * BACKLOG, "nobody else's message was tried in her request"
    posts = [call.args["channel"] for call in slack.calls("chat.postMessage")]
    assert posts == [GROWTH], "the only post Slack saw was the win's own"
    with db.session() as session:
        maya = session.exec(select(Person).where(Person.slack_user_id == "U0MAYA")).one()
        assert outbox.pending_count(session, team_id=maya.team_id) == BACKLOG + 1, "all of it left to the worker"
