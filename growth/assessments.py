"""Self-assessments against the target level: kept with the framework version they used, never
rewritten, and rebuilt against that version whenever they are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from growth.errors import GrowthError
from growth.frameworks.catalogue import Target
from growth.frameworks.model import Framework
from growth.frameworks.versions import Stored, by_id
from growth.gaps import Delta, delta
from growth.levels import NoLevelYet, Position, position, workspace_catalogue
from growth.notices import AssessmentRecorded, Notice
from storage.models import Assessment, AssessmentAnswer, Person


@dataclass(frozen=True)
class Recorded:
    assessment_id: int
    delta: Delta
    stored: Stored


@dataclass(frozen=True)
class TrendPoint:
    at: datetime
    target_ref: str
    total_gap: int


def record_assessment(
    session: Session,
    *,
    person: Person,
    target: Target,
    stored: Stored,
    ratings: Mapping[str, int],
    now: datetime,
) -> Recorded:
    """Keep a self-assessment against `target` with the framework version it used, and return its delta."""
    steps = len(stored.framework.scale)
    expected_ids = {c.id for c, _ in stored.framework.expectations_at(target.level.id)}
    unknown = set(ratings) - expected_ids
    if unknown:
        raise GrowthError(f"{target.level.id} does not expect {', '.join(sorted(unknown))}; start again.")
    if any(not 1 <= rating <= steps for rating in ratings.values()):
        raise GrowthError(f"Every answer is a step from 1 to {steps} of the scale.")
    result = delta(stored.framework, target.level.id, ratings)
    assert person.id is not None
    row = Assessment(
        team_id=person.team_id,
        person_id=person.id,
        framework_version_id=stored.id,
        target_ref=target.ref,
        total_gap=result.total,
        created_at=now,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    for gap in result.gaps:
        session.add(
            AssessmentAnswer(
                assessment_id=row.id, competency_id=gap.competency.id, expected=gap.expected, rated=gap.rated
            )
        )
    return Recorded(row.id, result, stored)


def latest(session: Session, *, person: Person) -> Recorded | None:
    """The person's most recent assessment, rebuilt against the framework version it used."""
    row = session.exec(
        select(Assessment)
        .where(Assessment.team_id == person.team_id, Assessment.person_id == person.id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    return _rebuild(session, row) if row is not None else None


def assessment(session: Session, *, team_id: str, assessment_id: int) -> tuple[Recorded, Person] | None:
    """One assessment of the workspace and whose it is, or None."""
    row = session.get(Assessment, assessment_id)
    if row is None or row.team_id != team_id:
        return None
    recorded, person = _rebuild(session, row), session.get(Person, row.person_id)
    return (recorded, person) if recorded is not None and person is not None else None


def _rebuild(session: Session, row: Assessment) -> Recorded | None:
    stored = by_id(session, team_id=row.team_id, version_id=row.framework_version_id)
    if stored is None or row.id is None:
        return None
    answers = session.exec(select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == row.id)).all()
    level_id = row.target_ref.rpartition("/")[2]
    ratings = {answer.competency_id: answer.rated for answer in answers}
    return Recorded(row.id, delta(stored.framework, level_id, ratings), stored)


def trend(session: Session, *, person: Person, limit: int = 6) -> list[TrendPoint]:
    """The person's recent assessments, newest first."""
    rows = session.exec(
        select(Assessment)
        .where(Assessment.team_id == person.team_id, Assessment.person_id == person.id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    return [TrendPoint(row.created_at, row.target_ref, row.total_gap) for row in rows]


@dataclass(frozen=True)
class Form:
    """What the self-assessment asks: the target level's expectations, from one framework version."""

    position: Position
    stored: Stored
    previous: dict[str, int]  # last answers against the same target, to start from


def assessment_form(session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime) -> Form:
    """The questions for `/trellis gaps`; raises NoLevelYet for someone who has not set a level."""
    cat, stored = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        raise NoLevelYet()
    previous = latest(session, person=person)
    answers = {}
    if previous is not None and previous.delta.target_level == where.target.level.id:
        answers = {gap.competency.id: gap.rated for gap in previous.delta.gaps}
    return Form(where, stored[where.target.framework.name], answers)


def submit_assessment(
    session: Session,
    *,
    person: Person,
    version_id: int,
    target_ref: str,
    ratings: Mapping[str, int],
    defaults: tuple[Framework, ...],
    now: datetime,
) -> Submitted:
    """Record the answers of a form opened earlier, unless the person's target changed meanwhile. The
    person's DM then gets where they stand and its chart."""
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        raise NoLevelYet()
    stored = by_id(session, team_id=person.team_id, version_id=version_id)
    if where.target.ref != target_ref or stored is None:
        raise GrowthError("Your target changed since you opened this. Run `/trellis gaps` again.")
    recorded = record_assessment(session, person=person, target=where.target, stored=stored, ratings=ratings, now=now)
    return Submitted(recorded, where.target, [AssessmentRecorded(person, recorded, where.target)])


@dataclass(frozen=True)
class Submitted:
    recorded: Recorded
    target: Target
    notices: list[Notice] = field(default_factory=list)
