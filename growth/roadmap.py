"""The roadmap: each large gap becomes concrete objectives (a project, not "read a book"), with a due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session, select

from growth import sharing
from growth.assessments import latest
from growth.errors import GrowthError
from growth.frameworks.model import Framework
from growth.levels import NoLevelYet, Position, names_in, position, workspace_catalogue
from growth.notices import Notice
from growth.ownership import owned
from storage.models import Objective, Person

TITLE_LIMIT = 300


class Status(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


LABELS = {Status.PLANNED: "Planned", Status.IN_PROGRESS: "In progress", Status.DONE: "Done", Status.DROPPED: "Dropped"}


@dataclass(frozen=True)
class Suggestion:
    competency_id: str
    competency: str
    activity: str


def suggestions(framework: Framework, level_id: str, gap_first: list[str]) -> list[Suggestion]:
    """The framework's suggested activities for the target level, the largest gaps' first."""
    order = {competency_id: index for index, competency_id in enumerate(gap_first)}
    found = [
        Suggestion(competency.id, competency.name, activity)
        for competency in framework.competencies
        for activity in competency.activities.get(level_id, ())
    ]
    return sorted(found, key=lambda s: order.get(s.competency_id, len(order)))


@dataclass(frozen=True)
class Changed:
    objective: Objective
    notices: list[Notice] = field(default_factory=list)  # to the mentorship rooms that see the roadmap


def add(
    session: Session, *, person: Person, competency_id: str, title: str, due_on: date | None, now: datetime
) -> Changed:
    text = " ".join(title.split())
    if not text:
        raise GrowthError("Name the objective: a project or an outcome you will deliver.")
    if len(text) > TITLE_LIMIT:
        raise GrowthError(f"Keep the objective under {TITLE_LIMIT} characters ({len(text)} now).")
    if not competency_id:
        raise GrowthError("Choose the competency this objective grows.")
    assert person.id is not None
    row = Objective(
        team_id=person.team_id,
        person_id=person.id,
        competency_id=competency_id[:64],
        title=text,
        due_on=due_on,
        status=Status.PLANNED.value,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return Changed(row, sharing.objective_changed(session, person=person, objective=row))


def own(session: Session, *, person: Person, objective_id: int) -> Objective:
    not_yours = "Only the person whose roadmap it is can change it."
    return owned(session, Objective, objective_id, person=person, gone="That objective is gone.", not_yours=not_yours)


def set_status(session: Session, *, person: Person, objective_id: int, status: Status, now: datetime) -> Changed:
    row = own(session, person=person, objective_id=objective_id)
    row.status, row.updated_at = status.value, now
    session.add(row)
    change = f"{status.value}:{int(now.timestamp())}"
    return Changed(row, sharing.objective_changed(session, person=person, objective=row, change=change))


def objectives(session: Session, *, person: Person, open_only: bool = False) -> list[Objective]:
    query = select(Objective).where(Objective.team_id == person.team_id, Objective.person_id == person.id)
    if open_only:
        query = query.where(Objective.status.in_([Status.PLANNED.value, Status.IN_PROGRESS.value]))  # type: ignore[attr-defined]
    return list(session.exec(query.order_by(Objective.due_on, Objective.id)).all())  # type: ignore[arg-type]


@dataclass(frozen=True)
class RoadmapView:
    position: Position
    suggestions: list[Suggestion]  # the framework's activities at the target, largest gaps' first
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
    names = names_in(cat)
    offered = suggestions(framework, level_id, order)
    return RoadmapView(where, offered, objectives(session, person=person), names, order)


def propose(
    session: Session,
    *,
    person: Person,
    competency_id: str,
    title: str,
    suggestion: int | None,
    due_on: date | None,
    defaults: tuple[Framework, ...],
    now: datetime,
) -> Changed:
    """The "add an objective" form: the person's own words, or else the framework's suggestion they
    chose (its competency with it)."""
    if not title.strip() and suggestion is not None:
        offered = roadmap_view(session, person=person, defaults=defaults, now=now).suggestions
        if 0 <= suggestion < len(offered):
            title, competency_id = offered[suggestion].activity, offered[suggestion].competency_id
    return add(session, person=person, competency_id=competency_id, title=title, due_on=due_on, now=now)
