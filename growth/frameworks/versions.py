"""A workspace's frameworks over time: importing adds a revision, and history is never rewritten."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
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
            _KEPT.get(session.get_bind().engine, {}).pop(team_id, None)  # the rest of this request reads it anew
            row = _latest(session, team_id, framework.name)
            assert row is not None
            return Imported(_stored(row), changed=True)
    raise RuntimeError(f"could not store a revision of {framework.name} for {team_id}: too many concurrent imports")


def current(session: Session, *, team_id: str) -> list[Stored]:
    """The latest revision of each framework the workspace has, by name.

    Nearly every request needs the catalogue, and parsing a framework's JSON is most of its cost, so a
    framework once parsed is kept for the process by its checksum (`_PARSED`: the checksum is of the
    content, so the same checksum is the same framework). A call reads the small columns, and the
    content only of a revision this process has not parsed yet; or nothing at all, when the request
    noted the workspace's newest version (`note_newest_seen`) and this process last read the
    workspace's frameworks at that same version.
    """
    engine = session.get_bind().engine
    seen, kept = _SEEN.get(), _KEPT.get(engine, {})
    if seen is not None and seen.team_id == team_id and (hit := kept.get(team_id)) and hit[0] == seen.newest:
        return list(hit[1])
    rows = session.execute(_CURRENT, {"team_id": team_id}).all()
    parsed = {row.checksum: _PARSED.get(row.checksum) for row in rows}
    missing = [row.id for row in rows if parsed[row.checksum] is None]
    if missing:
        table = FrameworkVersion.__table__  # type: ignore[attr-defined]
        if len(_PARSED) >= _KEEP:
            _PARSED.clear()
        for digest, content in session.execute(
            sa_select(table.c.checksum, table.c.content).where(table.c.id.in_(missing))
        ).all():
            parsed[digest] = _PARSED[digest] = from_json(content)
    stored = [
        Stored(row.id, row.revision, framework, row.source, row.imported_at)
        for row in rows
        if (framework := parsed[row.checksum]) is not None
    ]
    if rows:  # a framework's newest revision is the workspace's newest version of it
        if len(kept) >= _KEEP:
            kept.clear()
        newest = Newest(max(row.id for row in rows), max(row.imported_at for row in rows))
        _KEPT.setdefault(engine, kept)[team_id] = (newest, tuple(stored))
    return stored


@dataclass(frozen=True)
class Newest:
    """When a workspace's frameworks last changed: its newest version's id and time. Versions are only
    ever added, so the id moves exactly when the frameworks do; the time tells a workspace erased and
    imported again (SQLite may give a deleted row's id again) from what it was."""

    id: int
    imported_at: datetime


def newest_version(team_id: ColumnElement[str]) -> tuple[ScalarSelect[int | None], ScalarSelect[datetime | None]]:
    """A workspace's `Newest`, as two columns to read with something else (the request's person)."""
    table = FrameworkVersion.__table__  # type: ignore[attr-defined]
    mine = table.c.team_id == team_id
    return (
        sa_select(func.max(table.c.id)).where(mine).scalar_subquery(),
        sa_select(func.max(table.c.imported_at)).where(mine).scalar_subquery(),
    )


@dataclass(frozen=True)
class Seen:
    team_id: str
    newest: Newest


def note_newest_seen(team_id: str | None, newest: Newest | None) -> None:
    """For the rest of this request: it read the workspace's `Newest` (with `newest_version`), so
    `current` answers from what the process kept when nothing was imported since. The request's own
    read is what makes it safe: a catalogue is never older than the request. None forgets what an
    earlier request on the same thread noted.

    A context variable, because the catalogue is read deep in `growth` by many paths and only the
    request's first read knows the version; a listener's thread runs in a copy of its request's context
    (`handlers.answering`)."""
    _SEEN.set(Seen(team_id, newest) if team_id is not None and newest is not None else None)


def _current_statement() -> Any:
    """The latest revision of each of a workspace's frameworks, small columns only. Built once: a
    statement object keeps its compiled form and cache key, and this one runs on nearly every request."""
    table = FrameworkVersion.__table__  # type: ignore[attr-defined]
    team = bindparam("team_id")
    newest = (
        sa_select(table.c.name, func.max(table.c.revision).label("revision"))
        .where(table.c.team_id == team)
        .group_by(table.c.name)
        .subquery()
    )
    return (
        sa_select(table.c.id, table.c.checksum, table.c.revision, table.c.source, table.c.imported_at)
        .join(newest, (table.c.name == newest.c.name) & (table.c.revision == newest.c.revision))
        .where(table.c.team_id == team)
        .order_by(table.c.name)
    )


_CURRENT = _current_statement()
_PARSED: dict[str, Framework] = {}  # a framework's checksum -> the framework, parsed once a process
_KEEP = 256  # frameworks kept, and workspaces' current frameworks; a workspace holds a handful at a time
# Per database: a workspace -> its newest version and its current frameworks, as this process last read them.
_KEPT: WeakKeyDictionary[Engine, dict[str, tuple[Newest, tuple[Stored, ...]]]] = WeakKeyDictionary()
_SEEN: ContextVar[Seen | None] = ContextVar("trellis_newest_framework_seen", default=None)


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
