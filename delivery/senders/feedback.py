"""Feedback on the clock: reminders to the people asked, and a round's results (with their picture), each
composed when sent: a reminder for someone who answered, declined, or whose round closed is not sent,
and results are made only for someone still allowed to see them, of a round still closed."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from blocks.feedback import asked_message, results_message
from delivery.dispatcher import NothingToSend, Sender, Upload, UploadMaker, post_once
from delivery.kinds import FEEDBACK_CHART, FEEDBACK_REMINDER, FEEDBACK_RESULTS
from growth import feedback
from growth.charts import feedback_chart
from growth.errors import GrowthError
from growth.feedback.rules import RequestStatus, RoundStatus
from growth.links import manager_of
from growth.people import find_person
from storage.db import Database
from storage.models import FeedbackRequest, FeedbackRound, Person
from storage.outbox import Claimed


def senders(db: Database) -> dict[str, Sender]:
    def remind(client: WebClient, row: Claimed) -> dict[str, Any]:
        with db.session() as session:
            request = session.get(FeedbackRequest, int(row.payload["request_id"]))
            round = session.get(FeedbackRound, request.round_id) if request is not None else None
            if request is None or round is None or round.team_id != row.team_id:
                raise NothingToSend("the request is gone")
            if request.status != RequestStatus.ASKED or round.status != RoundStatus.OPEN:
                raise NothingToSend("answered, declined or closed before the reminder")
            person, responder = session.get(Person, round.person_id), session.get(Person, request.responder_id)
            asker = session.get(Person, round.asked_by_id)
            assert person is not None and responder is not None and asker is not None and request.id is not None
            text, blocks = asked_message(
                round,
                request.id,
                person=person,
                asker=asker,
                manager=request.is_manager,
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
