"""What a request must look like to be read at all: the shapes Slack documents, checked once, right after
Bolt verified the signature (the app's `before_authorize` step), so listeners read typed values.

A signed body in another shape (a forged or garbled one: `user` as a string, `actions` holding
non-objects, a view's state that is not Slack's, an id longer than any Slack id) gets 400 and touches
nothing. Text is made storable on both databases alike: NUL, which PostgreSQL refuses in text, is
removed, and a lone UTF-16 surrogate, which neither database can encode, becomes U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

Next = Callable[[], BoltResponse]

SLACK_ID = re.compile(r"[A-Z0-9]{1,32}")  # teams, users, enterprises, channels: as long as our columns hold
EVENT_ID = re.compile(r"Ev[A-Za-z0-9]{1,62}")
SURROGATE = re.compile("[\ud800-\udfff]")
RESPONSE_URL = re.compile(r"https?://[^\s/]+/\S*")

# The keys of a block action and of an input's state, by the type Slack gives them.
TEXTS = frozenset(
    {
        "action_id",
        "block_id",
        "type",
        "value",
        "action_ts",
        "selected_user",
        "selected_channel",
        "selected_conversation",
        "selected_date",
        "selected_time",
    }
)
ID_LISTS = frozenset({"selected_users", "selected_channels", "selected_conversations"})
DICTS = ("user", "team", "view", "container", "channel", "message", "enterprise")


def storable(text: str) -> str:
    """Text both databases keep as typed, NUL aside."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return SURROGATE.sub("\ufffd", text) if SURROGATE.search(text) else text


def clean(value: Any) -> Any:
    """`value` with every string (keys too) storable; dicts and lists are changed in place, because Bolt
    hands listeners parts of the very body it parsed."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        value[:] = [clean(item) for item in value]
    elif isinstance(value, dict):
        cleaned = {storable(key) if isinstance(key, str) else key: clean(item) for key, item in value.items()}
        value.clear()
        value.update(cleaned)
    return value


def problem(body: Any, context: BoltContext) -> str | None:
    """What makes `body` something Slack would not send, or None."""
    if not isinstance(body, dict):
        return f"a {type(body).__name__}, not an object"
    for name in ("team_id", "user_id", "enterprise_id", "channel_id"):
        value = context.get(name)
        if value is not None and not (isinstance(value, str) and SLACK_ID.fullmatch(value)):
            return f"{name} is not a Slack id"
    url = body.get("response_url")
    if url not in (None, "") and not (isinstance(url, str) and RESPONSE_URL.fullmatch(url)):
        return "a response_url that is not a URL"
    if "command" in body:
        whole = context.team_id and context.user_id and isinstance(body.get("trigger_id"), str)
        return None if whole else "a command without its team, user or trigger_id"
    kind = body.get("type")
    if kind == "event_callback":
        if not isinstance(body.get("event"), dict):
            return "an event that is not an object"
        return None if EVENT_ID.fullmatch(str(body.get("event_id"))) else "an event_id that is not Slack's"
    if not isinstance(kind, str):
        return "no type"
    return _interactive(body, kind, context)


def _interactive(body: dict[str, Any], kind: str, context: BoltContext) -> str | None:
    """Clicks, modals and shortcuts: a user object, actions and views as Slack shapes them."""
    for name in DICTS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            return f"{name} is not an object"
    interactive = kind in ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")
    if interactive and (not isinstance(body.get("user"), dict) or not context.user_id):
        return "no user"
    if kind in ("block_actions", "shortcut", "message_action") and not isinstance(body.get("trigger_id"), str):
        return "no trigger_id"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "no actions"
        for action in actions:
            wrong = _element(action)
            if wrong:
                return f"an action {wrong}"
            if not isinstance(action.get("action_id"), str):
                return "an action without its action_id"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not (isinstance(view, dict) and isinstance(view.get("callback_id"), str) and view.get("id")):
            return "no view, or a view without its id"
    return _view(body["view"]) if isinstance(body.get("view"), dict) else None


def _view(view: dict[str, Any]) -> str | None:
    for name in ("id", "callback_id", "private_metadata", "hash"):
        if view.get(name) is not None and not isinstance(view[name], str):
            return f"a view's {name} is not a string"
    if view.get("blocks") is not None and not isinstance(view["blocks"], list):
        return "a view's blocks are not a list"
    state = view.get("state")
    if state is None:
        return None
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return "a view's state has no values"
    for inputs in values.values():
        if not isinstance(inputs, dict):
            return "a view's state is not Slack's"
        for element in inputs.values():
            wrong = _element(element)
            if wrong:
                return f"an input {wrong}"
    return None


def _element(element: Any) -> str | None:
    """What is wrong with an action or an input's state, by the types Slack gives its keys."""
    if not isinstance(element, dict):
        return "that is not an object"
    for key, value in element.items():
        if value is None:
            continue
        if key in TEXTS and not isinstance(value, str):
            return f"whose {key} is not a string"
        if key in ID_LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"whose {key} is not a list of ids"
        if key == "selected_option" and not _option(value):
            return "whose selected_option is not an option"
        if key == "selected_options" and not (isinstance(value, list) and all(_option(v) for v in value)):
            return "whose selected_options are not options"
    return None


def _option(option: Any) -> bool:
    return isinstance(option, dict) and isinstance(option.get("value"), str)


class Screen(Middleware):
    """Bolt's `before_authorize` step: right after the signature check, before anything reads the body.
    Class-based, as the other steps are (`handlers.middleware`), so Bolt calls it without building its
    arguments by name on every request."""

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        wrong = problem(req.body, req.context)
        if wrong is None:
            clean(req.body)
            return next()
        req.context.logger.warning("rejected a signed request that is not shaped like Slack's: %s", wrong)
        return BoltResponse(status=400, body="Bad Request: not a Slack request")
