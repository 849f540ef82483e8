"""A workspace's frameworks over time: importing adds a revision, and history is never rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from growth.frameworks.catalogue import Catalogue
from growth.frameworks.model import Framework
from growth.frameworks.serialize import checksum, from_json, to_json
from storage.db import insert_ignore
from storage.models import FrameworkVersion


@dataclass(frozen=True)
class Stored:
    id: int
    revision: int
    framework: Framework
    source: str
    imported_at: datetime


@dataclass(frozen=True)
class Imported:
    stored: Stored
    changed: bool  # False when the latest revision already had this exact content


def import_framework(session: Session, *, team_id: str, framework: Framework, source: str, now: datetime) -> Imported:
    """Store `framework` as the workspace's next revision of it, unless it is unchanged.

    Safe against a concurrent import of the same framework (two first requests of a new workspace):
    the revision is claimed with an insert that yields on conflict, and the winner's row is read back.
    """
    digest = checksum(framework)
    for _ in range(5):
        latest = _latest(session, team_id, framework.name)
        if latest is not None and latest.checksum == digest:
            return Imported(_stored(latest), changed=False)
        revision = (latest.revision + 1) if latest else 1
        values = {
            "team_id": team_id,
            "name": framework.name,
            "revision": revision,
            "version": framework.version[:32],
            "title": framework.title[:80],
            "checksum": digest,
            "source": source[:255],
            "content": to_json(framework),
            "imported_at": now,
        }
        table = FrameworkVersion.__table__  # type: ignore[attr-defined]
        if insert_ignore(session, table, values, conflict=["team_id", "name", "revision"]):
            row = _latest(session, team_id, framework.name)
            assert row is not None
            return Imported(_stored(row), changed=True)
    raise RuntimeError(f"could not store a revision of {framework.name} for {team_id}: too many concurrent imports")


def current(session: Session, *, team_id: str) -> list[Stored]:
    """The latest revision of each framework the workspace has, by name."""
    newest = (
        select(FrameworkVersion.name, func.max(FrameworkVersion.revision).label("revision"))
        .where(FrameworkVersion.team_id == team_id)
        .group_by(FrameworkVersion.name)
        .subquery()
    )
    rows = session.exec(
        select(FrameworkVersion)
        .join(
            newest,
            (FrameworkVersion.name == newest.c.name) & (FrameworkVersion.revision == newest.c.revision),
        )
        .where(FrameworkVersion.team_id == team_id)
        .order_by(FrameworkVersion.name)
    ).all()
    return [_stored(row) for row in rows]


def history(session: Session, *, team_id: str) -> list[FrameworkVersion]:
    return list(
        session.exec(
            select(FrameworkVersion)
            .where(FrameworkVersion.team_id == team_id)
            .order_by(FrameworkVersion.name, FrameworkVersion.revision)
        ).all()
    )


def by_id(session: Session, *, team_id: str, version_id: int) -> Stored | None:
    row = session.get(FrameworkVersion, version_id)
    return _stored(row) if row is not None and row.team_id == team_id else None


def catalogue(
    session: Session, *, team_id: str, defaults: tuple[Framework, ...], source: str, now: datetime
) -> tuple[Catalogue, dict[str, Stored]]:
    """The workspace's current frameworks, importing the defaults the first time it has none of them."""
    stored = {item.framework.name: item for item in current(session, team_id=team_id)}
    for framework in defaults:
        if framework.name not in stored:
            stored[framework.name] = import_framework(
                session, team_id=team_id, framework=framework, source=source, now=now
            ).stored
    return Catalogue([item.framework for item in stored.values()]), stored


def _latest(session: Session, team_id: str, name: str) -> FrameworkVersion | None:
    return session.exec(
        select(FrameworkVersion)
        .where(FrameworkVersion.team_id == team_id, FrameworkVersion.name == name)
        .order_by(FrameworkVersion.revision.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


def _stored(row: FrameworkVersion) -> Stored:
    assert row.id is not None
    return Stored(row.id, row.revision, from_json(row.content), row.source, row.imported_at)
