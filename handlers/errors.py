"""One place turns failures into a message a person can act on, and logs the rest with an id.

Listeners let growth's refusals (`GrowthError`: not allowed, gone, invalid) propagate here: a command
gets them as its ephemeral answer, a click in a message in place (ephemeral), a click on the App Home
(which has no response_url) as a DM, a modal inside itself, on the field the error names."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.exc import DBAPIError, OperationalError

from growth.errors import GrowthError
from storage.db import DatabaseUnavailable

DATABASE_DOWN = (
    "Trellis can't reach its database right now, so nothing was saved. "
    "Please try again in a minute; what you typed is still here."
)


def message_for(error: Exception, error_id: str) -> tuple[str, bool]:
    """(what to tell the person, whether the failure is worth logging as unexpected)."""
    if isinstance(error, GrowthError):
        return str(error), False
    if isinstance(error, DatabaseUnavailable | OperationalError | DBAPIError):
        return DATABASE_DOWN, True
    return (
        f"Something went wrong on Trellis's side (error {error_id}). Nothing you wrote was lost; please try again.",
        True,
    )


def handle_error(
    error: Exception, body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger
) -> BoltResponse | None:
    error_id = uuid.uuid4().hex[:8]
    text, unexpected = message_for(error, error_id)
    if unexpected:
        logger.error(
            "request failed (error %s) team=%s user=%s",
            error_id,
            context.team_id,
            context.user_id,
            exc_info=error,
        )
    if not isinstance(body, dict):
        return None
    if body.get("type") == "view_submission":
        return _keep_modal_open(body, text, getattr(error, "field", None))
    if body.get("type") == "event_callback":
        return None  # Bolt answers 500 and Slack retries the delivery later
    already_acked = context.ack is not None and context.ack.response is not None
    if "command" in body and not already_acked:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    if context.response_url:  # Bolt makes `context.respond` either way; without a URL it cannot answer
        context.respond(text=text, response_type="ephemeral", replace_original=False)
        return BoltResponse(status=200, body="")
    if body.get("type") == "block_actions" and context.user_id:
        client.chat_postMessage(channel=context.user_id, text=text)  # the App Home has no response_url
        return BoltResponse(status=200, body="")
    return None


def _keep_modal_open(body: dict[str, Any], text: str, field: str | None) -> BoltResponse | None:
    """Show the failure inside the modal, on the field it names (else the first), so nothing typed is lost."""
    blocks = (body.get("view") or {}).get("blocks") or []
    inputs = [block["block_id"] for block in blocks if block.get("type") == "input" and block.get("block_id")]
    if not inputs:
        return None
    where = field if field in inputs else inputs[0]
    return BoltResponse(status=200, body={"response_action": "errors", "errors": {where: text[:150]}})
