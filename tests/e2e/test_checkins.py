"""The weekly growth thread as people use it, over HTTP against the running bot, on both databases.

The check-in itself is sent the way production sends it: `trellis jobs run checkins --at` at the
person's next slot, in its own process, against the same database and the same Slack fake."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Checkin, CheckinPlan, Person, Win
from tests.e2e.conftest import bot_environment, trellis
from tests.e2e.test_levels_and_gaps import _select, _text, _then_view


def _checkin_for(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path, user: str
) -> dict[str, Any]:
    """`user` uses Trellis once (and so is enrolled), then their first check-in is sent: its message."""
    sender.command("/trellis", "help", user_id=user)
    with db.session() as session:
        person = session.exec(select(Person).where(Person.slack_user_id == user)).one()
        slot = session.exec(select(CheckinPlan.next_at).where(CheckinPlan.person_id == person.id)).one()
    before = len(slack.calls("chat.postMessage"))
    result = trellis(
        "jobs", "run", "checkins", "--at", slot.isoformat(), env=bot_environment(database_url, slack), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "queued 1 check-ins" in result.stdout, result.stdout + result.stderr
    return slack.wait_for("chat.postMessage", before + 1)[-1].args


def _replies(db: Database) -> str | None:
    with db.session() as session:
        return session.exec(select(Checkin.replies)).one()


def _eventually(check: Any, timeout: float = 10.0) -> None:
    """Events are acknowledged before they are handled: wait for the handling to show."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change never showed"
        time.sleep(0.02)


def _button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id", "")}
    raise AssertionError(f"no {action_id} button in {_text(message)}")


def _answers(**fields: str) -> dict[str, Any]:
    return {f"checkin_{name}": {"answer": {"type": "plain_text_input", "value": text}} for name, text in fields.items()}


def test_the_check_in_is_answered_in_the_modal_and_the_next_level_answer_becomes_a_win(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    message = _checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
    assert message["channel"] == "D0MAYA" and "What I learned" in _text(message["blocks"])
    write = _button(message, "checkin_write")
    form = _then_view(slack, "views.open", "checkin", lambda: sender.block_action(user_id="U0MAYA", action=write))
    assert [b.get("block_id") for b in form["blocks"] if b["type"] == "input"][:3] == [
        "checkin_learned",
        "checkin_operated",
        "checkin_blockers",
    ]
    empty = sender.view_submission(user_id="U0MAYA", view=form, values=_answers(learned="  ")).json()
    assert empty["response_action"] == "errors" and "at least one" in empty["errors"]["checkin_learned"]

    operated = "Led the design review for the <!channel> billing migration & mentored two engineers"
    values = _answers(learned="How queues back up", operated=operated, blockers="")
    assert sender.view_submission(user_id="U0MAYA", view=form, values=values).status == 200
    update = slack.wait_for("chat.update")[-1].args
    assert update["ts"] and "You wrote your growth thread entry" in update["text"]
    saved = slack.wait_for("chat.postMessage", 2)[-1].args
    assert saved["thread_ts"] == update["ts"] and "Saved your growth thread entry" in saved["text"]
    with db.session() as session:
        row = session.exec(select(Checkin)).one()
    assert (row.status, row.learned, row.operated) == ("answered", "How queues back up", operated)

    make_win = _button(saved, "checkin_win")
    sender.block_action(user_id="U0DEV", action=make_win)
    refused = slack.wait_for_responses(1)[-1]
    assert refused["text"] == "Only the person whose check-in it is can answer it."
    sender.block_action(user_id="U0MAYA", action=make_win)
    shown = slack.wait_for_responses(2)[-1]
    assert "&lt;!channel&gt;" in _text(shown) and "<!channel>" not in _text(shown)
    with db.session() as session:
        (win,) = session.exec(select(Win)).all()
        assert session.exec(select(Checkin.win_id)).one() == win.id
    assert (win.text, win.source, win.visibility) == (operated, "checkin", "shared")


def test_a_reply_in_the_check_in_thread_is_kept_and_acknowledged_once(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    message = _checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
    with db.session() as session:
        row = session.exec(select(Checkin)).one()
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": row.channel_id,
        "user": "U0MAYA",
        "thread_ts": row.message_ts,
    }
    sender.event({**event, "text": "Learned to say no to <!here> scope creep", "ts": "1700000001.000100"})
    sender.event({**event, "text": "And to write it down", "ts": "1700000002.000100"})
    sender.event({**event, "user": "U0TRELLISBOT", "bot_id": "B0TRELLIS", "text": "bot", "ts": "1700000003.000100"})
    sender.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": row.channel_id,
            "user": "U0MAYA",
            "text": "hi",
            "ts": "1700000004.000100",
        }
    )
    both = {"Learned to say no to @here scope creep", "And to write it down"}
    _eventually(lambda: set((_replies(db) or "").split("\n\n")) == both)  # in the order the workers took them
    acknowledged = slack.wait_for("chat.postMessage", 2)[-1].args
    assert (
        acknowledged["thread_ts"] == row.message_ts
        and "Added to this week's growth thread entry" in acknowledged["text"]
    )
    with db.session() as session:
        row = session.exec(select(Checkin)).one()
    assert row.status == "answered"
    time.sleep(0.3)  # the bot's own message and the DM outside the thread had time to (not) answer
    assert len(slack.calls("chat.postMessage")) == 2, "one acknowledgement, nothing for the bot or a non-thread DM"
    assert message["channel"] == row.channel_id


def test_skip_and_remind_me_tomorrow(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    message = _checkin_for(sender, slack, db, database_url, tmp_path, "U0DEV")
    sender.block_action(user_id="U0DEV", action=_button(message, "checkin_remind"))
    reminded = slack.wait_for_responses(1)[-1]
    assert reminded["replace_original"] and "I'll bring this check-in back tomorrow" in reminded["text"]
    with db.session() as session:
        keys = [row for row in session.exec(select(Checkin)).all()]
        from storage.models import OutboxMessage

        reminder = session.exec(select(OutboxMessage).where(OutboxMessage.key.startswith("checkin-remind:"))).one()  # type: ignore[attr-defined]
    assert reminder.sent_at is None and len(keys) == 1
    sender.block_action(user_id="U0DEV", action=_button(message, "checkin_skip"))
    skipped = slack.wait_for_responses(2)[-1]
    assert skipped["text"].startswith("Skipped week")
    sender.block_action(user_id="U0DEV", action=_button(message, "checkin_remind"))
    late = slack.wait_for_responses(3)[-1]
    assert late["text"] == "You skipped this week." and late["replace_original"] is False
    with db.session() as session:
        assert session.exec(select(Checkin.status)).one() == "skipped"


def test_history_settings_and_the_app_home(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    form = _then_view(slack, "views.open", "checkin", lambda: sender.command("/trellis", "checkin", user_id="U0MAYA"))
    sender.view_submission(user_id="U0MAYA", view=form, values=_answers(learned="Pairing beats reviewing"))
    history = sender.command("/trellis", "checkin history", user_id="U0MAYA").json()
    assert history["response_type"] == "ephemeral"
    assert "Pairing beats reviewing" in _text(history["blocks"]) and "a streak of 1 week" in _text(history["blocks"])
    assert "history" in sender.command("/trellis", "checkin yesterday", user_id="U0MAYA").json()["text"]

    settings = _then_view(
        slack, "views.open", "settings", lambda: sender.command("/trellis", "settings", user_id="U0MAYA")
    )
    assert "Fridays at 15:00" in _text(settings["blocks"]) and "Europe/Paris" in _text(settings["blocks"])
    values = {
        "checkin_day": {"answer": _select("0")},
        "checkin_hour": {"answer": _select("9")},
        "checkin_pause": {"answer": _select("0")},
        "checkin_options": {"answer": {"type": "checkboxes", "selected_options": [{"value": "share"}]}},
    }
    answer = sender.view_submission(user_id="U0MAYA", view=settings, values=values).json()
    assert answer["response_action"] == "update" and "Mondays at 09:00" in _text(answer["view"])
    with db.session() as session:
        plan = session.exec(select(CheckinPlan)).one()
    assert (plan.weekday, plan.hour, plan.share, plan.opted_out) == (0, 9, True, False)
    assert plan.next_at is not None and plan.next_at.astimezone().tzinfo is not None

    sender.app_home_opened(user_id="U0MAYA")
    home = slack.wait_for_home("U0MAYA", "Growth thread")
    assert "Mondays at 09:00" in _text(home) and "Streak: *1* week" in _text(home)
    assert "Pairing beats reviewing" in _text(home)
