"""Answering a feedback request: only the person asked, only while the round is open, as often as they
like (each save replaces their answer). Nobody is told that someone answered: timing names people."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from growth.errors import GrowthError, NotAllowed
from growth.feedback.rules import Choice, FeedbackInvalid, RequestStatus, RoundStatus, asked_against, checked_text
from growth.frameworks.model import Competency, Expectation, Level
from growth.notices import FeedbackAnswered, Notice
from storage.models import FeedbackAnswer, FeedbackRating, FeedbackRequest, FeedbackRound, Person

CLOSED = "This feedback round has closed, so it takes no more answers. Thank you all the same."
POOLED = (
    "Your answer is in: it was pooled anonymously with the others when the round first closed, so nothing "
    "links it to you any more, and it can't be changed."
)


@dataclass(frozen=True)
class Given:
    """What the form held: per competency a choice and an example (either may be missing)."""

    ratings: Mapping[str, tuple[str | None, str | None]]
    biggest_gap: str | None = None
    next_step: str | None = None


@dataclass(frozen=True)
class AnswerForm:
    round: FeedbackRound
    request: FeedbackRequest
    person: Person  # whom the feedback is about
    level: Level  # the target level, as the round's framework version has it
    competencies: list[tuple[Competency, Expectation]]  # the round's, in the order asked
    previous: Given | None  # what they answered before, to edit


@dataclass(frozen=True)
class Answered:
    round: FeedbackRound
    request: FeedbackRequest
    person: Person  # whom the feedback is about
    first: bool  # not an edit
    notices: list[Notice] = field(default_factory=list)


def request_for(session: Session, *, responder: Person, request_id: int) -> tuple[FeedbackRound, FeedbackRequest]:
    """The request, if it is this person's and its round is still open."""
    request = session.get(FeedbackRequest, request_id)
    if request is None or request.team_id != responder.team_id:
        raise GrowthError("That feedback request is gone.")
    if request.responder_id != responder.id:
        raise NotAllowed("Only the people asked can give this feedback.")
    round = session.get(FeedbackRound, request.round_id)
    assert round is not None
    if round.status != RoundStatus.OPEN:
        raise GrowthError(CLOSED)
    return round, request


def answer_form(session: Session, *, responder: Person, request_id: int) -> AnswerForm:
    round, request = request_for(session, responder=responder, request_id=request_id)
    previous = _previous(session, request)
    if previous is None and request.status == RequestStatus.ANSWERED:
        raise GrowthError(POOLED)
    person = session.get(Person, round.person_id)
    assert person is not None
    against = asked_against(session, round)
    return AnswerForm(round, request, person, against.level, against.asked(round), previous)


def _previous(session: Session, request: FeedbackRequest) -> Given | None:
    answer = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)).first()
    if answer is None:
        return None
    ratings = session.exec(select(FeedbackRating).where(FeedbackRating.answer_id == answer.id)).all()
    return Given({r.competency_id: (r.rating, r.example) for r in ratings}, answer.biggest_gap, answer.next_step)


def answer(
    session: Session,
    *,
    responder: Person,
    request_id: int,
    given: Given,
    now: datetime,
    from_message: tuple[str, str] | None = None,
) -> Answered:
    """Save (or replace) the answer. `from_message`: the (channel, ts) of the DM that asked, which then
    says it was answered; nothing goes to anyone else."""
    round, request = request_for(session, responder=responder, request_id=request_id)
    asked = round.competencies.split(",")
    ratings: dict[str, tuple[str | None, str | None]] = {}
    for competency_id, (rating, example) in given.ratings.items():
        if competency_id not in asked:
            raise FeedbackInvalid(f"rating:{competency_id}", "That competency is not part of this round.")
        if rating is not None and rating not in {choice.value for choice in Choice}:
            raise FeedbackInvalid(f"rating:{competency_id}", "Choose one of the answers offered.")
        text = checked_text(example, field=f"example:{competency_id}", label="An example")
        if rating is not None or text is not None:
            ratings[competency_id] = (rating, text)
    gap = checked_text(given.biggest_gap, field="gap", label="The biggest gap")
    step = checked_text(given.next_step, field="next", label="One thing to try next")
    if not ratings and gap is None and step is None:
        first = f"rating:{asked[0]}" if asked else "gap"
        raise FeedbackInvalid(first, "Choose at least one answer, or write a sentence.")
    answer = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)).first()
    if answer is None and request.status == RequestStatus.ANSWERED:
        raise GrowthError(POOLED)  # a round that closed once and opened again: a second answer would count twice
    first = answer is None
    if answer is None:
        answer = FeedbackAnswer(
            team_id=round.team_id,
            round_id=round.id or 0,
            request_id=request.id,
            from_manager=request.is_manager,
            created_at=now,
        )
    answer.biggest_gap, answer.next_step, answer.updated_at = gap, step, now
    session.add(answer)
    session.flush()
    session.execute(delete(FeedbackRating).where(FeedbackRating.answer_id == answer.id))  # type: ignore[arg-type]
    for competency_id, (rating, text) in ratings.items():
        session.add(FeedbackRating(answer_id=answer.id or 0, competency_id=competency_id, rating=rating, example=text))
    request.status, request.updated_at = RequestStatus.ANSWERED.value, now
    session.add(request)
    person = session.get(Person, round.person_id)
    assert person is not None
    notices: list[Notice] = []
    if from_message is not None:
        notices.append(FeedbackAnswered(round, request, person, responder, *from_message, at=now))
    return Answered(round, request, person, first, notices)


@dataclass(frozen=True)
class Declined:
    round: FeedbackRound
    person: Person
    answered_before: bool = False  # they had answered: the answer stands


def decline(session: Session, *, responder: Person, request_id: int, now: datetime) -> Declined:
    """ "Can't this time": no more reminders. The person asking is not told who declined."""
    round, request = request_for(session, responder=responder, request_id=request_id)
    person = session.get(Person, round.person_id)
    assert person is not None
    if request.status == RequestStatus.ANSWERED:
        return Declined(round, person, answered_before=True)
    request.status, request.updated_at = RequestStatus.DECLINED.value, now
    session.add(request)
    return Declined(round, person)
