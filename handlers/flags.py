"""Flagging an unclear expectation, from an assessment page or the result in the DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.flags import FlagTarget, flag_modal, flag_thanks
from blocks.ids import ActionId, BlockId
from growth.errors import GrowthError
from growth.frameworks.flags import flag
from growth.frameworks.versions import by_id
from handlers.middleware import PERSON_KEY
from handlers.parsing import Unreadable, loaded, selected, values_of
from handlers.services import services_of


def open_flag(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Over the assessment modal (pushed, so Back returns to it) or on its own from a message."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    target = loaded(FlagTarget.load, action.get("value"))
    with services.db.session() as session:
        stored = by_id(session, team_id=person.team_id, version_id=target.version_id)
    if stored is None:
        raise Unreadable("a framework version that is not the workspace's")
    view = flag_modal(stored.framework, target).to_dict()
    if (body.get("view") or {}).get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def flag_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    target = loaded(FlagTarget.load, view.get("private_metadata"))
    values = values_of(view)
    competency_id = selected(values, BlockId.FLAG_WHICH, ActionId.FLAG_WHICH)
    comment = selected(values, BlockId.FLAG_COMMENT, ActionId.FLAG_COMMENT, "value") or ""
    if not competency_id:
        ack(response_action="errors", errors={BlockId.FLAG_WHICH: "Choose the expectation you mean."})
        return
    try:
        with services.db.session() as session:
            flag(
                session,
                person=person,
                version_id=target.version_id,
                level_id=target.level_id,
                competency_id=competency_id,
                comment=comment,
                now=services.clock(),
            )
            stored = by_id(session, team_id=person.team_id, version_id=target.version_id)
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.FLAG_COMMENT: str(error)[:150]})
        return
    assert stored is not None
    name = next(c.name for c in stored.framework.competencies if c.id == competency_id)
    ack(response_action="update", view=flag_thanks(name, target.level_id).to_dict())
