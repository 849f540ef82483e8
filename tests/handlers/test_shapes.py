"""What a request must look like to be read (handlers.shapes), without a server: Slack's own shapes pass,
and every way a signed body can differ from them is named."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltRequest

from handlers.shapes import clean, problem, storable


def _problem(body: dict[str, Any]) -> str | None:
    """As the app's before_authorize step sees it: the context Bolt built from the same body."""
    return problem(body, BoltRequest(body=body, mode="socket_mode").context)


def _click(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0TRELLIS"},
        "user": {"id": "U0MAYA", "team_id": "T0TRELLIS"},
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/actions/1",
        "container": {"type": "message", "channel_id": "D0MAYA", "message_ts": "1.2"},
        "actions": [{"action_id": "win_undo", "block_id": "b", "type": "button", "value": "7", "action_ts": "1.3"}],
    }
    return {**body, **changes}


def _submission(values: Any, **view: Any) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T0TRELLIS"},
        "user": {"id": "U0MAYA"},
        "trigger_id": "1.2.3",
        "view": {"id": "V1", "callback_id": "win", "private_metadata": "{}", "state": {"values": values}, **view},
    }


def test_slacks_own_shapes_pass() -> None:
    assert _problem(_click()) is None
    state = {
        "win_text": {"value": {"type": "plain_text_input", "value": "Led it"}},
        "win_date": {"value": {"type": "datepicker", "selected_date": None}},
        "win_competencies": {"value": {"type": "multi_static_select", "selected_options": [{"value": "mentoring"}]}},
        "people": {"fb": {"type": "multi_users_select", "selected_users": ["U0DEV"]}},
    }
    assert _problem(_submission(state)) is None
    command = {"command": "/win", "text": "x", "team_id": "T0TRELLIS", "user_id": "U0MAYA", "trigger_id": "1.2"}
    assert _problem(command) is None
    event = {"type": "event_callback", "team_id": "T0TRELLIS", "event_id": "Ev0ABC", "event": {"type": "x"}}
    assert _problem(event) is None


def test_every_way_a_signed_body_differs_from_slacks_is_named() -> None:
    action = _click()["actions"][0]
    assert _problem(_click(user="U0MAYA")) == "user is not an object"
    assert _problem(_click(actions=["win_undo"])) == "an action that is not an object"
    assert _problem(_click(actions=[])) == "no actions"
    assert _problem(_click(actions=[{**action, "value": 7}])) == "an action whose value is not a string"
    assert _problem(_click(actions=[{**action, "selected_option": "x"}])) == (
        "an action whose selected_option is not an option"
    )
    assert _problem(_click(trigger_id=None)) == "no trigger_id"
    assert _problem(_click(response_url=" ")) == "a response_url that is not a URL"
    assert _problem(_click(user={"id": "U" + "X" * 40})) == "user_id is not a Slack id"
    assert _problem(_submission({"win_text": ["x"]})) == "a view's state is not Slack's"
    assert _problem(_submission({"win_text": {"value": {"selected_users": "U0DEV"}}})) == (
        "an input whose selected_users is not a list of ids"
    )
    assert _problem(_submission({}, blocks="none")) == "a view's blocks are not a list"
    assert _problem(_submission({}, id=None)) == "no view, or a view without its id"
    assert _problem(_submission({}, private_metadata=7)) == "a view's private_metadata is not a string"
    event = {"type": "event_callback", "team_id": "T0TRELLIS", "event_id": "Ev" + "X" * 70, "event": {}}
    assert _problem(event) == "an event_id that is not Slack's"
    assert _problem({"command": "/win", "team_id": "T0TRELLIS", "user_id": "U0MAYA"}) == (
        "a command without its team, user or trigger_id"
    )


def test_text_is_made_storable_in_place() -> None:
    assert storable("Led\x00 it") == "Led it"
    assert storable("\ud800 alone") == "\ufffd alone"
    assert storable("👩‍👩‍👧‍👦 \u202eRTL") == "👩‍👩‍👧‍👦 \u202eRTL", "everything else is kept as typed"
    body = {
        "view": {"state": {"values": {"b\x00": {"a": {"value": "x\x00y", "selected_options": [{"value": "\x00"}]}}}}}
    }
    inner = body["view"]
    clean(body)
    assert inner is body["view"], "Bolt hands listeners parts of the body: they are cleaned where they are"
    assert body == {"view": {"state": {"values": {"b": {"a": {"value": "xy", "selected_options": [{"value": ""}]}}}}}}
