"""What a closed round shows, and to whom.

The person it is about sees the results; their confirmed manager only once the person shares them.
In an anonymous round the peers' answers are shown only when enough answered (else nothing of them,
not even counts), free text is listed in an order that depends only on the words (never on who
answered or when) and never beside a name. The manager's answer is never pooled with the peers' (in
either kind of round): it is shown apart, named. In a named round every answer carries its author's name.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session, select

from growth.assessments import latest
from growth.errors import GrowthError, NotAllowed
from growth.feedback.closing import answered_counts, shows_answers
from growth.feedback.rules import DISTANCE, Choice, RequestStatus, RoundStatus, asked_against
from growth.frameworks.model import Framework, Level
from growth.links import manages
from growth.visibility import Sight
from storage.models import FeedbackAnswer, FeedbackRating, FeedbackRequest, FeedbackRound, Person


@dataclass(frozen=True)
class Said:
    text: str
    by: str | None = None  # a name: in a named round, and the manager's (always named)


@dataclass(frozen=True)
class CompetencyResult:
    competency_id: str
    name: str
    expectation: str
    spread: dict[Choice, int] | None  # None: withheld
    examples: list[Said]
    self_rated: int | None = None  # the latest self-assessment against this level, on the framework's scale
    expected: int | None = None

    @property
    def distance(self) -> float | None:
        """How far the answers put the person from what the level expects (0 = consistently)."""
        if not self.spread:
            return None
        rated = {choice: n for choice, n in self.spread.items() if choice in DISTANCE and n}
        total = sum(rated.values())
        return sum(DISTANCE[choice] * n for choice, n in rated.items()) / total if total else None


@dataclass(frozen=True)
class ManagerAnswer:
    name: str
    ratings: dict[str, tuple[Choice | None, str | None]]  # competency id -> (choice, example)
    biggest_gap: str | None
    next_step: str | None


@dataclass(frozen=True)
class Summary:
    round: FeedbackRound
    person: Person
    framework: Framework  # the version the round asked against
    level: Level
    asked: int
    answered: int  # everyone who answered, the manager included
    released: bool  # the peers' answers are shown
    needed: int  # how many peers must answer for an anonymous round to be shown
    competencies: list[CompetencyResult]
    gaps: list[Said] = field(default_factory=list)
    next_steps: list[Said] = field(default_factory=list)
    manager: ManagerAnswer | None = None  # the manager's answer, never pooled: shown apart, named
    suggestions: list[str] = field(default_factory=list)  # the framework's activities for the largest gap

    @property
    def largest(self) -> CompetencyResult | None:
        ranked = [c for c in self.competencies if c.distance]
        return max(ranked, key=lambda c: c.distance or 0.0) if ranked else None


def _in_word_order(said: list[Said]) -> list[Said]:
    """An order that depends only on the words: not who answered, not when."""
    return sorted(said, key=lambda s: hashlib.sha256(s.text.encode()).hexdigest())


def may_see(session: Session, *, viewer: Person, round: FeedbackRound) -> None:
    if viewer.team_id != round.team_id:
        raise GrowthError("That feedback round is gone.")
    if viewer.id == round.person_id:
        return
    person = session.get(Person, round.person_id)
    if person is not None and round.shared_with_id == viewer.id and manages(session, manager=viewer, report=person):
        return  # shared with this manager, who still is
    raise NotAllowed("Only the person the feedback is about sees its results, and their manager once shared.")


def summary(session: Session, *, viewer: Person, round_id: int) -> Summary:
    round = session.get(FeedbackRound, round_id)
    if round is None:
        raise GrowthError("That feedback round is gone.")
    may_see(session, viewer=viewer, round=round)
    if round.status != RoundStatus.CLOSED:
        raise GrowthError("The results come all at once, when the round closes.")
    return build(session, round)


def build(session: Session, round: FeedbackRound) -> Summary:
    """The results of a closed round, against the framework version it asked (no permission check)."""
    person = session.get(Person, round.person_id)
    assert person is not None
    against = asked_against(session, round)
    level, level_id, expected = against.level, against.level.id, against.expected
    asked = [competency.id for competency, _ in against.asked(round)]
    total, peers, manager_answered = answered_counts(session, round)
    shown = shows_answers(round, peers)
    answers = _answers(session, round)
    pooled = [a for a in answers if not a.answer.from_manager]  # the manager's is never pooled: shown apart
    results, gaps, steps = [], [], []
    if shown:
        for cid in asked:
            competency, expectation = expected[cid]
            spread = Counter(a.ratings[cid][0] for a in pooled if cid in a.ratings and a.ratings[cid][0])
            examples = [Said(a.ratings[cid][1], a.name) for a in pooled if cid in a.ratings and a.ratings[cid][1]]
            results.append(
                CompetencyResult(cid, competency.name, expectation.text, dict(spread), _ordered(round, examples))
            )
        gaps = _ordered(round, [Said(a.answer.biggest_gap, a.name) for a in pooled if a.answer.biggest_gap])
        steps = _ordered(round, [Said(a.answer.next_step, a.name) for a in pooled if a.answer.next_step])
    else:
        results = [CompetencyResult(cid, expected[cid][0].name, expected[cid][1].text, None, []) for cid in asked]
    results = _beside_self(session, person, level_id, results)
    manager = next((a for a in answers if a.answer.from_manager), None)
    made = Summary(
        round,
        person,
        against.framework,
        level,
        total,
        peers + manager_answered,
        shown,
        round.min_answers,
        results,
        gaps,
        steps,
        _manager_answer(manager) if manager is not None else None,
    )
    largest = made.largest
    if largest is not None:
        competency = expected[largest.competency_id][0]
        made = replace(made, suggestions=list(competency.activities.get(level_id, ())))
    return made


def _ordered(round: FeedbackRound, said: list[Said]) -> list[Said]:
    if round.anonymous:
        return _in_word_order([Said(s.text) for s in said])  # never beside a name
    return sorted(said, key=lambda s: (s.by or "", s.text))


def _manager_answer(found: _Answer) -> ManagerAnswer:
    return ManagerAnswer(found.name or "Your manager", found.ratings, found.answer.biggest_gap, found.answer.next_step)


@dataclass(frozen=True)
class _Answer:
    answer: FeedbackAnswer
    name: str | None  # the responder's, where the answer is still linked to them
    ratings: dict[str, tuple[Choice | None, str | None]]


def _answers(session: Session, round: FeedbackRound) -> list[_Answer]:
    rows = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.round_id == round.id)).all()
    ratings: dict[int, dict[str, tuple[Choice | None, str | None]]] = defaultdict(dict)
    for rating in session.exec(
        select(FeedbackRating).where(FeedbackRating.answer_id.in_([a.id for a in rows]))  # type: ignore[attr-defined]
    ).all():
        ratings[rating.answer_id][rating.competency_id] = (
            Choice(rating.rating) if rating.rating else None,
            rating.example,
        )
    names: dict[int, str] = {}
    linked = [a.request_id for a in rows if a.request_id is not None]
    if linked:
        for request_id, name in session.exec(
            select(FeedbackRequest.id, Person.display_name)
            .join(Person, Person.id == FeedbackRequest.responder_id)  # type: ignore[arg-type]
            .where(FeedbackRequest.id.in_(linked))  # type: ignore[union-attr]
        ).all():
            names[request_id] = name or "Someone"
    return [_Answer(a, names.get(a.request_id or 0), ratings[a.id or 0]) for a in rows]


def _beside_self(
    session: Session, person: Person, level_id: str, results: list[CompetencyResult]
) -> list[CompetencyResult]:
    recent = latest(session, person=person)
    if recent is None or recent.delta.target_level != level_id:
        return results
    gaps = {gap.competency.id: gap for gap in recent.delta.gaps}
    return [
        replace(r, self_rated=gaps[r.competency_id].rated, expected=gaps[r.competency_id].expected)
        if r.competency_id in gaps
        else r
        for r in results
    ]


# -- elsewhere in Trellis ------------------------------------------------------------------------


def closed_rounds(
    session: Session,
    *,
    person: Person,
    seen: Sight,
    viewer: Person | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[Summary]:
    """The person's closed rounds, newest first, as `seen` may see them: their own, all; their manager
    (`viewer`), those shared with them."""
    query = select(FeedbackRound).where(
        FeedbackRound.team_id == person.team_id,
        FeedbackRound.person_id == person.id,
        FeedbackRound.status == RoundStatus.CLOSED.value,
    )
    if not seen.own:
        query = query.where(FeedbackRound.shared_with_id == (viewer.id if viewer is not None else -1))
    if since is not None:
        query = query.where(FeedbackRound.closed_at >= since)  # type: ignore[operator]
    query = query.order_by(FeedbackRound.closed_at.desc(), FeedbackRound.id.desc())  # type: ignore[union-attr]
    rounds = session.exec(query.limit(limit) if limit is not None else query).all()
    return [build(session, round) for round in rounds]


def quotes(summaries: list[Summary]) -> dict[str, list[Said]]:
    """Per competency, what was said about it that may be quoted: named answers with their names, the
    peers of anonymous rounds that met the threshold without them, the manager's with theirs."""
    found: dict[str, list[Said]] = defaultdict(list)
    for made in summaries:
        for result in made.competencies:
            found[result.competency_id] += result.examples
        if made.manager is not None:
            for cid, (_, example) in made.manager.ratings.items():
                if example:
                    found[cid].append(Said(example, made.manager.name))
    return dict(found)


@dataclass(frozen=True)
class OpenRound:
    round: FeedbackRound
    asked: int
    answered: int | None  # None in an anonymous round: counts while it is open would say who, and when
    can_close: bool  # enough answered to close it early (never for an anonymous round opened again)


@dataclass(frozen=True)
class Waiting:
    request: FeedbackRequest
    round: FeedbackRound
    person: Person  # whom they are asked about


@dataclass(frozen=True)
class LastRound:
    round: FeedbackRound
    asked: int
    answered: int


def last_round(session: Session, *, person: Person) -> LastRound | None:
    """The person's latest closed round, in a line (the App Home links to its results)."""
    round = session.exec(
        select(FeedbackRound)
        .where(FeedbackRound.person_id == person.id, FeedbackRound.status == RoundStatus.CLOSED.value)
        .order_by(FeedbackRound.closed_at.desc(), FeedbackRound.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    if round is None:
        return None
    asked, peers, manager = answered_counts(session, round)
    return LastRound(round, asked, peers + manager)


def open_rounds(session: Session, *, person: Person) -> list[OpenRound]:
    rounds = session.exec(
        select(FeedbackRound)
        .where(FeedbackRound.person_id == person.id, FeedbackRound.status == RoundStatus.OPEN.value)
        .order_by(FeedbackRound.due_at)
    ).all()
    found = []
    for round in rounds:
        asked, peers, manager = answered_counts(session, round)
        # An anonymous round opened again waits for its date: closing it early would tell who answered last.
        anonymous_enough = peers >= round.min_answers and not round.opened_again
        enough = anonymous_enough if round.anonymous else bool(peers or manager)
        found.append(OpenRound(round, asked, None if round.anonymous else peers + manager, enough))
    return found


def waiting_for(session: Session, *, responder_ids: list[int | None]) -> dict[int, list[Waiting]]:
    """The open requests each of these people has not answered yet (their own "not yet")."""
    found: dict[int, list[Waiting]] = defaultdict(list)
    if not responder_ids:
        return found
    for request, round, person in session.exec(
        select(FeedbackRequest, FeedbackRound, Person)
        .join(FeedbackRound, FeedbackRound.id == FeedbackRequest.round_id)  # type: ignore[arg-type]
        .join(Person, Person.id == FeedbackRound.person_id)  # type: ignore[arg-type]
        .where(
            FeedbackRequest.responder_id.in_(responder_ids),  # type: ignore[attr-defined]
            FeedbackRequest.status == RequestStatus.ASKED.value,
            FeedbackRound.status == RoundStatus.OPEN.value,
        )
        .order_by(FeedbackRound.due_at)
    ).all():
        found[request.responder_id].append(Waiting(request, round, person))
    return found
