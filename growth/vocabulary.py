"""What a win can be tagged with: the target level's competencies, and every name the workspace knows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from growth.frameworks.model import Competency, Expectation, Framework
from growth.levels import names_in, position, workspace_catalogue
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
    level_ids = [where.target.level.id]
    if where.framework.name == framework.name:
        level_ids.insert(0, where.level.id)
    offered = framework.expectations_at(where.target.level.id)
    return WinVocabulary(where.target.level.id, level_ids, offered, names, framework)


def suggestions_for(vocabulary: WinVocabulary, text: str, *, tagged: Sequence[str]) -> list[Suggestion]:
    """The competencies of the target level a win reads like, offered only while it has none tagged."""
    if vocabulary.framework is None or tagged:
        return []
    return suggest(vocabulary.framework, vocabulary.level_ids, text)
