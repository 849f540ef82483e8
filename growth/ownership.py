"""A person's own rows: only the person whose win or objective it is may change it."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session

from growth.errors import GrowthError, NotAllowed
from storage.models import Person

Row = TypeVar("Row")


def owned(session: Session, model: type[Row], row_id: int, *, person: Person, gone: str, not_yours: str) -> Row:
    """The row if it belongs to `person`; GrowthError(gone) if it is not in their workspace any more,
    NotAllowed(not_yours) if it is someone else's."""
    row: Any = session.get(model, row_id)
    if row is None or row.team_id != person.team_id:
        raise GrowthError(gone)
    if row.person_id != person.id:
        raise NotAllowed(not_yours)
    return row
