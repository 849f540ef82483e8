"""The roadmap: each large gap becomes concrete objectives (a project, not "read a book"), with a due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session, select

from growth.errors import GrowthError
from growth.frameworks.model import Framework
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


def add(
    session: Session, *, person: Person, competency_id: str, title: str, due_on: date | None, now: datetime
) -> Objective:
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
    return row


def own(session: Session, *, person: Person, objective_id: int) -> Objective:
    not_yours = "Only the person whose roadmap it is can change it."
    return owned(session, Objective, objective_id, person=person, gone="That objective is gone.", not_yours=not_yours)


def set_status(session: Session, *, person: Person, objective_id: int, status: Status, now: datetime) -> Objective:
    row = own(session, person=person, objective_id=objective_id)
    row.status, row.updated_at = status.value, now
    session.add(row)
    return row


def objectives(session: Session, *, person: Person, open_only: bool = False) -> list[Objective]:
    query = select(Objective).where(Objective.team_id == person.team_id, Objective.person_id == person.id)
    if open_only:
        query = query.where(Objective.status.in_([Status.PLANNED.value, Status.IN_PROGRESS.value]))  # type: ignore[attr-defined]
    return list(session.exec(query.order_by(Objective.due_on, Objective.id)).all())  # type: ignore[arg-type]
