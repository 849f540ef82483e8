"""People and workspaces: created the first time someone interacts, refreshed from their profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from growth.frameworks.versions import Newest, newest_version
from storage.db import insert_ignore
from storage.models import Person, Workspace

REFRESH_AFTER = timedelta(hours=12)
DISPLAY_NAME_LIMIT = 255


@dataclass(frozen=True)
class Profile:
    """What Slack's users.info tells us about a person, in our terms."""

    display_name: str
    tz: str | None
    is_admin: bool
    deleted: bool
    status_text: str = ""
    status_emoji: str = ""
    status_expiration: int = 0
    is_bot: bool = False


ProfileLoader = Callable[[], Profile | None]


def find_person(session: Session, *, team_id: str, user_id: str) -> Person | None:
    return session.execute(_FIND_PERSON, {"team_id": team_id, "user_id": user_id}).scalars().first()


# Every request looks its person up: the statement is built once (it keeps its cache key).
_FIND_PERSON = select(Person).where(
    Person.team_id == bindparam("team_id"),
    Person.slack_user_id == bindparam("user_id"),  # type: ignore[arg-type]
)


def ensure_workspace(session: Session, *, team_id: str, enterprise_id: str | None, now: datetime) -> None:
    """The workspace's row, with the Enterprise Grid org it belongs to once a request has said so."""
    created = insert_ignore(
        session,
        Workspace.__table__,  # type: ignore[arg-type]
        {"team_id": team_id, "enterprise_id": enterprise_id, "created_at": now, "updated_at": now},
        conflict=["team_id"],
    )
    if not created and enterprise_id:
        session.execute(
            update(Workspace)
            .where(Workspace.team_id == team_id, Workspace.enterprise_id.is_(None))  # type: ignore[union-attr]
            .values(enterprise_id=enterprise_id, updated_at=now)
        )


@dataclass(frozen=True)
class Known:
    """A person found as they are, and the workspace's newest framework version, read in the same
    statement (`growth.frameworks.versions.note_newest_seen`)."""

    person: Person
    newest_framework: Newest | None  # None: the workspace has no frameworks yet


def known_person(
    session: Session, *, team_id: str, user_id: str, enterprise_id: str | None, now: datetime
) -> Known | None:
    """The person, when nothing about them needs writing (their profile is fresh, their org known): most
    requests, which can then look them up without a transaction. None sends the caller to `ensure_person`."""
    row = session.execute(_KNOWN_PERSON, {"team_id": team_id, "user_id": user_id}).first()
    if row is None or _stale(row[0], now) or _org_unknown(row[0], enterprise_id):
        return None
    person, newest_id, newest_at = row
    return Known(person, Newest(newest_id, newest_at) if newest_id is not None else None)


_KNOWN_PERSON = select(Person, *newest_version(Person.team_id)).where(  # type: ignore[arg-type]
    Person.team_id == bindparam("team_id"),
    Person.slack_user_id == bindparam("user_id"),  # type: ignore[arg-type]
)


def wants_profile(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Whether `ensure_person` will ask Slack for this person's profile: someone new, or a profile gone
    stale. A request asks this in a read of its own and calls Slack before its transaction begins, so no
    database connection is held while Slack answers (up to its timeout, when Slack is slow)."""
    person = find_person(session, team_id=team_id, user_id=user_id)
    return person is None or _stale(person, now)


def ensure_person(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    enterprise_id: str | None,
    load_profile: ProfileLoader,
    now: datetime,
    fallback_name: str = "",
) -> Person:
    """The person behind an interaction, created on first sight and refreshed when their profile is stale.

    `load_profile` is only called when needed; when it returns None (Slack unreachable) the person is
    still created, from what the request carried, and refreshed on a later interaction. It is called in
    the caller's transaction: a caller that may have to wait for Slack asks first (`wants_profile`), and
    passes what Slack said.
    """
    person = find_person(session, team_id=team_id, user_id=user_id)
    stale = person is None or _stale(person, now)
    profile = load_profile() if stale else None  # before any write: no write lock is held while Slack answers
    if person is not None and _org_unknown(person, enterprise_id):
        person.enterprise_id = enterprise_id  # on an Enterprise Grid install, every row needs it
        session.add(person)
        ensure_workspace(session, team_id=team_id, enterprise_id=enterprise_id, now=now)
    if person is not None and not stale:
        return person
    if person is None:
        ensure_workspace(session, team_id=team_id, enterprise_id=enterprise_id, now=now)
        insert_ignore(
            session,
            Person.__table__,  # type: ignore[arg-type]
            {
                "team_id": team_id,
                "enterprise_id": enterprise_id,
                "slack_user_id": user_id,
                "display_name": fallback_name[:DISPLAY_NAME_LIMIT],
                "is_admin": False,
                "is_bot": False,
                "deleted": False,
                "created_at": now,
                "updated_at": now,
            },
            conflict=["team_id", "slack_user_id"],
        )
        person = find_person(session, team_id=team_id, user_id=user_id)
        assert person is not None
    if profile is not None:
        apply_profile(person, profile, now=now)
        session.add(person)
    return person


def apply_profile(person: Person, profile: Profile, *, now: datetime) -> None:
    for name, value in _as_stored(person, profile).items():
        setattr(person, name, value)
    person.profile_refreshed_at = now
    person.updated_at = now


def _as_stored(person: Person, profile: Profile) -> dict[str, object]:
    """What `person`'s row says once `profile` is applied (a name or zone Slack leaves out keeps ours)."""
    return {
        "display_name": profile.display_name[:DISPLAY_NAME_LIMIT] or person.display_name,
        "tz": valid_time_zone(profile.tz) or person.tz,
        "is_admin": profile.is_admin,
        "is_bot": profile.is_bot,
        "deleted": profile.deleted,
        "status_text": profile.status_text[:150] or None,
        "status_emoji": profile.status_emoji[:100] or None,
        "status_expiration": profile.status_expiration or None,
    }


def valid_time_zone(name: str | None) -> str | None:
    """The IANA name if this machine's zone database knows it, else None (never guess an offset)."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _stale(person: Person, now: datetime) -> bool:
    return person.profile_refreshed_at is None or now - person.profile_refreshed_at >= REFRESH_AFTER


def _org_unknown(person: Person, enterprise_id: str | None) -> bool:
    """The request names the person's Enterprise Grid org, and their row does not have it yet."""
    return bool(enterprise_id) and person.enterprise_id != enterprise_id


# The directory marks an unchanged profile fresh again at most this long after it was last written:
# halfway to stale, so with the directory running hourly no request finds a listed person stale, and an
# unchanged workspace writes each person's row about four times a day instead of every hour.
MARK_FRESH_AFTER = REFRESH_AFTER / 2
_SLOTS = MARK_FRESH_AFTER // timedelta(hours=1)  # the hours over which a workspace's rows are spread


def _fresh_again(person: Person, now: datetime) -> bool:
    """Whether the directory marks `person`'s unchanged profile fresh again at `now`: in their own hour
    of every six (by id, so that a workspace that arrived at once is written a sixth an hour, not all
    in the same hour), and in any case once it is `MARK_FRESH_AFTER` old (a run that missed that hour)."""
    if person.profile_refreshed_at is None:
        return True
    age = now - person.profile_refreshed_at
    own_hour = (person.id or 0) % _SLOTS == int(now.timestamp() // 3600) % _SLOTS
    return age >= MARK_FRESH_AFTER or (own_hour and age >= timedelta(hours=1))


@dataclass(frozen=True)
class DirectoryChanges:
    moved: list[Person]  # their time zone changed
    left: list[Person]  # deleted in Slack since we last looked
    updated: int  # people Trellis knows that the page listed
    changed: int = 0  # of those, the ones whose profile had changed (written at once)


def apply_directory(session: Session, *, team_id: str, profiles: dict[str, Profile], now: datetime) -> DirectoryChanges:
    """What one page of users.list says about the people Trellis knows (nobody else is added).

    A changed profile is written at once. An unchanged one is only marked fresh (`_fresh_again`), in one
    statement for the page; its `updated_at` stays, as nothing changed."""
    if not profiles:  # a page of apps' users only
        return DirectoryChanges([], [], updated=0)
    known = session.exec(
        select(Person).where(Person.team_id == team_id, Person.slack_user_id.in_(list(profiles)))  # type: ignore[attr-defined]
    ).all()
    moved, left, changed, fresh_again = [], [], 0, []
    for person in known:
        profile = profiles[person.slack_user_id]
        if all(getattr(person, name) == value for name, value in _as_stored(person, profile).items()):
            if _fresh_again(person, now):
                fresh_again.append(person.id)
            continue
        was_tz, was_deleted = person.tz, person.deleted
        apply_profile(person, profile, now=now)
        session.add(person)
        changed += 1
        if person.deleted and not was_deleted:
            left.append(person)
        elif person.tz != was_tz and not person.deleted:
            moved.append(person)
    if fresh_again:
        session.execute(
            update(Person).where(Person.id.in_(fresh_again)).values(profile_refreshed_at=now),  # type: ignore[union-attr]
            execution_options={"synchronize_session": False},  # the page's session ends here
        )
    return DirectoryChanges(moved, left, updated=len(known), changed=changed)


def directory_done(session: Session, *, team_id: str, now: datetime) -> None:
    """The workspace's whole users.list was applied: not due again for an hour (`directories_due`)."""
    workspace = session.exec(select(Workspace).where(Workspace.team_id == team_id)).first()
    if workspace is not None:
        workspace.directory_refreshed_at = now
        session.add(workspace)


def directories_due(session: Session, *, now: datetime, every: timedelta) -> list[tuple[str, str | None]]:
    """(team, enterprise) of the installed workspaces whose people were last refreshed more than `every` ago."""
    rows = session.exec(
        select(Workspace.team_id, Workspace.enterprise_id, Workspace.directory_refreshed_at)
        .where(Workspace.uninstalled_at.is_(None))  # type: ignore[union-attr]
        .order_by(Workspace.team_id)
    ).all()
    return [(team, enterprise) for team, enterprise, at in rows if at is None or now - at >= every]


def workspace_ids(session: Session) -> list[str]:
    return list(session.exec(select(Workspace.team_id).order_by(Workspace.team_id)).all())


def local_today(person: Person, now: datetime) -> date:
    """The date where the person is (UTC until Slack has told us their time zone)."""
    zone = valid_time_zone(person.tz)
    return now.astimezone(ZoneInfo(zone)).date() if zone else now.date()
