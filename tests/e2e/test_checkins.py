"""The weekly growth thread as people use it, over HTTP against the running bot, on both databases.

The check-in itself is sent the way production sends it: `trellis jobs run checkins --at` at the
person's next slot, in its own process, against the same database and the same Slack fake."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Checkin, CheckinPlan, Win
from tests.e2e.steps import button, checkin_for, chosen, entry_answers, eventually, text_of, then_view


def _replies(db: Database) -> str | None:
    with db.session() as session:
        return session.exec(select(Checkin.replies)).one()


def test_the_check_in_is_answered_in_the_modal_and_the_next_level_answer_becomes_a_win(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    message = checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
    assert message["channel"] == "D0MAYA" and "What I learned" in text_of(message["blocks"])
    write = button(message, "checkin_write")
    form = then_view(slack, "views.open", "checkin", lambda: sender.block_action(user_id="U0MAYA", action=write))
    assert [b.get("block_id") for b in form["blocks"] if b["type"] == "input"][:3] == [
        "checkin_learned",
        "checkin_operated",
        "checkin_blockers",
    ]
    empty = sender.view_submission(user_id="U0MAYA", view=form, values=entry_answers(learned="  ")).json()
    assert empty["response_action"] == "errors" and "at least one" in empty["errors"]["checkin_learned"]

    operated = "Led the design review for the <!channel> billing migration & mentored two engineers"
    values = entry_answers(learned="How queues back up", operated=operated, blockers="")
    assert sender.view_submission(user_id="U0MAYA", view=form, values=values).status == 200
    update = slack.wait_for("chat.update")[-1].args
    assert update["ts"] and "You wrote your growth thread entry" in update["text"]
    saved = slack.wait_for("chat.postMessage", 2)[-1].args
    assert saved["thread_ts"] == update["ts"] and "Saved your growth thread entry" in saved["text"]
    with db.session() as session:
        row = session.exec(select(Checkin)).one()
    assert (row.status, row.learned, row.operated) == ("answered", "How queues back up", operated)

    make_win = button(saved, "checkin_win")
    sender.block_action(user_id="U0DEV", action=make_win)
    refused = slack.wait_for_responses(1)[-1]
    assert refused["text"] == "Only the person whose check-in it is can answer it."
    sender.block_action(user_id="U0MAYA", action=make_win)
    shown = slack.wait_for_responses(2)[-1]
    assert "&lt;!channel&gt;" in text_of(shown) and "<!channel>" not in text_of(shown)
    with db.session() as session:
        (win,) = session.exec(select(Win)).all()
        assert session.exec(select(Checkin.win_id)).one() == win.id
    assert (win.text, win.source, win.visibility) == (operated, "checkin", "shared")


def test_a_reply_in_the_check_in_thread_is_kept_and_acknowledged_once(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    message = checkin_for(sender, slack, db, database_url, tmp_path, "U0MAYA")
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
    eventually(lambda: set((_replies(db) or "").split("\n\n")) == both)  # in the order the workers took them
    acknowledged = slack.wait_for("chat.postMessage", 2)[-1].args
    assert (
        acknowledged["thread_ts"] == row.message_ts
        and "Added to this week's growth thread entry" in acknowledged["text"]
    )
    with db.session() as session:
        row = session.exec(select(Checkin)).one()
    assert row.status == "answered"
    assert len(slack.calls("chat.postMessage")) == 2, "one acknowledgement, nothing for the bot or a non-thread DM"
    assert set((_replies(db) or "").split("\n\n")) == both, "neither the bot's text nor a DM outside the thread"
    assert message["channel"] == row.channel_id


def test_skip_and_remind_me_tomorrow(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    message = checkin_for(sender, slack, db, database_url, tmp_path, "U0DEV")
    sender.block_action(user_id="U0DEV", action=button(message, "checkin_remind"))
    reminded = slack.wait_for_responses(1)[-1]
    assert reminded["replace_original"] and "I'll bring this check-in back tomorrow" in reminded["text"]
    with db.session() as session:
        keys = [row for row in session.exec(select(Checkin)).all()]
        from storage.models import OutboxMessage

        reminder = session.exec(select(OutboxMessage).where(OutboxMessage.key.startswith("checkin-remind:"))).one()  # type: ignore[attr-defined]
    assert reminder.sent_at is None and len(keys) == 1
    sender.block_action(user_id="U0DEV", action=button(message, "checkin_skip"))
    skipped = slack.wait_for_responses(2)[-1]
    assert skipped["text"].startswith("Skipped week")
    sender.block_action(user_id="U0DEV", action=button(message, "checkin_remind"))
    late = slack.wait_for_responses(3)[-1]
    assert late["text"] == "You skipped this week." and late["replace_original"] is False
    with db.session() as session:
        assert session.exec(select(Checkin.status)).one() == "skipped"


def test_history_settings_and_the_app_home(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    form = then_view(slack, "views.open", "checkin", lambda: sender.command("/trellis", "checkin", user_id="U0MAYA"))
    sender.view_submission(user_id="U0MAYA", view=form, values=entry_answers(learned="Pairing beats reviewing"))
    history = sender.command("/trellis", "checkin history", user_id="U0MAYA").json()
    assert history["response_type"] == "ephemeral"
    assert "Pairing beats reviewing" in text_of(history["blocks"]) and "a streak of 1 week" in text_of(
        history["blocks"]
    )
    assert "history" in sender.command("/trellis", "checkin yesterday", user_id="U0MAYA").json()["text"]

    settings = then_view(
        slack, "views.open", "settings", lambda: sender.command("/trellis", "settings", user_id="U0MAYA")
    )
    assert "Fridays at 15:00" in text_of(settings["blocks"]) and "Europe/Paris" in text_of(settings["blocks"])
    values = {
        "checkin_day": {"answer": chosen("0")},
        "checkin_hour": {"answer": chosen("9")},
        "checkin_pause": {"answer": chosen("0")},
        "checkin_options": {"answer": {"type": "checkboxes", "selected_options": [{"value": "share"}]}},
    }
    answer = sender.view_submission(user_id="U0MAYA", view=settings, values=values).json()
    assert answer["response_action"] == "update" and "Mondays at 09:00" in text_of(answer["view"])
    with db.session() as session:
        plan = session.exec(select(CheckinPlan)).one()
    assert (plan.weekday, plan.hour, plan.share, plan.opted_out) == (0, 9, True, False)
    assert plan.next_at is not None and plan.next_at.astimezone().tzinfo is not None

    sender.app_home_opened(user_id="U0MAYA")
    home = slack.wait_for_home("U0MAYA", "Growth thread")
    assert "Mondays at 09:00" in text_of(home) and "Streak: *1* week" in text_of(home)
    assert "Pairing beats reviewing" in text_of(home)
