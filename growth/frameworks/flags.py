"""A living framework: people flag expectation sentences they find unclear, and the owners see them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from growth.errors import GrowthError
from growth.frameworks.versions import by_id
from storage.models import ExpectationFlag, Person

COMMENT_LIMIT = 1000


@dataclass(frozen=True)
class FlaggedExpectation:
    framework: str
    revision: int
    level_id: str
    competency: str  # its name
    expectation: str
    comments: list[tuple[datetime, str]]  # newest first


def flag(
    session: Session,
    *,
    person: Person,
    version_id: int,
    level_id: str,
    competency_id: str,
    comment: str,
    now: datetime,
) -> ExpectationFlag:
    """Record that `person` finds what `level_id` expects of `competency_id` unclear, and why."""
    text = comment.strip()
    if not text:
        raise GrowthError("Say in a few words what is unclear, so the framework's owners can fix it.")
    if len(text) > COMMENT_LIMIT:
        raise GrowthError(f"Keep it under {COMMENT_LIMIT} characters ({len(text)} now).")
    stored = by_id(session, team_id=person.team_id, version_id=version_id)
    level_expects = stored.framework.expectations_at(level_id) if stored else []
    if not any(competency.id == competency_id for competency, _ in level_expects):
        raise GrowthError("That expectation is not in this framework version any more. Open it again.")
    assert person.id is not None
    row = ExpectationFlag(
        team_id=person.team_id,
        framework_version_id=version_id,
        level_id=level_id,
        competency_id=competency_id,
        person_id=person.id,
        comment=text,
        created_at=now,
    )
    session.add(row)
    return row


def flagged(session: Session, *, team_id: str) -> list[FlaggedExpectation]:
    """Every flagged expectation of the workspace, most flagged first; who flagged is not shown."""
    rows = session.exec(
        select(ExpectationFlag).where(ExpectationFlag.team_id == team_id).order_by(ExpectationFlag.created_at.desc())  # type: ignore[attr-defined]
    ).all()
    grouped: dict[tuple[int, str, str], list[tuple[datetime, str]]] = defaultdict(list)
    for row in rows:
        grouped[(row.framework_version_id, row.level_id, row.competency_id)].append((row.created_at, row.comment))
    versions = {version_id: by_id(session, team_id=team_id, version_id=version_id) for version_id, _, _ in grouped}
    result = []
    for (version_id, level_id, competency_id), comments in grouped.items():
        stored = versions[version_id]
        assert stored is not None
        competency = next(c for c in stored.framework.competencies if c.id == competency_id)
        text = competency.expectations[level_id].text
        result.append(
            FlaggedExpectation(stored.framework.name, stored.revision, level_id, competency.name, text, comments)
        )
    return sorted(result, key=lambda item: (-len(item.comments), -item.comments[0][0].timestamp()))
