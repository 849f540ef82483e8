"""`/win`, its buttons, the modal and the shortcut, over HTTP against the fake, on both databases."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from handlers.errors import NOT_SHOWN
from slacksim import RESPONSE_URL, FakeSlack, SlackSender
from slacksim.sender import Reply
from storage.db import Database
from storage.models import Win, WinCompetency
from tests.e2e.conftest import bot_environment, trellis
from tests.e2e.steps import SE, set_level, text_of, then_view

HAPPENED = datetime.now(UTC).date() - timedelta(days=2)  # relative: readiness counts the last 12 weeks
OUTAGE = "Led the payments outage review across three teams and published the postmortem"


def _wins(db: Database) -> list[Win]:
    with db.session() as session:
        return list(session.exec(select(Win)).all())


def _actions(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = {}
    for block in blocks:
        if block["type"] == "actions":
            for element in block["elements"]:
                found[element["action_id"]] = {**element, "block_id": block["block_id"]}
    return found


def _click(sender: SlackSender, element: dict[str, Any], user: str = "U0MAYA", **extra: Any) -> Reply:
    action = {"action_id": element["action_id"], "block_id": element["block_id"], "type": element["type"], **extra}
    if "value" in element:
        action["value"] = element["value"]
    answer = sender.block_action(user_id=user, action=action)
    assert answer.status == 200, f"the click on {action['action_id']} was answered {answer.status}: {answer.body!r}"
    return answer


def test_a_win_is_logged_at_once_with_suggestions_to_tag(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    body = sender.command("/win", OUTAGE, user_id="U0MAYA").json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == f"*Logged.* “{OUTAGE}”"
    suggestion = body["blocks"][1]["text"]["text"]
    assert suggestion.startswith("Looks like *operational ownership*, *cross-team leadership* and")
    assert "(matched: review, across, teams, postmortem" in suggestion
    (win,) = _wins(db)
    assert (win.text, win.visibility, win.source) == (OUTAGE, "private", "command")

    buttons = _actions(body["blocks"])
    _click(sender, buttons["win_tag"])
    (redrawn,) = slack.wait_for_responses(1)
    assert redrawn["replace_original"] is True
    assert "Tagged: Operational ownership, Cross-team leadership" in text_of(redrawn["blocks"])
    with db.session() as session:
        assert len(session.exec(select(WinCompetency)).all()) == 3

    _click(
        sender,
        buttons["win_visibility"],
        selected_option={"value": "shared", "text": {"type": "plain_text", "text": "x"}},
    )
    slack.wait_for_responses(2)
    assert _wins(db)[0].visibility == "shared"

    _click(sender, buttons["win_undo"])
    deleted = slack.wait_for_responses(3)[-1]
    assert deleted["text"] == "Deleted. It is gone from your log and from every future packet."
    assert _wins(db) == []
    _click(sender, buttons["win_tag"])
    assert slack.wait_for_responses(4)[-1]["text"] == "That win is gone: it was deleted."


def test_a_win_never_pings_anyone_and_reads_as_words(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    body = sender.command("/win", "Thanks <!channel> &amp; <@U0DEV|dev> for the &lt;fix&gt;", user_id="U0MAYA").json()
    (win,) = _wins(db)
    assert win.text == "Thanks @channel & @dev for the <fix>"
    shown = text_of(body)
    assert "<!channel>" not in shown and "<@U0DEV" not in shown
    assert "Thanks @channel &amp; @dev for the &lt;fix&gt;" in shown


def test_text_too_long_or_empty(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    refused = sender.command("/win", "x" * 10_001, user_id="U0MAYA").json()
    assert refused == {"response_type": "ephemeral", "text": "That is 10,001 characters; keep a win under 10,000."}
    assert _wins(db) == []
    long = "Shipped it. " * 400
    body = sender.command("/win", long, user_id="U0MAYA").json()
    assert len(_wins(db)[0].text) == len(long.strip())
    assert len(body["blocks"][0]["text"]["text"]) <= 3000
    see_all = body["blocks"][0]["accessory"]
    assert see_all["action_id"] == "win_see_all"
    view = then_view(slack, "views.open", "win_text", lambda: _click(sender, {**see_all, "block_id": "b"}))
    assert sum(len(block["text"]["text"]) for block in view["blocks"]) >= len(long.strip())
    opened = len(slack.calls("views.open"))
    assert sender.command("/win", "   ", user_id="U0MAYA").body == b"", "no text: the modal opens instead"
    assert slack.wait_for("views.open", opened + 1)[-1].args["view"]["callback_id"] == "win"


def _fill(view: dict[str, Any], **fields: Any) -> dict[str, Any]:
    values = {
        "win_text": {"value": {"type": "plain_text_input", "value": fields.get("text", OUTAGE)}},
        "win_what": {"value": {"type": "plain_text_input", "value": fields.get("what")}},
        "win_how": {"value": {"type": "plain_text_input", "value": None}},
        "win_why": {"value": {"type": "plain_text_input", "value": "Three teams stopped paging each other"}},
        "win_link": {"value": {"type": "url_text_input", "value": fields.get("link")}},
        "win_date": {"value": {"type": "datepicker", "selected_date": HAPPENED.isoformat()}},
        "win_visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "public"}}},
    }
    if "competencies" in fields:
        chosen = [{"value": c, "text": {"type": "plain_text", "text": c}} for c in fields["competencies"]]
        values["win_competencies"] = {"value": {"type": "multi_static_select", "selected_options": chosen}}
    return values


def test_the_full_modal_logs_once_even_when_submitted_twice(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    view = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    options = [
        o["value"] for o in next(b for b in view["blocks"] if b["block_id"] == "win_competencies")["element"]["options"]
    ]
    assert "cross-team-leadership" in options and len(options) == 8
    values = _fill(view, what="Postmortem published in two days", competencies=["cross-team-leadership"])
    assert sender.view_submission(user_id="U0MAYA", view=view, values=values).body == b""
    assert sender.view_submission(user_id="U0MAYA", view=view, values=values).body == b""
    (win,) = _wins(db)
    assert (win.what, win.why, win.visibility, win.source) == (
        "Postmortem published in two days",
        "Three teams stopped paging each other",
        "public",
        "modal",
    )
    assert win.happened_on == HAPPENED
    (told,) = slack.wait_for("chat.postEphemeral")
    assert told.args["user"] == "U0MAYA" and "Logged." in text_of(told.args["blocks"])
    assert len(slack.calls("chat.postEphemeral")) == 1, "a second submission is not confirmed again"

    bad = sender.view_submission(user_id="U0MAYA", view=view, values=_fill(view, link="ftp://nope")).json()
    assert bad["response_action"] == "errors"
    assert bad["errors"]["win_text"] == "The evidence link should be a web address starting with https://"


def test_only_the_author_can_change_a_win(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    body = sender.command("/win", OUTAGE, user_id="U0MAYA").json()
    undo = _actions(body["blocks"])["win_undo"]
    _click(sender, undo, user="U0DEV")
    assert slack.wait_for_responses(1)[-1]["text"] == "Only the person whose win it is can change it."
    assert len(_wins(db)) == 1


def test_editing_a_win_replaces_the_message_it_came_from(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    body = sender.command("/win", OUTAGE, user_id="U0MAYA").json()
    edit = _actions(body["blocks"])["win_edit"]
    view = then_view(slack, "views.open", "win", lambda: _click(sender, edit))
    text_block = next(b for b in view["blocks"] if b["block_id"] == "win_text")
    assert text_block["element"]["initial_value"] == OUTAGE
    sender.view_submission(user_id="U0MAYA", view=view, values=_fill(view, text="Led the review, edited"))
    replaced = slack.wait_for_responses(1)[-1]
    assert replaced["replace_original"] is True and "*Updated.* “Led the review, edited”" in text_of(replaced["blocks"])
    assert _wins(db)[0].text == "Led the review, edited"


def test_log_as_a_win_from_someone_elses_message(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    message = {
        "type": "message",
        "user": "U0PRIYA",
        "ts": "1795300000.000100",
        "text": "Huge thanks <@U0MAYA> for fixing the flaky test!",
    }
    view = then_view(
        slack,
        "views.open",
        "win",
        lambda: sender.message_shortcut("log_as_win", user_id="U0MAYA", message=message, channel="C0ENG"),
    )
    (permalink,) = slack.calls("chat.getPermalink")
    assert (permalink.args["channel"], permalink.args["message_ts"]) == ("C0ENG", "1795300000.000100")
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields["win_text"]["initial_value"] == "Huge thanks @U0MAYA for fixing the flaky test!"
    assert fields["win_link"]["initial_value"] == "https://trellis-demo.slack.com/archives/C0ENG/p1795300000000100"
    values = _fill(view, text=fields["win_text"]["initial_value"], link=fields["win_link"]["initial_value"])
    sender.view_submission(user_id="U0MAYA", view=view, values=values)
    (win,) = _wins(db)
    assert (win.source, win.evidence_url) == ("shortcut", fields["win_link"]["initial_value"])
    assert json.loads(json.dumps(win.text)) == "Huge thanks @U0MAYA for fixing the flaky test!"


def test_the_home_tab_shows_the_latest_wins_and_the_evidence_for_each_competency(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    view = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    sender.view_submission(
        user_id="U0MAYA", view=view, values=_fill(view, competencies=["cross-team-leadership", "communication"])
    )
    sender.command("/win", "Paired with <@U0DEV|dev> on <!here> alerts", user_id="U0MAYA")
    sender.app_home_opened("U0MAYA")
    home = text_of(slack.wait_for_home("U0MAYA", "Paired with @dev")["blocks"])
    assert "*Your latest wins*" in home
    assert "Paired with @dev on @here alerts" in home and "<!here>" not in home
    assert "_(Cross-team leadership, Communication)_" in home
    assert "*Evidence for IC4*: 2 of 8 competencies" in home
    assert "✅ Cross-team leadership: 1 win, in 1 of the last 12 weeks" in home
    assert "▫️ Mentoring: no evidence yet" in home


GROWTH = "C0GROWTH"


def _settings(sender: SlackSender, slack: FakeSlack, user: str) -> dict[str, Any]:
    return then_view(slack, "views.open", "settings", lambda: sender.command("/trellis", "settings", user_id=user))


def test_an_admin_chooses_the_growth_channel_and_others_see_it(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    slack.add_user(slack.team_id, "U0ADA", name="Ada", is_admin=True)
    view = _settings(sender, slack, "U0ADA")
    assert view["submit"]["text"] == "Save"
    values = {"growth_channel": {"growth_channel": {"type": "channels_select", "selected_channel": GROWTH}}}
    answer = sender.view_submission(user_id="U0ADA", view=view, values=values).json()
    assert answer["response_action"] == "update" and f"<#{GROWTH}>" in text_of(answer["view"])
    theirs = _settings(sender, slack, "U0MAYA")
    assert f"*Growth channel:* <#{GROWTH}>" in text_of(theirs)
    assert "growth_channel" not in [block.get("block_id") for block in theirs["blocks"]]
    forged = sender.view_submission(user_id="U0MAYA", view=view, values=values).json()
    assert forged == {
        "response_action": "errors",
        "errors": {"growth_channel": "Only a workspace admin can choose the growth channel."},
    }


def test_a_redraw_slack_fails_once_is_posted_on_the_retry_over_a_kept_connection(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    buttons = _actions(sender.command("/win", OUTAGE, user_id="U0MAYA").json()["blocks"])
    slack.fail(RESPONSE_URL, status=500)
    _click(sender, buttons["win_tag"])
    (redrawn,) = slack.wait_for_responses(1)
    assert "Tagged: Operational ownership, Cross-team leadership" in text_of(redrawn["blocks"])
    time.sleep(0.3)
    assert len(slack.responses()) == 1, "posted once: the failed post showed nothing"
    for n, visibility in enumerate(["shared", "private", "shared"], start=2):
        _click(sender, buttons["win_visibility"], selected_option={"value": visibility})
        slack.wait_for_responses(n)
    assert _wins(db)[0].visibility == "shared"


def test_a_redraw_slack_refuses_twice_is_told_in_a_dm_and_the_change_is_kept(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    buttons = _actions(sender.command("/win", OUTAGE, user_id="U0MAYA").json()["blocks"])
    slack.fail(RESPONSE_URL, status=503, times=2)  # the post and its one retry
    _click(sender, buttons["win_visibility"], selected_option={"value": "shared"})
    told = slack.wait_for("chat.postMessage")[-1].args
    assert told["channel"] == "U0MAYA" and told["text"] == NOT_SHOWN
    assert _wins(db)[0].visibility == "shared", "the change itself was saved"
    assert slack.responses() == [], "Slack showed nothing in place"


def test_a_redraw_slack_asks_to_wait_for_is_retried_after_the_click_is_answered(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    """The click runs in the request's thread (handlers.answering); the pause Slack asks for is not."""
    buttons = _actions(sender.command("/win", OUTAGE, user_id="U0MAYA").json()["blocks"])
    slack.fail(RESPONSE_URL, status=429, retry_after=2)
    started = time.monotonic()
    answer = _click(sender, buttons["win_visibility"], selected_option={"value": "shared"})
    assert answer.status == 200 and time.monotonic() - started < 1.5, "answered without waiting out the 429"
    assert _wins(db)[0].visibility == "shared"
    (redrawn,) = slack.wait_for_responses(1)
    assert time.monotonic() - started >= 2 and redrawn["replace_original"] is True
    assert not [call for call in slack.calls("chat.postMessage") if call.args.get("text") == NOT_SHOWN]


def test_a_redraw_slack_rate_limits_for_long_is_told_in_a_dm(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    buttons = _actions(sender.command("/win", OUTAGE, user_id="U0MAYA").json()["blocks"])
    slack.fail(RESPONSE_URL, status=429, retry_after=30)  # too long to wait in a request thread
    _click(sender, buttons["win_visibility"], selected_option={"value": "shared"})
    told = slack.wait_for("chat.postMessage")[-1].args
    assert told["channel"] == "U0MAYA" and told["text"] == NOT_SHOWN
    assert _wins(db)[0].visibility == "shared"


def test_a_public_win_is_posted_escaped_and_taken_down_when_made_private(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    slack.add_user(slack.team_id, "U0ADA", name="Ada", is_admin=True)
    view = _settings(sender, slack, "U0ADA")
    values = {"growth_channel": {"growth_channel": {"type": "channels_select", "selected_channel": GROWTH}}}
    sender.view_submission(user_id="U0ADA", view=view, values=values)

    form = then_view(slack, "views.open", "win", lambda: sender.command("/win", "", user_id="U0MAYA"))
    sender.view_submission(user_id="U0MAYA", view=form, values=_fill(form, text="Fixed <!channel> & <@U0DEV> alerts"))
    (post,) = slack.wait_for("chat.postMessage")
    assert post.args["channel"] == GROWTH
    assert post.args["text"] == "🌱 Maya logged a win: Fixed &lt;!channel&gt; &amp; &lt;@U0DEV&gt; alerts"
    assert "<!channel>" not in text_of(post.args) and "<@U0DEV>" not in text_of(post.args)
    assert "link_names" not in post.args

    (told,) = slack.wait_for("chat.postEphemeral")
    select = _actions(told.args["blocks"])["win_visibility"]
    private = {"value": "private", "text": {"type": "plain_text", "text": "Private"}}
    _click(sender, select, selected_option=private)
    (deleted,) = slack.wait_for("chat.delete")
    assert deleted.args["channel"] == GROWTH
    assert _wins(db)[0].visibility == "private"


def test_a_public_win_without_a_growth_channel_says_where_it_will_go(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    body = sender.command("/win", OUTAGE, user_id="U0MAYA").json()
    public = {"value": "public", "text": {"type": "plain_text", "text": "Public"}}
    _click(sender, _actions(body["blocks"])["win_visibility"], selected_option=public)
    redrawn = slack.wait_for_response("once a workspace admin chooses a growth channel")
    assert "once a workspace admin chooses a growth channel in `/trellis settings`" in text_of(redrawn["blocks"])
    assert slack.calls("chat.postMessage") == []


def test_the_packet_arrives_in_the_dm_as_markdown_printable_html_and_pdf(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    sender.command("/win", "Paired with the new hire on their first deploy", user_id="U0MAYA")
    first = sender.command("/trellis", "packet", user_id="U0MAYA").json()
    assert first["text"].endswith(
        "It lists your wins; set your level and target to see them against what your target expects."
    )
    assert first["blocks"][0]["accessory"]["action_id"] == "open_level"
    _, levelless = slack.wait_for_file(lambda name: name.startswith("packet-no-level-") and name.endswith(".md"))
    assert b"**Level missing:** Maya has not set a current level yet" in levelless
    assert b"Paired with the new hire on their first deploy" in levelless
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    sender.command("/win", OUTAGE, user_id="U0MAYA")
    answer = sender.command("/trellis", "packet", user_id="U0MAYA").json()
    assert answer["text"].startswith("Your packet is on its way to your DM")
    for suffix, start in ((".md", b"# Promotion packet: Maya"), (".html", b"<!doctype html>"), (".pdf", b"%PDF")):
        file_id, content = slack.wait_for_file(
            lambda name, s=suffix: name.startswith("packet-IC4-") and name.endswith(s)
        )
        assert content.startswith(start)
        assert slack.completion_of(file_id).args["channel_id"] == "D0MAYA"

    env = bot_environment(database_url, slack)
    exported = trellis("export", "packet", "--team", slack.team_id, "--user", "U0MAYA", env=env, cwd=tmp_path)
    assert exported.returncode == 0 and exported.stdout.startswith("# Promotion packet: Maya")
    as_csv = trellis(
        "export", "packet", "--team", slack.team_id, "--user", "U0MAYA", "--format", "csv", env=env, cwd=tmp_path
    )
    assert OUTAGE in as_csv.stdout
    nobody = trellis("export", "packet", "--team", slack.team_id, "--user", "U0NOBODY", env=env, cwd=tmp_path)
    assert nobody.returncode == 2 and "U0NOBODY has not used Trellis" in nobody.stderr


def test_the_same_slack_request_delivered_twice_stores_one_win(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    first = sender.command("/win", OUTAGE, user_id="U0MAYA", trigger_id="1234.5678.same").json()
    again = sender.command("/win", OUTAGE, user_id="U0MAYA", trigger_id="1234.5678.same").json()
    assert len(_wins(db)) == 1
    assert first["blocks"][0] == again["blocks"][0], "the repeat shows the same win"
