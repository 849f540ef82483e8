"""The App Home's pictures and its one-tap confirmations, over HTTP against the fake, on both databases:
a picture is drawn and uploaded when its data changed, never on every opening, and shown through an
image block that references the uploaded Slack file."""

from __future__ import annotations

from typing import Any

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from tests.e2e.steps import SE, answer_page, click, open_modal, set_level, text_of


def _opened(sender: SlackSender, slack: FakeSlack, containing: str) -> dict[str, Any]:
    sender.app_home_opened("U0MAYA")
    return slack.wait_for_home("U0MAYA", containing)


def _images(view: dict[str, Any]) -> dict[str, str]:
    return {b["block_id"]: b["slack_file"]["id"] for b in view["blocks"] if b["type"] == "image"}


def _uploads(slack: FakeSlack, name: str) -> int:
    return sum(1 for call in slack.calls("files.getUploadURLExternal") if call.args["filename"] == name)


def test_the_readiness_strip_is_uploaded_once_per_change_and_shown_from_its_slack_file(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    sender.command("/win", "Led the payments outage review across three teams", user_id="U0MAYA")
    home = _opened(sender, slack, "Tag it")
    assert "picture:readiness" not in text_of(home), "nothing tagged yet: no strip to draw"
    tag = next(b["accessory"] for b in home["blocks"] if b.get("block_id", "").startswith("suggested:"))
    assert tag["text"]["text"] == "Tag it" and tag["action_id"] == "home_win_tag"
    click(sender, "U0MAYA", {**tag, "block_id": "suggested"})  # one tap: tagged, and the strip is drawn
    shown = slack.wait_for_home("U0MAYA", "picture:readiness")
    first = _images(shown)["picture:readiness"]
    assert "Tag it" not in text_of(shown) and "1 win, in 1 of the last 12 weeks" in text_of(shown)
    assert slack.uploaded(first).startswith(b"\x89PNG")
    assert "channel_id" not in slack.completion_of(first).args, "shared in no channel: no message in anyone's DM"
    image = next(b for b in shown["blocks"] if b["type"] == "image")
    assert image["alt_text"].startswith("Wins per week for IC4, the last 12 weeks: Engineering craft: 0 of 12")

    before = len(slack.calls("views.publish"))
    for _ in range(3):  # nothing changed: no drawing, no upload
        again = _opened(sender, slack, "picture:readiness")
    slack.wait_for("views.publish", before + 3)
    assert _images(again)["picture:readiness"] == first and _uploads(slack, "readiness.png") == 1

    sender.command("/win", "Mentored two engineers through on-call", user_id="U0MAYA")
    home = _opened(sender, slack, "Mentored two engineers")
    tag = next(b["accessory"] for b in home["blocks"] if b.get("block_id", "").startswith("suggested:"))
    click(sender, "U0MAYA", {**tag, "block_id": "suggested"})
    slack.wait_for("files.delete")
    newer = _images(slack.wait_for_home("U0MAYA", "Mentoring: 1 win"))
    assert newer["picture:readiness"] != first and _uploads(slack, "readiness.png") == 2
    assert slack.deleted(first), "the replaced picture is deleted from Slack"


def test_the_gap_trend_appears_from_the_second_assessment(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    for n, rating in enumerate((1, 3), start=1):
        answer_page(sender, open_modal(sender, slack, "gaps"), {"Mentoring": rating})
        slack.wait_for("chat.postMessage", n)
    home = slack.wait_for_home("U0MAYA", "picture:gap-trend")
    image = next(b for b in home["blocks"] if b.get("block_id") == "picture:gap-trend")
    assert image["title"]["text"] == "Your gap to IC4, assessment by assessment"
    assert image["alt_text"].startswith("The gap to IC4 across 2 self-assessments: 1. ")


def test_slack_refusing_a_picture_still_shows_the_home(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    sender.command("/win", "Led the payments outage review across three teams", user_id="U0MAYA")
    home = _opened(sender, slack, "Tag it")
    tag = next(b["accessory"] for b in home["blocks"] if b.get("block_id", "").startswith("suggested:"))
    click(sender, "U0MAYA", {**tag, "block_id": "suggested"})
    file_id = _images(slack.wait_for_home("U0MAYA", "picture:readiness"))["picture:readiness"]
    slack.delete_file(file_id)  # someone deleted it in Slack meanwhile
    before = len(slack.calls("views.publish"))
    sender.app_home_opened("U0MAYA")
    published = slack.wait_for("views.publish", before + 2)[-1]
    assert "picture:" not in text_of(published.args["view"]) and "Evidence for IC4" in text_of(published.args["view"])
