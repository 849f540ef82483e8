"""Reading what Slack sends: the subcommand and the people mentioned after a slash command, and the ids,
choices and private metadata buttons and forms carry.

`handlers.shapes` has already checked the types Slack gives every key; what is read here can still be
stale or forged (an id that is not a number, a choice no form offers, metadata of another modal, an
action sent from outside its modal). Such a payload raises `Unreadable`, which the person is told of
plainly and which changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from growth.errors import GrowthError
from handlers.shapes import SLACK_ID

MENTION = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")
LARGEST_ROW_ID = 2**31 - 1  # the ids of our tables are 32-bit integers on PostgreSQL

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


class Unreadable(GrowthError):
    """A payload Slack would not send as it is: an old button, a form of another version, or a forged
    request. `why` is for the log (never the payload's values); the person is told that nothing was
    changed."""

    def __init__(self, why: str) -> None:
        super().__init__(
            "That didn't come through as Trellis expected (an old button or form?), so nothing was changed. "
            "Please open it again."
        )
        self.why = why


def parse(text: str | None) -> tuple[str, str]:
    """Split `/trellis` text into (the subcommand as typed, the rest), at any white space."""
    parts = (text or "").split(maxsplit=1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")


def mentioned(text: str) -> list[str]:
    """The user ids mentioned in a command's text (Slack escapes mentions: `should_escape: true`)."""
    return MENTION.findall(text or "")


def number(value: object) -> int | None:
    """The id a button or form carries, or None when it is not one (a stale or forged payload); growth
    then answers for the missing row."""
    text = str(value if value is not None else "")
    if not (text.isascii() and text.isdigit()):
        return None
    found = int(text)
    return found if found <= LARGEST_ROW_ID else None


def row_id(value: object) -> int:
    """The id a button or form carries; Unreadable when it is not one."""
    found = number(value)
    if found is None:
        raise Unreadable("not a row id")
    return found


def user_id(value: object) -> str:
    """A Slack user id a form or a select carries; Unreadable when it is not one."""
    if not (isinstance(value, str) and SLACK_ID.fullmatch(value) and value[0] in "UW"):
        raise Unreadable("not a user id")
    return value


def channel_id(value: object) -> str:
    """A Slack conversation id a select carries; Unreadable when it is not one."""
    if not (isinstance(value, str) and SLACK_ID.fullmatch(value) and value[0] in "CGD"):
        raise Unreadable("not a channel id")
    return value


def choice(kind: type[E], value: object) -> E:
    """One of the choices `kind` offers; Unreadable for anything else."""
    try:
        return kind(value)
    except ValueError:
        raise Unreadable(f"not a {kind.__name__}") from None


def day(value: object) -> date | None:
    """A datepicker's date (YYYY-MM-DD), None when none was chosen; Unreadable for anything else."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Unreadable("not a date") from None


def loaded(load: Callable[[str], T], text: object) -> T:
    """What a form's private metadata holds, read by `load` (a dataclass's, or json.loads); Unreadable
    when it holds something else, or numbers no id, page or count of ours can be."""
    try:
        found = load(str(text if text is not None else ""))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise Unreadable("private_metadata it cannot read") from None
    if is_dataclass(found):
        for item in fields(found):
            value = getattr(found, item.name)
            numbers = value if isinstance(value, list) else [value]
            if any(isinstance(n, int) and not 0 <= n <= LARGEST_ROW_ID for n in numbers):
                raise Unreadable("private_metadata with a number out of range")
    return found


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A view's private metadata as a JSON object (empty when there is none)."""
    found = loaded(json.loads, view.get("private_metadata") or "{}")
    if not isinstance(found, dict):
        raise Unreadable("private_metadata is not an object")
    return found


def values_of(view: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """A submitted view's input values, {block_id: {action_id: state}} (shapes are checked on arrival)."""
    return (view.get("state") or {}).get("values") or {}


def selected(values: dict[str, Any], block: str, action: str, key: str = "selected_option") -> Any:
    """The state `key` of one input, None when the form does not hold it; for an option, its value."""
    state = (values.get(block) or {}).get(action) or {}
    found = state.get(key)
    return found.get("value") if key == "selected_option" and found is not None else found


def view_of(body: dict[str, Any], *callback_ids: str) -> dict[str, Any]:
    """The modal an action was taken in, which must be one of `callback_ids`: an action sent from
    anywhere else is Unreadable."""
    view = body.get("view")
    if not isinstance(view, dict) or view.get("callback_id") not in callback_ids or not view.get("id"):
        raise Unreadable(f"an action outside its modal ({callback_ids})")
    return view
