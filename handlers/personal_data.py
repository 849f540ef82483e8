"""`/trellis settings` > Your data: a file of everything Trellis holds about you, or all of it deleted."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.personal_data import (
    data_deleted,
    delete_confirmation,
    deleting,
    export_on_its_way,
    home_after_deletion,
    not_deleted,
    not_yours,
)
from growth.personal_data import delete_data, export_requested
from handlers.middleware import PERSON_KEY
from handlers.services import services_of


def export_clicked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The file is made and sent through the outbox (files v2), like a packet; the modal says it is coming."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    trigger = body.get("trigger_id") if isinstance(body.get("trigger_id"), str) else ""
    with services.work() as work:
        work.notify(export_requested(person, request=trigger or str(work.now.timestamp())))
    with work.sending():
        if trigger:
            client.views_push(trigger_id=trigger, view=export_on_its_way().to_dict())


def delete_clicked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    trigger = body.get("trigger_id")
    if isinstance(trigger, str) and trigger:
        client.views_push(trigger_id=trigger, view=delete_confirmation(context[PERSON_KEY].slack_user_id).to_dict())


def delete_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: logging.Logger
) -> None:
    """Only the person the confirmation was opened for can confirm it (a replayed form deletes nothing).
    Answered at once: years of history take longer to delete than Slack waits; the modal then says how
    it went."""
    services, person = services_of(context), context[PERSON_KEY]
    user_id = person.slack_user_id
    if view.get("private_metadata") != user_id:
        ack(response_action="update", view=not_yours().to_dict())
        return
    ack(response_action="update", view=deleting().to_dict())
    view_id = view.get("id") if isinstance(view.get("id"), str) else None
    try:
        with services.work() as work:
            deleted = delete_data(work.session, person=person, now=work.now)
            work.notify(deleted.notices)
    except Exception:
        if view_id:
            client.views_update(view_id=view_id, view=not_deleted().to_dict())
        raise
    logger.info("deleted a person's data at their request team=%s", context.team_id)
    with work.sending():
        if view_id:
            client.views_update(view_id=view_id, view=data_deleted(deleted.summary()).to_dict())
        client.views_publish(user_id=user_id, view=home_after_deletion().to_dict())
