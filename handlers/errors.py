"""One place turns failures into a message a person can act on, and logs the rest with an id.

Listeners let growth's refusals (`GrowthError`: not allowed, gone, invalid) propagate here: a command
gets them as its ephemeral answer, a click in a message in place (ephemeral), a click on the App Home
(which has no response_url) as a DM, a modal inside itself, on the field the error names. An answer
Slack refused at the response_url (`NotShown`, or this handler's own) is told in a DM as well.

What is logged, and how: a refusal not at all; a stale or forged payload (`Unreadable`, or Slack saying
the form or message it names is gone), and an answer Slack refused, as one WARNING line; a database
that cannot be reached as an ERROR line without a traceback (the cause is the server, not the code);
anything else, a bug, as an ERROR with its traceback and an id the person is shown."""

from __future__ import annotations

import logging
import uuid
from enum import Enum
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from delivery.responding import NotShown
from growth.errors import GrowthError
from handlers.parsing import Unreadable
from storage.db import is_outage

DATABASE_DOWN = (
    "That did not go through: Trellis can't reach its database right now, so nothing was saved. "
    "Please try again in a minute."
)
OUT_OF_DATE = "That form or message is out of date, so nothing was changed. Please open it again."
NOT_SHOWN = (
    "Slack did not show Trellis's answer to that just now, so the message may be out of date. "
    "Nothing was lost; please try again in a moment."
)
# What Slack answers about a view, a trigger or a message that is no longer there to act on.
STALE_SURFACES = frozenset(
    {
        "expired_trigger_id",
        "invalid_trigger_id",
        "exchanged_trigger_id",
        "trigger_exchanged",
        "hash_conflict",
        "not_found",
        "view_not_found",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
    }
)


class Kind(Enum):
    REFUSED = "refused"  # growth said no, with a sentence: nothing to log
    UNREADABLE = "unreadable"  # stale or forged: a line at WARNING
    OUTAGE = "outage"  # the database could not be reached: ERROR, no traceback
    NOT_SHOWN = "not shown"  # Slack refused the answer to a response_url: WARNING, told by DM
    BUG = "bug"  # ERROR with the traceback


def classify(error: Exception) -> Kind:
    if isinstance(error, Unreadable):
        return Kind.UNREADABLE
    if isinstance(error, NotShown):
        return Kind.NOT_SHOWN
    if isinstance(error, GrowthError):
        return Kind.REFUSED
    if isinstance(error, SlackApiError) and error.response.get("error") in STALE_SURFACES:
        return Kind.UNREADABLE
    if is_outage(error):
        return Kind.OUTAGE
    return Kind.BUG


def message_for(error: Exception, error_id: str) -> tuple[str, Kind]:
    """What to tell the person, and what kind of failure it was."""
    kind = classify(error)
    if kind is Kind.REFUSED or isinstance(error, Unreadable):
        return str(error), kind
    if kind is Kind.UNREADABLE:
        return OUT_OF_DATE, kind
    if kind is Kind.OUTAGE:
        return DATABASE_DOWN, kind
    if kind is Kind.NOT_SHOWN:
        return NOT_SHOWN, kind
    return (
        f"Something went wrong on Trellis's side (error {error_id}). Nothing you wrote was lost; please try again.",
        kind,
    )


def handle_error(
    error: Exception, body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger
) -> BoltResponse | None:
    error_id = uuid.uuid4().hex[:8]
    text, kind = message_for(error, error_id)
    where = f"team={context.team_id} user={context.user_id} {_what(body)}"
    if kind is Kind.UNREADABLE:
        why = getattr(error, "why", None) or f"Slack answered {error.response.get('error')}"  # type: ignore[attr-defined]
        logger.warning("rejected a stale or forged request %s: %s", where, why)
    elif kind is Kind.OUTAGE:
        logger.error("the database failed (error %s) %s: %s", error_id, where, _first_line(error))
    elif kind is Kind.NOT_SHOWN:
        logger.warning("Slack did not show an answer %s: %s", where, error)
    elif kind is Kind.BUG:
        logger.error("request failed (error %s) %s", error_id, where, exc_info=error)
    if not isinstance(body, dict):
        return None
    if body.get("type") == "view_submission":
        return _keep_modal_open(body, text, getattr(error, "field", None))
    if body.get("type") == "event_callback":
        return None  # Bolt answers 500 and Slack retries the delivery later
    already_acked = context.ack is not None and context.ack.response is not None
    if "command" in body and not already_acked:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    if context.response_url and kind is not Kind.NOT_SHOWN:  # without a URL, Bolt's `respond` cannot answer
        answer = context.respond(text=text, response_type="ephemeral", replace_original=False)
        if answer.status_code == 200:
            return BoltResponse(status=200, body="")
        logger.warning("Slack did not show an answer %s: it answered %s", where, answer.status_code)
    if context.user_id:  # the App Home and a global shortcut have no response_url; or Slack refused it
        _tell_in_a_dm(client, context, text, logger)
        return BoltResponse(status=200, body="")
    return None


def _tell_in_a_dm(client: WebClient, context: BoltContext, text: str, logger: logging.Logger) -> None:
    """The person's DM with Trellis (`chat.postMessage` takes their user id), when no answer in place
    can reach them. If Slack refuses that too, the log has it: there is no other way to tell them."""
    try:
        client.chat_postMessage(channel=context.user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell user=%s in a DM either: %s", context.user_id, error.response.get("error"))


def _what(body: Any) -> str:
    """The request in a few words for the log: its kind and its id, never what anyone typed."""
    if not isinstance(body, dict):
        return ""
    if "command" in body:
        return f"command={body.get('command')}"
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    named = {
        "block_actions": f"action={first.get('action_id')}",
        "view_submission": f"view={view.get('callback_id')}",
        "event_callback": f"event={event.get('type')} event_id={body.get('event_id')}",
    }
    return named.get(str(body.get("type")), f"type={body.get('type')}")


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:200]


def _keep_modal_open(body: dict[str, Any], text: str, field: str | None) -> BoltResponse:
    """Show the failure inside the modal, on the field it names (else the first), so nothing typed is
    lost; a modal without inputs shows it in its place."""
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    blocks = view.get("blocks") if isinstance(view.get("blocks"), list) else []
    inputs = [
        block["block_id"]
        for block in blocks
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str)
    ]
    if inputs:
        where = field if field in inputs else inputs[0]
        return BoltResponse(status=200, body={"response_action": "errors", "errors": {where: text[:150]}})
    shown = View(type="modal", title="Trellis", close="Close", blocks=[SectionBlock(text=text)])
    return BoltResponse(status=200, body={"response_action": "update", "view": shown.to_dict()})
