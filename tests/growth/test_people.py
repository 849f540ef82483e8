from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlmodel import select

from growth.frameworks.shipped import shipped
from growth.frameworks.versions import Newest, import_framework
from growth.people import (
    MARK_FRESH_AFTER,
    REFRESH_AFTER,
    DirectoryChanges,
    Profile,
    apply_directory,
    ensure_person,
    find_person,
    known_person,
    wants_profile,
)
from storage.db import Database
from storage.models import Person, Workspace
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MAYA = Profile(display_name="Maya", tz="Europe/Paris", is_admin=False, deleted=False)


class Loader:
    def __init__(self, profile: Profile | None) -> None:
        self.profile = profile
        self.calls = 0

    def __call__(self) -> Profile | None:
        self.calls += 1
        return self.profile


def _ensure(db: Database, loader: Loader, *, now: datetime = NOW, team: str = "T1", fallback: str = "") -> None:
    with db.session() as session:
        ensure_person(
            session,
            team_id=team,
            user_id="U1",
            enterprise_id=None,
            load_profile=loader,
            now=now,
            fallback_name=fallback,
        )


def test_first_interaction_creates_the_person_and_their_workspace(db: Database) -> None:
    _ensure(db, Loader(MAYA))
    with db.session() as session:
        person = find_person(session, team_id="T1", user_id="U1")
        assert person is not None
        assert (person.display_name, person.tz, person.profile_refreshed_at) == ("Maya", "Europe/Paris", NOW)
        assert session.get(Workspace, 1).team_id == "T1"


def test_a_fresh_profile_is_not_fetched_again(db: Database) -> None:
    loader = Loader(MAYA)
    _ensure(db, loader)
    _ensure(db, loader, now=NOW + timedelta(hours=1))
    assert loader.calls == 1


def test_a_stale_profile_is_refreshed_and_a_time_zone_change_is_kept(db: Database) -> None:
    _ensure(db, Loader(MAYA))
    moved = Profile(display_name="Maya L.", tz="America/New_York", is_admin=True, deleted=False)
    _ensure(db, Loader(moved), now=NOW + REFRESH_AFTER)
    with db.session() as session:
        person = find_person(session, team_id="T1", user_id="U1")
        assert person is not None
        assert (person.display_name, person.tz, person.is_admin) == ("Maya L.", "America/New_York", True)


def test_slack_unreachable_still_creates_the_person_from_the_request(db: Database) -> None:
    loader = Loader(None)
    _ensure(db, loader, fallback="maya")
    with db.session() as session:
        person = find_person(session, team_id="T1", user_id="U1")
        assert person is not None
        assert (person.display_name, person.tz, person.profile_refreshed_at) == ("maya", None, None)
    _ensure(db, Loader(MAYA), now=NOW + timedelta(minutes=1))
    with db.session() as session:
        assert find_person(session, team_id="T1", user_id="U1").tz == "Europe/Paris"


def test_an_unknown_time_zone_is_not_stored(db: Database) -> None:
    _ensure(db, Loader(Profile(display_name="M", tz="Mars/Olympus_Mons", is_admin=False, deleted=False)))
    with db.session() as session:
        assert find_person(session, team_id="T1", user_id="U1").tz is None


def test_the_same_user_id_in_another_workspace_is_another_person(db: Database) -> None:
    _ensure(db, Loader(MAYA), team="T1")
    _ensure(db, Loader(MAYA._replace() if hasattr(MAYA, "_replace") else MAYA), team="T2")
    with db.session() as session:
        assert (
            find_person(session, team_id="T1", user_id="U1").id != find_person(session, team_id="T2", user_id="U1").id
        )


def test_a_known_person_is_found_only_when_nothing_about_them_needs_writing(db: Database) -> None:
    def known(now: datetime, enterprise_id: str | None = None) -> bool:
        found = db.read(
            lambda session: known_person(session, team_id="T1", user_id="U1", enterprise_id=enterprise_id, now=now)
        )
        return found is not None and found.person.slack_user_id == "U1"

    assert not known(NOW)  # nobody yet
    _ensure(db, Loader(MAYA))
    assert known(NOW + timedelta(hours=1))
    assert not known(NOW + REFRESH_AFTER)  # stale: users.info again
    assert not known(NOW, enterprise_id="E1")  # the request names an org the row does not have yet


def test_slacks_profile_is_wanted_for_someone_new_or_stale_only(db: Database) -> None:
    def wanted(now: datetime, team: str = "T1") -> bool:
        return db.read(lambda session: wants_profile(session, team_id=team, user_id="U1", now=now))

    assert wanted(NOW)  # nobody yet
    _ensure(db, Loader(MAYA))
    assert not wanted(NOW + timedelta(hours=1))
    assert wanted(NOW + REFRESH_AFTER)
    assert wanted(NOW, team="T2"), "the same user id in another workspace is someone new"


def test_a_known_person_comes_with_the_workspaces_newest_framework_version(db: Database) -> None:
    def newest() -> Newest | None:
        known = db.read(lambda s: known_person(s, team_id="T1", user_id="U1", enterprise_id=None, now=NOW))
        assert known is not None
        return known.newest_framework

    _ensure(db, Loader(MAYA))
    assert newest() is None, "no frameworks yet"
    with db.session() as session:
        for framework in shipped():
            stored = import_framework(session, team_id="T1", framework=framework, source="x", now=NOW).stored
        import_framework(session, team_id="T2", framework=shipped()[0], source="x", now=NOW + REFRESH_AFTER)
    assert newest() == Newest(stored.id, NOW), "the last one imported, of this workspace only"


def _listed(db: Database, profile: Profile, *, now: datetime) -> DirectoryChanges:
    """One users.list page naming U1 (and someone Trellis does not know), as the directory job applies it."""
    with db.session() as session:
        return apply_directory(session, team_id="T1", profiles={"U1": profile, "U0STRANGER": MAYA}, now=now)


def _row(db: Database) -> Person:
    with db.session() as session:
        found = find_person(session, team_id="T1", user_id="U1")
        assert found is not None
        return found


def _own_hour(person: Person, at: datetime) -> bool:
    """The hour of every six in which the directory marks this person's unchanged profile fresh again."""
    return (person.id or 0) % 6 == int(at.timestamp() // 3600) % 6


def test_the_directory_writes_a_changed_profile_at_once_and_an_unchanged_one_only_to_keep_it_fresh(
    db: Database,
) -> None:
    _ensure(db, Loader(MAYA))
    maya = _row(db)
    hours = [NOW + timedelta(hours=h) for h in range(1, 25)]
    not_hers = next(at for at in hours if not _own_hour(maya, at))
    unchanged = _listed(db, MAYA, now=not_hers)
    assert (unchanged.updated, unchanged.changed) == (1, 0), "people Trellis does not know are not added"
    assert (_row(db).profile_refreshed_at, _row(db).updated_at) == (NOW, NOW), "nothing written"

    hers = next(at for at in hours if at > not_hers and _own_hour(maya, at))
    _listed(db, MAYA, now=hers)
    assert (_row(db).profile_refreshed_at, _row(db).updated_at) == (hers, NOW), "fresh again, and nothing else"

    late = next(at for at in hours if at - hers >= MARK_FRESH_AFTER and not _own_hour(maya, at))
    _listed(db, MAYA, now=late)
    assert _row(db).profile_refreshed_at == late, "six hours old: fresh again, whatever the hour (a run missed)"

    away = replace(MAYA, status_text="Offsite", status_emoji=":bus:")
    changed = _listed(db, away, now=late + timedelta(minutes=5))
    assert (changed.changed, changed.moved, changed.left) == (1, [], [])
    row = _row(db)
    assert (row.status_text, row.status_emoji, row.profile_refreshed_at, row.updated_at) == (
        "Offsite",
        ":bus:",
        late + timedelta(minutes=5),
        late + timedelta(minutes=5),
    )


def test_a_workspace_that_arrived_at_once_is_marked_fresh_a_sixth_an_hour(db: Database) -> None:
    profiles = {}
    for n in range(12):
        person(db, f"U0P{n:02d}", now=NOW)
        profiles[f"U0P{n:02d}"] = Profile(f"P{n:02d}", "UTC", False, False)
    written = []
    for hours in range(1, 13):
        at = NOW + timedelta(hours=hours)
        with db.session() as session:
            apply_directory(session, team_id="T1", profiles=profiles, now=at)
        with db.session() as session:
            written.append(len(session.exec(select(Person).where(Person.profile_refreshed_at == at)).all()))
    assert written == [2] * 12


def test_with_the_directory_hourly_no_request_finds_a_listed_person_stale(db: Database) -> None:
    """The request path calls users.info (Tier 4) for a stale profile: the directory must keep everyone it
    lists fresh, although it writes an unchanged row only four times a day."""
    _ensure(db, Loader(MAYA))
    stamps = set()
    for hours in range(1, 73):
        _listed(db, MAYA, now=NOW + timedelta(hours=hours))
        stamps.add(_row(db).profile_refreshed_at)
        just_before_next = NOW + timedelta(hours=hours, minutes=59)
        assert db.read(
            lambda session, at=just_before_next: known_person(
                session, team_id="T1", user_id="U1", enterprise_id=None, now=at
            )
        ), f"stale {hours} h after arriving"
    assert len(stamps - {NOW}) == 12, "72 hourly runs, 12 writes"


def test_a_page_of_apps_users_only_reads_and_writes_nothing(db: Database) -> None:
    _ensure(db, Loader(MAYA))
    with db.session() as session:
        assert apply_directory(session, team_id="T1", profiles={}, now=NOW + REFRESH_AFTER) == DirectoryChanges(
            [], [], updated=0
        )
    assert _row(db).profile_refreshed_at == NOW


def test_slack_is_asked_for_a_stale_profile_before_anything_is_written(db: Database) -> None:
    """A Grid org seen for the first time on a stale profile: the profile comes first, so no write lock
    (SQLite's one writer, PostgreSQL's row locks) is held while Slack answers."""
    _ensure(db, Loader(MAYA))
    written: list[str] = []

    def writing(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            written.append(statement)

    class Asking(Loader):
        def __call__(self) -> Profile | None:
            assert written == [], "wrote before asking Slack"
            return super().__call__()

    event.listen(db.engine, "before_cursor_execute", writing)
    try:
        with db.session() as session:
            ensure_person(
                session,
                team_id="T1",
                user_id="U1",
                enterprise_id="E1",
                load_profile=Asking(replace(MAYA, display_name="Maya L.")),
                now=NOW + REFRESH_AFTER,
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", writing)
    assert written, "the org and the profile were written after"
    with db.session() as session:
        person = find_person(session, team_id="T1", user_id="U1")
        assert person is not None and (person.enterprise_id, person.display_name) == ("E1", "Maya L.")
