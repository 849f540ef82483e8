"""The steps end-to-end tests share: what a person does in Slack, and waiting for what the bot does back.

Every wait looks for content (a view, a DM, a response_url post) rather than sleeping: the bot answers
after acknowledging, and a bot that outlives one test may still be answering the previous one.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select as query

from slacksim import FakeSlack, SlackSender, http
from storage.db import Database
from storage.models import Checkin, CheckinPlan, FeedbackRequest, FeedbackRound, OutboxMessage, Person
from tests.e2e.conftest import RunningBot, bot_environment, trellis

SE = "software-engineering"


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def chosen(value: str) -> dict[str, Any]:
    """A static select's state with `value` chosen."""
    return {"type": "static_select", "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}


def radio(value: int) -> dict[str, Any]:
    return {
        "type": "radio_buttons",
        "selected_option": {"value": str(value), "text": {"type": "plain_text", "text": "x"}},
    }


def then_view(slack: FakeSlack, method: str, callback_id: str, step: Callable[[], Any]) -> dict[str, Any]:
    """Do `step` and wait for the views.open or views.update it causes (the app acks first, then calls)."""
    before = len(slack.calls(method))
    step()
    slack.wait_for(method, before + 1)
    return slack.views(callback_id)[-1]


def open_modal(sender: SlackSender, slack: FakeSlack, subcommand: str, user: str = "U0MAYA") -> dict[str, Any]:
    """`/trellis <subcommand>` opens its modal (whose callback id is the subcommand): the modal."""
    return then_view(slack, "views.open", subcommand, lambda: sender.command("/trellis", subcommand, user_id=user))


def choose_level(sender: SlackSender, slack: FakeSlack, view: dict[str, Any], level_ref: str) -> dict[str, Any]:
    action = {"action_id": "level_current", **chosen(level_ref)}
    return then_view(
        slack, "views.update", "level", lambda: sender.block_action(user_id="U0MAYA", view=view, action=action)
    )


def set_level(sender: SlackSender, slack: FakeSlack, current: str, target: str) -> Any:
    """Maya sets her level and target with `/trellis level`."""
    view = choose_level(sender, slack, open_modal(sender, slack, "level"), current)
    values = {"level_current": {"level_current": chosen(current)}, "level_target": {"level_target": chosen(target)}}
    return sender.view_submission(user_id="U0MAYA", view=view, values=values)


def answer_page(sender: SlackSender, view: dict[str, Any], rating_for: dict[str, int], default: int = 3) -> Any:
    """Submit one page of the self-assessment: `rating_for` by competency name, else `default`."""
    values = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            values[block["block_id"]] = {"gap_rating": radio(rating_for.get(block["label"]["text"], default))}
    return sender.view_submission(user_id="U0MAYA", view=view, values=values)


def dm_to(slack: FakeSlack, user: str, count: int = 1) -> list[dict[str, Any]]:
    """Once `count` messages were posted in all: those posted to `user` (addressed to their user id)."""
    slack.wait_for("chat.postMessage", count)
    return [call.args for call in slack.calls("chat.postMessage") if call.args["channel"] == user]


def next_dm(slack: FakeSlack, user: str, containing: str) -> dict[str, Any]:
    """The DM to `user` containing `containing` (the app sends it after answering the click: wait)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in reversed(dm_to(slack, user, 0)):
            if containing in message["text"]:
                return message
        time.sleep(0.02)
    raise AssertionError(f"no DM to {user} containing {containing!r}")


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The button (or menu) `action_id` of a message or view, in a row or beside a section, with its block."""
    for block in message["blocks"]:
        for element in [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]:
            if element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id") or "b"}
    raise AssertionError(f"no {action_id} button in {text_of(message)}")


def click(sender: SlackSender, user: str, element: dict[str, Any]) -> None:
    """`user` clicks `element`, and Slack gets its answer (a click whose request failed says so here, not as
    a message that never came)."""
    action = {key: element[key] for key in ("action_id", "block_id", "type", "value")}
    answer = sender.block_action(user_id=user, action=action)
    assert answer.status == 200, f"the click on {action['action_id']} was answered {answer.status}: {answer.body!r}"


def response_to(slack: FakeSlack, step: Any) -> dict[str, Any]:
    """Do `step` (a click) and return what the app posted to its response_url for it."""
    before = len(slack.responses())
    step()
    return slack.wait_for_responses(before + 1)[-1]


def link_maya_to_dev(sender: SlackSender, slack: FakeSlack) -> None:
    """Maya asks Dev, Dev confirms: the confirmed link other tests start from."""
    before = len(slack.calls("chat.postMessage"))
    sender.command("/trellis", "manager <@U0DEV|dev>", user_id="U0MAYA")
    request = dm_to(slack, "U0DEV", before + 1)[-1]
    click(sender, "U0DEV", button(request, "link_confirm"))
    slack.wait_for("chat.postMessage", before + 2)


def ask_values(
    decision: str, recommendation: str, *, needed_by: date | None = None, door: str = "yes"
) -> dict[str, Any]:
    """The state of the ask modal, filled in."""
    values: dict[str, Any] = {
        "decision": {"ask": {"type": "plain_text_input", "value": decision}},
        "options": {"ask": {"type": "plain_text_input", "value": "Keep Fridays; move to Tuesdays"}},
        "recommendation": {"ask": {"type": "plain_text_input", "value": recommendation}},
        "two_way": {"ask": {"type": "radio_buttons", "selected_option": {"value": door}}},
    }
    if needed_by is not None:
        values["needed_by"] = {"ask": {"type": "datepicker", "selected_date": needed_by.isoformat()}}
    return values


def bring(sender: SlackSender, slack: FakeSlack, values: dict[str, Any]) -> dict[str, Any]:
    """Maya sends an ask; the DM it puts in front of Dev."""
    form = then_view(slack, "views.open", "ask", lambda: sender.command("/trellis", "ask", user_id="U0MAYA"))
    before = len(dm_to(slack, "U0DEV", 0))
    sent = sender.view_submission(user_id="U0MAYA", view=form, values=values).json()
    assert sent["response_action"] == "update" and "Sent to Dev" in json.dumps(sent["view"])
    deadline = time.monotonic() + 10
    while len(dm_to(slack, "U0DEV", 0)) <= before:
        assert time.monotonic() < deadline, "the ask never reached the manager"
        time.sleep(0.02)
    return dm_to(slack, "U0DEV", 0)[-1]


def oauth_environment(database_url: str, slack: FakeSlack) -> dict[str, str]:
    """The bot's environment for multi-workspace OAuth: a client id and secret, no bot token."""
    env = bot_environment(database_url, slack, SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET="oauth-secret")
    del env["SLACK_BOT_TOKEN"]
    return env


def install(
    bot: RunningBot, slack: FakeSlack, team_id: str, *, enterprise_id: str | None = None, rotating: bool = False
) -> str:
    """Install the app in `team_id` (of the Grid org `enterprise_id`, if given) through Bolt's OAuth flow,
    as an admin's browser would: the install page, Slack's consent, the redirect. The bot token (with
    `rotating`, one that expires within the hour, with a refresh token)."""
    page = http(bot.url + "/slack/install")
    assert page.status == 200
    assert "https://slack.com/oauth/v2/authorize?" in page.text
    scopes = "commands,chat:write,im:write,im:history,users:read,groups:write,channels:read,groups:read,files:write"
    assert f"scope={scopes}" in page.text
    state = re.search(r"state=([\w-]+)", page.text)
    assert state is not None
    cookie = page.headers["set-cookie"].split(";")[0]
    token = slack.grant("code-1", team_id=team_id, enterprise_id=enterprise_id, rotating=rotating)
    done = http(f"{bot.url}/slack/oauth_redirect?code=code-1&state={state.group(1)}", headers={"Cookie": cookie})
    assert done.status == 200, done.text
    return token


def run_job(
    name: str, slack: FakeSlack, database_url: str, tmp_path: Path, at: datetime, env: dict[str, str] | None = None
) -> str:
    """`trellis jobs run NAME --at AT` in its own process, as an operator would: what it printed."""
    environment = env if env is not None else bot_environment(database_url, slack)
    result = trellis("jobs", "run", name, "--at", at.isoformat(), env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


def checkin_for(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path, user: str
) -> dict[str, Any]:
    """`user` uses Trellis once (and so is enrolled), then their first check-in is sent: its message, as it
    landed in their DM (it is posted to the user id; Slack opens the DM)."""
    sender.command("/trellis", "help", user_id=user)
    with db.session() as session:
        person = session.exec(query(Person).where(Person.slack_user_id == user)).one()
        slot = session.exec(query(CheckinPlan.next_at).where(CheckinPlan.person_id == person.id)).one()
    before = len(slack.calls("chat.postMessage"))
    printed = run_job("checkins", slack, database_url, tmp_path, slot)
    assert "queued 1 check-ins" in printed, printed
    posted = slack.wait_for("chat.postMessage", before + 1)[-1].args
    assert posted["channel"] == user, "no conversations.open: the post names the person"
    return {**posted, **slack.posted("D" + user[1:])[-1]}


def thread_reply(db: Database, text: str, *, user: str = "U0MAYA", ts: str = "1700000001.000100") -> dict[str, Any]:
    """A `message.im` event: `user`'s plain reply in the thread of their check-in."""
    with db.session() as session:
        owner = query(Person.id).where(Person.slack_user_id == user)
        row = session.exec(query(Checkin).where(Checkin.person_id.in_(owner))).one()  # type: ignore[attr-defined]
    return {
        "type": "message",
        "channel_type": "im",
        "channel": row.channel_id,
        "user": user,
        "thread_ts": row.message_ts,
        "text": text,
        "ts": ts,
    }


def entry_answers(**fields: str) -> dict[str, Any]:
    """The state of the growth-thread entry modal: learned=..., operated=..., blockers=..."""
    return {f"checkin_{name}": {"answer": {"type": "plain_text_input", "value": text}} for name, text in fields.items()}


def eventually(check: Callable[[], Any], timeout: float = 10.0) -> None:
    """Events are acknowledged before they are handled: wait for the handling to show."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change never showed"
        time.sleep(0.02)


# -- feedback ------------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")
PEERS = {"U0SAM": "Sam", "U0PRIYA": "Priya", "U0RAY": "Ray", "U0ADA": "Ada"}
LARGEST = ["technical-direction", "cross-team-leadership", "mentoring"]  # Maya's self-assessment, below


def feedback_team(sender: SlackSender, slack: FakeSlack, *, assessed: bool = True) -> None:
    """Maya (IC3, heading for IC4, her manager Dev) and four peers; her self-assessment, if `assessed`."""
    for user, name in PEERS.items():
        slack.add_user(slack.team_id, user, name=name)
    link_maya_to_dev(sender, slack)
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    if assessed:
        view = open_modal(sender, slack, "gaps")
        ratings = {"Mentoring": 2, "Technical direction": 1, "Cross-team leadership": 1}
        answer_page(sender, view, ratings, default=4)
        next_dm(slack, "U0MAYA", "Your biggest gaps to IC4")


def form_state(view: dict[str, Any]) -> dict[str, Any]:
    """The form's state as Slack sends it untouched: each input's initial value."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if "initial_options" in element:
            state["selected_options"] = element["initial_options"]
        if "initial_option" in element:
            state["selected_option"] = element["initial_option"]
        if "initial_date" in element:
            state["selected_date"] = element["initial_date"]
        if "initial_value" in element:
            state["value"] = element["initial_value"]
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def asking_form(sender: SlackSender, slack: FakeSlack, user: str = "U0MAYA", text: str = "feedback") -> dict[str, Any]:
    return then_view(slack, "views.open", "feedback_ask", lambda: sender.command("/trellis", text, user_id=user))


def ask_for_feedback(
    sender: SlackSender,
    view: dict[str, Any],
    people: list[str],
    *,
    user: str = "U0MAYA",
    suggested: list[str] = (),  # type: ignore[assignment]
    named: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """Submit the asking form with `people` chosen (and any `fields` by block id): Trellis's answer."""
    values = form_state(view)
    values["people"] = {"fb": {"type": "multi_users_select", "selected_users": people}}
    if "suggested" in values:
        values["suggested"]["fb"]["selected_options"] = [{"value": u} for u in suggested]
    if named:
        values["mode"]["fb"]["selected_option"] = {"value": "named"}
    for block, state in fields.items():
        values[block] = {"fb": state}
    return sender.view_submission(user_id=user, view=view, values=values).json()


def feedback_requests(db: Database) -> dict[str, int]:
    """Each person asked (their Slack id) and their request's id, in the latest round."""
    with db.session() as session:
        round_id = session.exec(query(FeedbackRound.id).order_by(FeedbackRound.id.desc())).first()  # type: ignore[union-attr]
        rows = session.exec(
            query(Person.slack_user_id, FeedbackRequest.id)
            .join(FeedbackRequest, FeedbackRequest.responder_id == Person.id)  # type: ignore[arg-type]
            .where(FeedbackRequest.round_id == round_id)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def answer_form(
    sender: SlackSender, slack: FakeSlack, user: str, request_id: int, dm: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The answer form `user` opens: from the Give button of the DM `dm` (the message as Slack holds
    it), else from a button elsewhere."""
    if dm is None:
        give = {"action_id": "feedback_give", "block_id": "b", "type": "button", "value": str(request_id)}
        return then_view(slack, "views.open", "feedback_answer", lambda: click(sender, user, give))
    channel = "D" + user[1:]
    held = next(m for m in reversed(slack.posted(channel)) if m["text"] == dm["text"])
    element = button(dm, "feedback_give")
    action = {key: element[key] for key in ("action_id", "block_id", "type", "value")}
    container = {"type": "message", "channel_id": channel, "message_ts": held["ts"]}
    return then_view(
        slack,
        "views.open",
        "feedback_answer",
        lambda: sender.block_action(user_id=user, action=action, container=container),
    )


def give_feedback(
    sender: SlackSender,
    slack: FakeSlack,
    user: str,
    request_id: int,
    choice: str,
    example: str,
    *,
    gap: str = "",
    next_step: str = "",
    dm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`user` opens the form (from the DM `dm`, if given) and answers every competency with `choice`."""
    form = answer_form(sender, slack, user, request_id, dm)
    values = form_state(form)
    for block_id in values:
        if block_id.startswith("rating:"):
            values[block_id]["fb"]["selected_option"] = {"value": choice}
        if block_id.startswith("example:"):
            values[block_id]["fb"]["value"] = example
    values["gap"]["fb"]["value"], values["next"]["fb"]["value"] = gap, next_step
    return sender.view_submission(user_id=user, view=form, values=values).json()


def latest_round(db: Database) -> FeedbackRound:
    with db.session() as session:
        return session.exec(query(FeedbackRound).order_by(FeedbackRound.id.desc())).first()  # type: ignore[union-attr,return-value]


def reminder_times(db: Database) -> list[datetime]:
    with db.session() as session:
        keys = session.exec(
            query(OutboxMessage.due_at).where(OutboxMessage.key.startswith("feedback-remind:"))  # type: ignore[attr-defined]
        ).all()
    return sorted(set(keys))


def posted_to(slack: FakeSlack, user: str) -> list[str]:
    return [message["text"] for message in dm_to(slack, user, 0)]


def round_button(round_id: int, action_id: str) -> dict[str, Any]:
    return {"action_id": action_id, "block_id": "b", "type": "button", "value": str(round_id)}
