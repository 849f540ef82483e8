"""A person's place in the framework: their level, their target, and self-assessments against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from growth.errors import GrowthError
from growth.frameworks.catalogue import Catalogue, Target
from growth.frameworks.flags import FlaggedExpectation, flagged
from growth.frameworks.model import Competency, Expectation, Framework, Level
from growth.frameworks.versions import Stored, by_id, catalogue
from growth.gaps import Delta, delta
from growth.roadmap import Suggestion as RoadmapSuggestion
from growth.roadmap import objectives
from growth.roadmap import suggestions as roadmap_suggestions
from growth.wins import Evidence, LoggedWin, evidence
from growth.wins import recent as recent_wins
from storage.models import Assessment, AssessmentAnswer, Objective, Person

HOME_WINS = 3


class NoLevelYet(GrowthError):
    """The person has not chosen their level and target."""

    def __init__(self) -> None:
        super().__init__("First tell me your level and where you are heading: `/trellis level`.")


@dataclass(frozen=True)
class Position:
    framework: Framework
    level: Level
    target: Target


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


def set_level(
    session: Session, *, person: Person, level_ref: str, target_ref: str, catalogue: Catalogue, now: datetime
) -> Position:
    """Record where the person is and where they aim; the target must be a move the framework offers."""
    found = catalogue.resolve(level_ref)
    if found is None:
        raise GrowthError(f"I don't know the level {level_ref}. Pick one from the list.")
    targets = catalogue.targets_from(level_ref)
    target = next((t for t in targets if t.ref == target_ref), None)
    if target is None:
        offered = ", ".join(t.level.id for t in targets) or "none (this is the top of the track)"
        raise GrowthError(f"From {found[1].id} the framework offers: {offered}.")
    person.level_ref, person.target_ref, person.updated_at = level_ref, target_ref, now
    session.add(person)
    return Position(found[0], found[1], target)


def position(person: Person, catalogue: Catalogue) -> Position | None:
    """The person's level and target as the current frameworks know them, or None if unset or gone."""
    if not person.level_ref or not person.target_ref:
        return None
    found = catalogue.resolve(person.level_ref)
    if found is None:
        return None
    target = next((t for t in catalogue.targets_from(person.level_ref) if t.ref == person.target_ref), None)
    if target is None:
        resolved = catalogue.resolve(person.target_ref)
        if resolved is None:
            return None
        target = Target(resolved[0], resolved[1], "chosen")
    return Position(found[0], found[1], target)


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
class Choices:
    catalogue: Catalogue
    position: Position | None


@dataclass(frozen=True)
class Form:
    """What the self-assessment asks: the target level's expectations, from one framework version."""

    position: Position
    stored: Stored
    previous: dict[str, int]  # last answers against the same target, to start from


@dataclass(frozen=True)
class HomeSummary:
    position: Position | None
    latest: Recorded | None  # only when it was against the current target
    trend: list[TrendPoint]
    flags: list[FlaggedExpectation] = field(default_factory=list)  # for workspace admins only
    wins: list[LoggedWin] = field(default_factory=list)  # the latest
    evidence: list[tuple[str, Evidence]] = field(default_factory=list)  # (competency name, evidence) at the target
    names: dict[str, str] = field(default_factory=dict)  # competency id -> name, across the workspace's frameworks
    objectives: list[Objective] = field(default_factory=list)


def workspace_catalogue(
    session: Session, team_id: str, defaults: tuple[Framework, ...], now: datetime
) -> tuple[Catalogue, dict[str, Stored]]:
    """The workspace's current frameworks (the defaults the first time), and their stored versions."""
    return catalogue(session, team_id=team_id, defaults=defaults, source="shipped", now=now)


def level_choices(session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime) -> Choices:
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    return Choices(cat, position(person, cat))


def choose_level(
    session: Session,
    *,
    person: Person,
    level_ref: str,
    target_ref: str,
    defaults: tuple[Framework, ...],
    now: datetime,
) -> Position:
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    return set_level(session, person=person, level_ref=level_ref, target_ref=target_ref, catalogue=cat, now=now)


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
) -> Recorded:
    """Record the answers of a form opened earlier, unless the person's target changed meanwhile."""
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        raise NoLevelYet()
    stored = by_id(session, team_id=person.team_id, version_id=version_id)
    if where.target.ref != target_ref or stored is None:
        raise GrowthError("Your target changed since you opened this. Run `/trellis gaps` again.")
    return record_assessment(session, person=person, target=where.target, stored=stored, ratings=ratings, now=now)


def home_summary(
    session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime, today: date | None = None
) -> HomeSummary:
    today = today or now.date()
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    recent = latest(session, person=person)
    if where is None or recent is None or recent.delta.target_level != where.target.level.id:
        recent = None
    flags = flagged(session, team_id=person.team_id) if person.is_admin else []
    proof: list[tuple[str, Evidence]] = []
    if where is not None:
        competencies = [c for c, _ in where.target.framework.expectations_at(where.target.level.id)]
        found = evidence(session, person=person, competency_ids=[c.id for c in competencies], today=today)
        proof = [(c.name, e) for c, e in zip(competencies, found, strict=True)]
    latest_wins = recent_wins(session, person=person, limit=HOME_WINS)
    names = {c.id: c.name for f in cat.frameworks.values() for c in f.competencies}
    plan = objectives(session, person=person)
    return HomeSummary(where, recent, trend(session, person=person), flags, latest_wins, proof, names, plan)


@dataclass(frozen=True)
class WinVocabulary:
    """What a win can be tagged with: the target level's competencies, and every name the workspace knows."""

    target_level: str | None
    level_ids: list[str]  # the current and the target level, for suggestions
    offered: list[tuple[Competency, Expectation]]
    names: dict[str, str]
    framework: Framework | None


def win_vocabulary(
    session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime
) -> WinVocabulary:
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    names = {c.id: c.name for f in cat.frameworks.values() for c in f.competencies}
    where = position(person, cat)
    if where is None:
        return WinVocabulary(None, [], [], names, None)
    framework = where.target.framework
    level_ids = [where.target.level.id]
    if where.framework.name == framework.name:
        level_ids.insert(0, where.level.id)
    offered = framework.expectations_at(where.target.level.id)
    return WinVocabulary(where.target.level.id, level_ids, offered, names, framework)


@dataclass(frozen=True)
class RoadmapView:
    position: Position
    suggestions: list[RoadmapSuggestion]  # the framework's activities at the target, largest gaps' first
    objectives: list[Objective]
    names: dict[str, str]  # competency id -> name
    gap_order: list[str]  # competency ids of the target level, largest gaps first


def roadmap_view(session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime) -> RoadmapView:
    """What `/trellis roadmap` shows and offers; raises NoLevelYet without a level and target."""
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        raise NoLevelYet()
    framework, level_id = where.target.framework, where.target.level.id
    recent = latest(session, person=person)
    ranked = (
        [gap.competency.id for gap in recent.delta.largest] if recent and recent.delta.target_level == level_id else []
    )
    order = ranked + [c.id for c, _ in framework.expectations_at(level_id) if c.id not in ranked]
    names = {c.id: c.name for f in cat.frameworks.values() for c in f.competencies}
    offered = roadmap_suggestions(framework, level_id, order)
    return RoadmapView(where, offered, objectives(session, person=person), names, order)
