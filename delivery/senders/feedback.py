"""Feedback on the clock: reminders to the people asked, and a round's results (with their picture), each
composed when sent: a reminder for someone who answered, declined, or whose round closed is not sent,
and results are made only for someone still allowed to see them, of a round still closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from blocks.feedback import asked_message
from blocks.feedback_results import results_message
from delivery.dispatcher import NothingToSend, Sender, Upload, UploadMaker, post_once
from delivery.kinds import FEEDBACK_CHART, FEEDBACK_REMINDER, FEEDBACK_RESULTS
from growth import feedback
from growth.charts import feedback_chart
from growth.errors import GrowthError
from growth.feedback.rules import RoundStatus
from growth.links import manager_of
from growth.people import find_person
from storage.db import Database
from storage.models import FeedbackRound, Person
from storage.outbox import Claimed


def senders(db: Database) -> dict[str, Sender]:
    def remind(client: WebClient, row: Claimed) -> dict[str, Any]:
        due = row.payload.get("due_at")
        with db.session() as session:
            found = feedback.reminder_due(
                session,
                team_id=row.team_id,
                request_id=int(row.payload["request_id"]),
                due_at=datetime.fromisoformat(due) if due else None,
            )
            if found is None:
                raise NothingToSend("answered, declined, closed or moved before the reminder")
            responder = found.responder
            text, blocks = asked_message(
                found.round,
                found.request.id or 0,
                person=found.person,
                asker=found.asker,
                responder=responder,
                manager=found.request.is_manager,
                reminder=str(row.payload.get("which") or "soon"),
            )
        payload = {"channel": responder.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
        return post_once(client, row.key, payload, in_doubt=row.in_doubt)

    def results(client: WebClient, row: Claimed) -> dict[str, Any]:
        with db.session() as session:
            viewer, made = _made(session, row)
            manager = manager_of(session, report=made.person)
            text, blocks = results_message(made, viewer=viewer, manager=manager)
        payload = {"channel": viewer.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
        return post_once(client, row.key, payload, in_doubt=row.in_doubt)

    return {FEEDBACK_REMINDER: remind, FEEDBACK_RESULTS: results}


def makers(db: Database) -> dict[str, UploadMaker]:
    def chart(row: Claimed) -> Upload:
        with db.session() as session:
            viewer, made = _made(session, row)
        drawn = feedback_chart(made)
        if drawn is None:
            raise NothingToSend("nothing of the answers may be shown")
        return Upload(viewer.slack_user_id, drawn.filename, drawn.title, drawn.alt_txt, drawn.png)

    return {FEEDBACK_CHART: chart}


def _made(session: Any, row: Claimed) -> tuple[Person, feedback.Summary]:
    viewer = find_person(session, team_id=row.team_id, user_id=str(row.payload.get("to") or ""))
    round = session.get(FeedbackRound, int(row.payload["round_id"]))
    if viewer is None or round is None or round.team_id != row.team_id:
        raise NothingToSend("the round or its reader is gone")
    if round.status != RoundStatus.CLOSED:
        raise NothingToSend("the round opened again")
    try:
        return viewer, feedback.summary(session, viewer=viewer, round_id=round.id)
    except GrowthError as error:  # no longer allowed (a link ended), or gone
        raise NothingToSend(str(error)) from None
