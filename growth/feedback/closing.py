"""Closing a round: on its due date, or early by the person it is about once enough have answered.

At close an anonymous round's answers are released all at once, and only when at least `min_answers`
people besides the manager answered; each pooled answer is written again without its link to the
person who gave it, its times or its place in the order of answering, so nothing, not even the
database, says whose it was. Below the threshold nothing of them is
shown, and the person may extend the round or ask someone more (which opens it again).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from growth.errors import GrowthError, NotAllowed
from growth.feedback.asking import add_requests, asked_notices, checked_people, reminders, requests_of
from growth.feedback.rules import DEFAULT_DAYS, RequestStatus, RoundStatus, end_of, last_day
from growth.links import manager_of
from growth.notices import FeedbackClosed, FeedbackShared, Notice
from growth.people import local_today
from storage.models import FeedbackAnswer, FeedbackRating, FeedbackRequest, FeedbackRound, Person


@dataclass(frozen=True)
class Changed:
    round: FeedbackRound
    notices: list[Notice] = field(default_factory=list)
    added: int = 0  # people newly asked


def answered_counts(session: Session, round: FeedbackRound) -> tuple[int, int, bool]:
    """(people asked, peers who answered, whether the manager answered): peers exclude the manager."""
    requests = requests_of(session, round)
    peers = sum(1 for r in requests if r.status == RequestStatus.ANSWERED and not r.is_manager)
    manager = any(r.status == RequestStatus.ANSWERED and r.is_manager for r in requests)
    return len(requests), peers, manager


def released(session: Session, round: FeedbackRound) -> bool:
    """Whether the peers' answers may be shown: a closed round, named, or with enough answers."""
    return shows_answers(round, answered_counts(session, round)[1])


def shows_answers(round: FeedbackRound, peers: int) -> bool:
    """`released`, for a caller that counted the peers who answered already."""
    if round.status != RoundStatus.CLOSED:
        return False
    return not round.anonymous or peers >= round.min_answers


def owned(session: Session, *, person: Person, round_id: int) -> FeedbackRound:
    round = session.get(FeedbackRound, round_id)
    if round is None or round.team_id != person.team_id:
        raise GrowthError("That feedback round is gone.")
    if round.person_id != person.id:
        raise NotAllowed("Only the person the feedback is about can change this round.")
    return round


def due_to_close(session: Session, *, now: datetime) -> list[Notice]:
    """Every round whose due date has ended, closed: the notices of their results."""
    rounds = session.exec(
        select(FeedbackRound).where(FeedbackRound.status == RoundStatus.OPEN.value, FeedbackRound.due_at <= now)  # type: ignore[operator]
    ).all()
    return [notice for round in rounds for notice in _close(session, round, now)]


def close_early(session: Session, *, person: Person, round_id: int, now: datetime) -> Changed:
    """The person closes their round before its date, once enough answered to show something."""
    round = owned(session, person=person, round_id=round_id)
    if round.status != RoundStatus.OPEN:
        return Changed(round)
    if round.anonymous and round.opened_again:
        raise GrowthError(
            f"This round opened again after its first close, so it closes only on its date, "
            f"{_on(round, person)}: closing it the moment enough answered would tell you who answered last."
        )
    _, peers, manager = answered_counts(session, round)
    if round.anonymous and peers < round.min_answers:
        raise GrowthError(
            f"Not enough answers yet to close it early: anonymous answers are shown only when at least "
            f"{round.min_answers} people answer. It closes by itself {_on(round, person)}."
        )
    if not round.anonymous and not peers and not manager:
        raise GrowthError(f"Nobody has answered yet. It closes by itself {_on(round, person)}.")
    return Changed(round, _close(session, round, now))


def _close(session: Session, round: FeedbackRound, now: datetime) -> list[Notice]:
    """Closed once: the job and a "Close it now" at the same moment cannot both send the results."""
    closing = session.execute(
        update(FeedbackRound)
        .where(FeedbackRound.id == round.id, FeedbackRound.status == RoundStatus.OPEN.value)  # type: ignore[arg-type]
        .values(status=RoundStatus.CLOSED.value, closed_at=now, updated_at=now)
    )
    if closing.rowcount != 1:  # type: ignore[attr-defined]
        return []
    session.refresh(round)
    if round.anonymous:
        _pool(session, round, now)
    person = session.get(Person, round.person_id)
    assert person is not None
    return [FeedbackClosed(round, person)]


def _pool(session: Session, round: FeedbackRound, now: datetime) -> None:
    """From now on no row says whose an anonymous answer was (the manager's stays named): each peer's
    answer is written again without its request, stamped with the close, in an order of its words, so
    neither a link nor a time nor the order of the rows can be matched to the people asked."""
    answers = session.exec(
        select(FeedbackAnswer).where(FeedbackAnswer.round_id == round.id, FeedbackAnswer.from_manager == False)  # noqa: E712
    ).all()
    if not answers:
        return
    ids = [answer.id for answer in answers]
    ratings: dict[int, list[FeedbackRating]] = defaultdict(list)
    for rating in session.exec(select(FeedbackRating).where(FeedbackRating.answer_id.in_(ids))).all():  # type: ignore[attr-defined]
        ratings[rating.answer_id].append(rating)
    said = [
        (
            answer.biggest_gap,
            answer.next_step,
            sorted((r.competency_id, r.rating, r.example) for r in ratings[answer.id or 0]),
        )
        for answer in answers
    ]
    session.execute(delete(FeedbackRating).where(FeedbackRating.answer_id.in_(ids)))  # type: ignore[attr-defined]
    session.execute(delete(FeedbackAnswer).where(FeedbackAnswer.id.in_(ids)))  # type: ignore[union-attr]
    for gap, step, rated in sorted(said, key=lambda one: hashlib.sha256(repr(one).encode()).hexdigest()):
        pooled = FeedbackAnswer(
            team_id=round.team_id,
            round_id=round.id or 0,
            request_id=None,
            from_manager=False,
            biggest_gap=gap,
            next_step=step,
            created_at=now,
            updated_at=now,
        )
        session.add(pooled)
        session.flush()
        for competency_id, rating, example in rated:
            session.add(
                FeedbackRating(answer_id=pooled.id or 0, competency_id=competency_id, rating=rating, example=example)
            )
    asked = (FeedbackRequest.round_id == round.id) & (FeedbackRequest.is_manager == False)  # noqa: E712
    session.execute(update(FeedbackRequest).where(asked).values(updated_at=now))


def extend(session: Session, *, person: Person, round_id: int, now: datetime, days: int = DEFAULT_DAYS) -> Changed:
    """More time: the round is open again until `days` after its date (or from today, if that passed);
    those not yet answered are reminded again."""
    round = owned(session, person=person, round_id=round_id)
    _still_hidden(session, round)
    if round.status == RoundStatus.OPEN:
        raise GrowthError(f"It is open already, until {_on(round, person).removeprefix('at ')}.")
    due_on = max(last_day(round, person), local_today(person, now)) + timedelta(days=days)
    return Changed(round, _reopen(session, round, person, due_on, now))


def ask_more(
    session: Session, *, person: Person, round_id: int, responders: Sequence[Person], now: datetime
) -> Changed:
    """Someone more to ask: they get the DM, and a round already closed opens again for three days."""
    round = owned(session, person=person, round_id=round_id)
    _still_hidden(session, round)
    already = {request.responder_id for request in requests_of(session, round)}
    added = [responder for responder in checked_people(person, responders) if responder.id not in already]
    if not added:
        raise GrowthError("They were asked already.")
    today, due_on = local_today(person, now), last_day(round, person)
    notices: list[Notice] = []
    if round.status != RoundStatus.OPEN or due_on < today + timedelta(days=3):
        due_on = today + timedelta(days=3)  # the reminders already queued were for the old date: new ones
        notices = _reopen(session, round, person, due_on, now)
    requests = add_requests(session, round=round, person=person, responders=added, now=now)
    for request, responder in zip(requests, added, strict=True):
        notices += asked_notices(round, request, due_on=due_on, responder=responder, asker=person, now=now)
    return Changed(round, notices, added=len(added))


def _still_hidden(session: Session, round: FeedbackRound) -> None:
    """A round opens again only while nothing of it was shown: results out stay out."""
    if released(session, round):
        raise GrowthError("These results are out already. To hear more, start a new round: `/trellis feedback`.")


def _reopen(session: Session, round: FeedbackRound, person: Person, due_on: date, now: datetime) -> list[Notice]:
    """Open until the end of `due_on`; those not answered yet are reminded for the new date (the
    reminders queued for the old one find it changed, and are not sent)."""
    if round.status != RoundStatus.OPEN:
        round.opened_again = True
    round.due_at, round.status, round.closed_at = end_of(due_on, person), RoundStatus.OPEN.value, None
    round.updated_at = now
    session.add(round)
    waiting = session.exec(
        select(FeedbackRequest, Person)
        .join(Person, Person.id == FeedbackRequest.responder_id)  # type: ignore[arg-type]
        .where(FeedbackRequest.round_id == round.id, FeedbackRequest.status == RequestStatus.ASKED.value)
    ).all()
    return [notice for request, responder in waiting for notice in reminders(round, request, due_on, responder, now)]  # type: ignore[arg-type]


def share_with_manager(session: Session, *, person: Person, round_id: int, now: datetime) -> Changed:
    """The person shows their results to their confirmed manager, who gets them in a DM."""
    round = owned(session, person=person, round_id=round_id)
    if round.status != RoundStatus.CLOSED:
        raise GrowthError("The results can be shared once the round has closed.")
    manager = manager_of(session, report=person)
    if manager is None:
        raise GrowthError("You have no confirmed manager in Trellis to share them with.")
    if round.shared_with_id == manager.id:
        return Changed(round)
    round.shared_with_id, round.updated_at = manager.id, now  # this manager: a later one does not inherit it
    session.add(round)
    return Changed(round, [FeedbackShared(round, person, manager)])


def _on(round: FeedbackRound, person: Person) -> str:
    return f"at the end of {last_day(round, person):%A %-d %B}"
