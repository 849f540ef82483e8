"""`/trellis manager` over HTTP against the fake, on both databases."""

from __future__ import annotations

import json

from sqlmodel import select

from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Person, Win
from tests.e2e.steps import SE, button, click, dm_to, link_maya_to_dev, set_level, then_view


def test_maya_asks_dev_who_confirms_and_a_second_click_changes_nothing(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    asked = sender.command("/trellis", "manager <@U0DEV|dev>", user_id="U0MAYA").json()
    assert asked["text"] == "I've asked *Dev* to confirm. I'll tell you in a DM when they answer."
    (request,) = dm_to(slack, "U0DEV")
    assert request["text"] == "Maya asks you to confirm you are their manager in Trellis."
    confirm = button(request, "link_confirm")

    click(sender, "U0SAM", confirm)  # someone else presses the button
    assert slack.wait_for_responses(1)[-1]["text"] == "Only the person who was asked can answer this."

    click(sender, "U0DEV", confirm)
    assert slack.wait_for_responses(2)[-1]["text"].startswith("✅ You confirmed you manage Maya.")
    (told,) = dm_to(slack, "U0MAYA", 2)
    assert told["text"] == "✅ Dev confirmed: they are your manager in Trellis."

    click(sender, "U0DEV", button(request, "link_decline"))  # last week's button, pressed again
    assert slack.wait_for_responses(3)[-1]["text"].startswith("✅ You confirmed you manage Maya.")
    assert len(dm_to(slack, "U0MAYA", 2)) == 1, "the report is told once"
    status = sender.command("/trellis", "manager", user_id="U0MAYA").json()["text"]
    assert status.startswith("Your manager in Trellis: *Dev* (confirmed).")


def test_not_me_declines_and_the_report_can_end_a_link(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    sender.command("/trellis", "manager <@U0DEV|dev>", user_id="U0MAYA")
    (request,) = dm_to(slack, "U0DEV")
    click(sender, "U0DEV", button(request, "link_decline"))
    (told,) = dm_to(slack, "U0MAYA", 2)
    assert told["text"].startswith("Dev said they are not your manager.")
    assert sender.command("/trellis", "manager end", user_id="U0MAYA").json()["text"] == (
        "You have no confirmed manager in Trellis."
    )
    link_maya_to_dev(sender, slack)
    ended = sender.command("/trellis", "manager end", user_id="U0MAYA").json()["text"]
    assert ended == "Your link to Dev as your manager has ended."
    assert dm_to(slack, "U0DEV", 5)[-1]["text"] == "Your link as Maya's manager has ended."


def test_only_a_workspace_admin_sets_someone_elses_manager(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    slack.add_user(slack.team_id, "U0ADA", name="Ada", is_admin=True)
    refused = sender.command("/trellis", "manager <@U0MAYA|maya> <@U0DEV|dev>", user_id="U0DEV").json()
    assert refused["text"] == "Only a workspace admin can set someone else's manager."
    done = sender.command("/trellis", "manager <@U0MAYA|maya> <@U0DEV|dev>", user_id="U0ADA").json()
    assert done["text"] == "Set: *Dev* manages *Maya*."
    assert sender.command("/trellis", "manager <@U0MAYA|maya> none", user_id="U0ADA").json()["text"] == (
        "Removed *Maya*'s manager link."
    )
    assert (
        sender.command("/trellis", "manager <@U0MAYA|maya>", user_id="U0MAYA")
        .json()["text"]
        .startswith("You can't be your own manager")
    )


def test_a_confirmed_manager_gets_the_reports_packet_with_shared_wins_only(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    sender.command("/win", "A private reflection on my first incident", user_id="U0MAYA")
    shared = sender.command("/win", "Led the outage review across three teams", user_id="U0MAYA").json()
    select = next(block for block in shared["blocks"] if block["type"] == "actions")
    option = {"value": "shared", "text": {"type": "plain_text", "text": "Shared"}}
    action = {"action_id": "win_visibility", "block_id": select["block_id"], "type": "static_select"}
    sender.block_action(user_id="U0MAYA", action={**action, "selected_option": option})
    slack.wait_for_responses(1)

    refused = sender.command("/trellis", "packet <@U0MAYA|maya>", user_id="U0DEV").json()
    assert refused["text"] == "Only Maya's confirmed manager can ask for Maya's packet."
    packets = [c for c in slack.calls("files.getUploadURLExternal") if c.args["filename"].startswith("packet-")]
    assert packets == [], "refused: nothing made (a chart of an earlier test may still be arriving)"

    link_maya_to_dev(sender, slack)
    answer = sender.command("/trellis", "packet <@U0MAYA|maya>", user_id="U0DEV").json()
    assert answer["text"].startswith("Maya's packet (shared and public wins only) is on its way to your DM")
    html_id, _ = slack.wait_for_file(lambda name: name.startswith("packet-IC4-") and name.endswith(".html"))
    assert slack.completion_of(html_id).args["channel_id"] == "D0DEV"
    file_id, content = slack.wait_for_file(lambda name: name.startswith("packet-IC4-") and name.endswith(".md"))
    assert slack.completion_of(file_id).args["channel_id"] == "D0DEV"
    markdown = content.decode()
    assert "Led the outage review across three teams" in markdown
    assert "A private reflection" not in markdown
    assert "_Prepared for Dev, Maya's confirmed manager: the wins Maya shared, and public ones._" in markdown
    pdf_id, pdf = slack.wait_for_file(lambda name: name.startswith("packet-IC4-") and name.endswith(".pdf"))
    assert pdf.startswith(b"%PDF") and slack.completion_of(pdf_id).args["channel_id"] == "D0DEV"


def test_a_manager_logs_a_win_for_a_report_who_is_told(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    link_maya_to_dev(sender, slack)
    text = "Huge thanks <@U0MAYA> for fixing the flaky test!"
    message = {"type": "message", "user": "U0PRIYA", "ts": "1795300000.000200", "text": text}
    view = then_view(
        slack,
        "views.open",
        "win",
        lambda: sender.message_shortcut("log_as_win", user_id="U0DEV", message=message, channel="C0ENG"),
    )
    whose = next(block for block in view["blocks"] if block["block_id"] == "win_for")
    assert [option["text"]["text"] for option in whose["element"]["options"]] == ["Me", "Maya"]
    choose = {"action_id": "win_for", "block_id": "win_for", "type": "static_select"}
    maya = {"value": "U0MAYA", "text": {"type": "plain_text", "text": "Maya"}}
    view = then_view(
        slack,
        "views.update",
        "win",
        lambda: sender.block_action(user_id="U0DEV", view=view, action={**choose, "selected_option": maya}),
    )
    picker = next(block for block in view["blocks"] if block["block_id"] == "win_competencies")
    assert len(picker["element"]["options"]) == 8, "Maya's target level, not Dev's"
    values = {
        "win_for": {"win_for": {"type": "static_select", "selected_option": maya}},
        "win_text": {"value": {"type": "plain_text_input", "value": "Fixed the flaky payments test for the team"}},
        "win_date": {"value": {"type": "datepicker", "selected_date": None}},
        "win_visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "shared"}}},
    }
    posted = len(slack.calls("chat.postMessage"))
    assert sender.view_submission(user_id="U0DEV", view=view, values=values).body == b""
    dm = slack.wait_for("chat.postMessage", posted + 1)[-1].args
    assert dm["channel"] == "U0MAYA"
    assert "Dev logged this win for you. It is yours to edit or delete." in json.dumps(dm["blocks"])
    (told,) = slack.wait_for("chat.postEphemeral")
    assert told.args["user"] == "U0DEV" and told.args["text"].startswith("Logged a win for Maya")
    with db.session() as session:
        (win,) = session.exec(select(Win)).all()
        maya_row = session.exec(select(Person).where(Person.slack_user_id == "U0MAYA")).one()
        dev_row = session.exec(select(Person).where(Person.slack_user_id == "U0DEV")).one()
        assert (win.person_id, win.logged_by_id) == (maya_row.id, dev_row.id)

    sam_view = then_view(
        slack,
        "views.open",
        "win",
        lambda: sender.message_shortcut("log_as_win", user_id="U0SAM", message=message, channel="C0ENG"),
    )
    assert all(block["block_id"] != "win_for" for block in sam_view["blocks"]), "no reports, no choice"
    forged = sender.view_submission(user_id="U0SAM", view=sam_view, values=values).json()
    assert forged["errors"]["win_for"] == "You can log a win for Maya once you are their confirmed manager."
