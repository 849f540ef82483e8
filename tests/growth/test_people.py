from datetime import UTC, datetime, timedelta

from growth.frameworks.shipped import shipped
from growth.frameworks.versions import Newest, import_framework
from growth.people import REFRESH_AFTER, Profile, ensure_person, find_person, known_person
from storage.db import Database
from storage.models import Workspace

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
