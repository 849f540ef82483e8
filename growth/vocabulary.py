"""What a win can be tagged with: the target level's competencies, and every name the workspace knows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from growth.frameworks.model import Competency, Expectation, Framework
from growth.levels import Position, names_in, position, workspace_catalogue
from growth.suggest import Suggestion, suggest
from storage.models import Person


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
    names = names_in(cat)
    where = position(person, cat)
    if where is None:
        return WinVocabulary(None, [], [], names, None)
    framework = where.target.framework
    offered = framework.expectations_at(where.target.level.id)
    return WinVocabulary(where.target.level.id, suggestion_levels(where), offered, names, framework)


def suggestion_levels(where: Position) -> list[str]:
    """The levels whose words a win is compared with: the target's, and the current one's in the same framework."""
    level_ids = [where.target.level.id]
    if where.framework.name == where.target.framework.name:
        level_ids.insert(0, where.level.id)
    return level_ids


def suggestions_for(vocabulary: WinVocabulary, text: str, *, tagged: Sequence[str]) -> list[Suggestion]:
    """The competencies of the target level a win reads like, offered only while it has none tagged."""
    if vocabulary.framework is None or tagged:
        return []
    return suggest(vocabulary.framework, vocabulary.level_ids, text)
