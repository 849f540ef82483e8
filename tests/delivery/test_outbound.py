"""Notices become outbox rows in one place: keys, payloads and workspaces, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.slack_client import SlackClients
from delivery.dispatcher import Dispatcher
from delivery.kinds import ASK_REMINDER, CHECKIN, PACKET, PICTURE
from delivery.outbound import Outbound
from delivery.senders import uploads
from growth import asks, links, wins
from growth.asks import Draft, Parties
from growth.frameworks.shipped import shipped
from growth.notices import (
    AskBrought,
    AskReminderDue,
    CheckinReminderDue,
    Notice,
    PacketRequested,
    PersonForgotten,
    RoomPost,
    WinWithdrawn,
)
from growth.people import Profile, ensure_person
from growth.visibility import MANAGER, OWNER, Visibility
from growth.wins import Details
from slacksim import FakeSlack
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, Person
from tests.factories import maya_aiming_for_ic4

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OUTBOUND = Outbound(shipped())


def _person(db: Database, user_id: str, *, enterprise_id: str | None = "E0GRID") -> Person:
    with db.session() as session:
        return ensure_person(
            session,
            team_id="T1",
            user_id=user_id,
            enterprise_id=enterprise_id,
            load_profile=lambda: Profile(user_id[2:].title(), "UTC", False, False),
            now=NOW,
        )


def _rows(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def _queue(db: Database, *notices: Notice, now: datetime = NOW) -> list[int]:
    with db.session() as session:
        return OUTBOUND.queue(session, notices, now=now)


def test_a_request_to_confirm_goes_to_the_manager_with_the_orgs_id_and_its_own_key(db: Database) -> None:
    maya, dev = _person(db, "U0MAYA"), _person(db, "U0DEV")
    with db.session() as session:
        asked = links.ask(session, report=maya, manager=dev, now=NOW)
    written = _queue(db, *asked.notices)
    (row,) = _rows(db)
    assert written == [row.id]
    assert (row.team_id, row.enterprise_id, row.key, row.method) == (
        "T1",
        "E0GRID",
        f"link-ask:{asked.link.id}",
        "chat.postMessage",
    )
    payload = json.loads(row.payload)
    assert payload["channel"] == "U0DEV" and "confirm you are their manager" in payload["text"]
    assert [block["type"] for block in payload["blocks"]] == ["section", "actions"]
    assert _queue(db, *asked.notices) == [], "the same intent queued again: nothing new to send"


def test_an_asks_reminder_waits_until_it_is_due_and_its_text_is_composed_when_sent(db: Database) -> None:
    admin, maya, dev = _person(db, "U0ADMIN", enterprise_id=None), _person(db, "U0MAYA"), _person(db, "U0DEV")
    with db.session() as session:
        admin.is_admin = True
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
        ask, _, _ = asks.create(
            session, person=maya, draft=Draft("Decide <!channel>", "Yes"), request_key="k", today=NOW.date(), now=NOW
        )
    found = Parties(ask, maya, dev)
    remind = NOW + timedelta(days=2)
    _queue(db, AskBrought(found, None), AskReminderDue(found, remind))
    brought, reminder = _rows(db)
    assert "Decide &lt;!channel&gt;" in json.loads(brought.payload)["text"], "people's words are escaped"
    assert (reminder.method, reminder.due_at) == (ASK_REMINDER, remind)
    assert json.loads(reminder.payload) == {"ask_id": ask.id}, "composed when sent: it may not be needed then"
    assert [c.key for c in outbox.claim_due(db, now=NOW, limit=10)] == [brought.key], "the reminder waits"
    assert reminder.key in [c.key for c in outbox.claim_due(db, now=remind, limit=10)]


def test_a_packet_goes_to_whoever_asked_and_what_it_shows_is_decided_when_it_is_made(
    db: Database, slack: FakeSlack
) -> None:
    admin, dev = _person(db, "U0ADMIN", enterprise_id=None), _person(db, "U0DEV")
    maya = maya_aiming_for_ic4(db)
    with db.session() as session:
        admin.is_admin = True
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
    _queue(db, PacketRequested(maya, dev, MANAGER, "trigger-1"), PacketRequested(maya, maya, OWNER, "trigger-2"))
    payloads = [(row.method, json.loads(row.payload)) for row in _rows(db)]
    assert [(method, p["to"], p["format"]) for method, p in payloads] == [
        (PACKET, "U0DEV", "md"),
        (PACKET, "U0DEV", "html"),
        (PACKET, "U0DEV", "pdf"),
        (PACKET, "U0MAYA", "md"),
        (PACKET, "U0MAYA", "html"),
        (PACKET, "U0MAYA", "pdf"),
    ]
    with db.session() as session:
        links.end(session, report=maya, now=NOW)  # before the files were made
    clients = SlackClients(slack.api_url)
    dispatcher = Dispatcher(
        db,
        lambda team, enterprise: clients.for_outbox("xoxb-test"),
        clock=lambda: NOW,
        uploads=uploads.makers(db, shipped(), lambda: NOW),
    )
    report = dispatcher.drain()
    assert (report.sent, report.unneeded) == (3, 3), "Maya's own packet goes; Dev is no longer her manager"
    names = sorted(call.args["filename"] for call in slack.calls("files.getUploadURLExternal"))
    assert [name.rpartition(".")[2] for name in names] == ["html", "md", "pdf"]
    assert all(name.startswith("packet-IC4-") for name in names)


def test_withdrawing_a_win_cancels_its_queued_post_and_deletes_the_one_already_sent(db: Database) -> None:
    maya = _person(db, "U0MAYA")
    with db.session() as session:
        sent = outbox.enqueue(
            session,
            team_id="T1",
            key="win-post:7:1",
            method="chat.postMessage",
            payload={"channel": "C1"},
            now=NOW,
            subject="win:7",
        )
        outbox.enqueue(
            session,
            team_id="T1",
            key="win-post:7:2",
            method="chat.postMessage",
            payload={"channel": "C1"},
            now=NOW,
            subject="win:7",
        )
    assert sent is not None
    outbox.mark_sent(db, sent, now=NOW, response={"channel": "C1", "ts": "111.222"})
    _queue(db, WinWithdrawn(maya, 7))
    rows = {row.key: row for row in _rows(db)}
    assert rows["win-post:7:2"].last_error == "withdrawn", "the queued post is never sent"
    delete = rows["win-unpost:7:111.222"]
    assert (delete.method, json.loads(delete.payload)) == ("chat.delete", {"channel": "C1", "ts": "111.222"})


def test_remind_me_tomorrow_is_a_check_in_row_due_tomorrow(db: Database) -> None:
    maya = _person(db, "U0MAYA", enterprise_id=None)
    _queue(db, CheckinReminderDue(maya, 42, NOW + timedelta(days=1)))
    (row,) = _rows(db)
    assert (row.key, row.method, row.enterprise_id) == ("checkin-remind:42:2026-11-24", CHECKIN, None)
    assert json.loads(row.payload) == {"checkin_id": 42, "reminder": True}


def test_a_notice_nobody_turns_into_rows_is_a_mistake_not_a_silent_loss(db: Database) -> None:
    class Unknown(Notice):
        pass

    with pytest.raises(TypeError, match="no outbox rows"):
        _queue(db, Unknown())


def test_a_person_forgotten_takes_their_app_home_pictures_out_of_slack_and_the_queue(db: Database) -> None:
    maya = _person(db, "U0MAYA")
    assert maya.id is not None
    with db.session() as session:
        outbox.enqueue(
            session, team_id="T1", key=f"picture:{maya.id}:readiness:abc", method=PICTURE, payload={}, now=NOW
        )
        outbox.enqueue(session, team_id="T1", key="picture:9999:readiness:abc", method=PICTURE, payload={}, now=NOW)
    _queue(db, PersonForgotten("T1", "E0GRID", "U0MAYA", maya.id, picture_files=["F0READY", "F0TREND"]))
    rows = {row.key: row for row in _rows(db)}
    assert f"picture:{maya.id}:readiness:abc" not in rows, "a picture of theirs still queued is forgotten"
    assert "picture:9999:readiness:abc" in rows, "someone else's stays"
    deletions = sorted(
        (row.method, json.loads(row.payload)["file"]) for row in rows.values() if row.key.startswith("forget-file:")
    )
    assert deletions == [("files.delete", "F0READY"), ("files.delete", "F0TREND")]


def test_a_wins_room_post_is_about_the_win_and_taken_down_with_it(db: Database) -> None:
    maya = _person(db, "U0MAYA")
    with db.session() as session:
        logged = wins.log(
            session,
            person=maya,
            details=Details("Led the <!channel> review", visibility=Visibility.SHARED),
            source="command",
            request_key="r",
            today=NOW.date(),
            now=NOW,
        ).logged
    assert logged.win.id is not None
    (posted,) = _queue(db, RoomPost(maya, 4, "G0ROOM", logged))
    (row,) = _rows(db)
    assert (row.key, row.subject) == (
        f"room-win:{logged.win.id}:{int(NOW.timestamp() * 1000)}:4",
        f"win:{logged.win.id}",
    )
    assert json.loads(row.payload) == {
        "channel": "G0ROOM",
        "text": "🏆 Maya logged a win: Led the &lt;!channel&gt; review",
    }
    outbox.mark_sent(db, posted, now=NOW, response={"channel": "G0ROOM", "ts": "5.6"})
    _queue(db, WinWithdrawn(maya, logged.win.id), now=NOW + timedelta(minutes=1))
    delete = {row.key: row for row in _rows(db)}[f"win-unpost:{logged.win.id}:5.6"]
    assert json.loads(delete.payload) == {"channel": "G0ROOM", "ts": "5.6"}
