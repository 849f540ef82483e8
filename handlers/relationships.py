"""Confirm / Not me on a request to be someone's manager or mentor: one life cycle for both
(`growth.relationships`), told apart by the button's action id."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from blocks.ids import ActionId
from blocks.links import outcome_for_manager
from blocks.mentors import outcome_for_mentor
from growth import links, mentors
from growth.links import Link
from handlers.middleware import PERSON_KEY
from handlers.parsing import row_id
from handlers.services import services_of

CONFIRMS = (ActionId.LINK_CONFIRM, ActionId.MENTOR_CONFIRM)
MENTORSHIP = (ActionId.MENTOR_CONFIRM, ActionId.MENTOR_DECLINE)


def answer_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """The person asked answers; the request in their DM shows the outcome (a second click changes
    nothing), and the one who asked is told once."""
    ack()
    services, who = services_of(context), context[PERSON_KEY]
    confirm = action["action_id"] in CONFIRMS
    answer = mentors.answer if action["action_id"] in MENTORSHIP else links.answer
    with services.work() as work:
        answered = answer(work.session, link_id=row_id(action.get("value")), who=who, confirm=confirm, now=work.now)
        work.notify(answered.notices)
    with work.sending():  # the answer first, then this change's own messages
        relation = answered.relation
        text = outcome_for_manager(relation) if isinstance(relation, Link) else outcome_for_mentor(relation)
        respond(text=text, replace_original=True)
