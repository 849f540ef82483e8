"""A person's place in the framework: their level, and the target they aim for (the next rung, or a
lattice move the framework offers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from growth.errors import GrowthError
from growth.frameworks.catalogue import Catalogue, Target
from growth.frameworks.model import Framework, Level
from growth.frameworks.versions import Stored, catalogue
from storage.models import Person


class NoLevelYet(GrowthError):
    """The person has not chosen their level and target."""

    def __init__(self) -> None:
        super().__init__("First tell me your level and where you are heading: `/trellis level`.")


@dataclass(frozen=True)
class Position:
    framework: Framework
    level: Level
    target: Target


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


@dataclass(frozen=True)
class Choices:
    catalogue: Catalogue
    position: Position | None


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


def competency_names(
    session: Session, *, team_id: str, defaults: tuple[Framework, ...], now: datetime
) -> dict[str, str]:
    """Competency id -> name, across the workspace's current frameworks."""
    cat, _ = workspace_catalogue(session, team_id, defaults, now)
    return names_in(cat)


def names_in(cat: Catalogue) -> dict[str, str]:
    return {c.id: c.name for f in cat.frameworks.values() for c in f.competencies}
