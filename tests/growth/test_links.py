from datetime import UTC, datetime

import pytest

from growth.errors import GrowthError, NotAllowed
from growth.links import Status, admin_set, answer, ask, end, manager_of, manages, reports_of
from storage.db import Database
from storage.models import Person
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _person(db: Database, user: str, *, admin: bool = False, team: str = "T1") -> Person:
    return person(db, user, admin=admin, team=team)


def test_a_link_counts_only_once_the_manager_confirms(db: Database) -> None:
    maya, dev = _person(db, "U0MAYA"), _person(db, "U0DEV")
    with db.session() as session:
        asked = ask(session, report=maya, manager=dev, now=NOW)
        assert asked.status is Status.PENDING
        assert manager_of(session, report=maya) is None
        assert ask(session, report=maya, manager=dev, now=NOW).id == asked.id, "asking twice is one request"
    with db.session() as session:
        link, changed = answer(session, link_id=asked.id, manager=dev, confirm=True, now=NOW)
        assert (link.status, changed) == (Status.CONFIRMED, True)
    with db.session() as session:
        assert manager_of(session, report=maya).slack_user_id == "U0DEV"
        assert [p.slack_user_id for p in reports_of(session, manager=dev)] == ["U0MAYA"]
        assert manages(session, manager=dev, report=maya) and not manages(session, manager=maya, report=dev)
        again, changed = answer(session, link_id=asked.id, manager=dev, confirm=False, now=NOW)
        assert (again.status, changed) == (Status.CONFIRMED, False), "a second click changes nothing"


def test_only_the_asked_person_answers_and_not_me_declines(db: Database) -> None:
    maya, dev, sam = _person(db, "U0MAYA"), _person(db, "U0DEV"), _person(db, "U0SAM")
    with db.session() as session:
        asked = ask(session, report=maya, manager=dev, now=NOW)
        with pytest.raises(NotAllowed):
            answer(session, link_id=asked.id, manager=sam, confirm=True, now=NOW)
        link, _ = answer(session, link_id=asked.id, manager=dev, confirm=False, now=NOW)
        assert link.status is Status.DECLINED
        assert manager_of(session, report=maya) is None
        with pytest.raises(GrowthError, match="own manager"):
            ask(session, report=maya, manager=maya, now=NOW)


def test_a_new_confirmed_manager_replaces_the_old_and_a_report_can_end_it(db: Database) -> None:
    maya, dev, sam = _person(db, "U0MAYA"), _person(db, "U0DEV"), _person(db, "U0SAM")
    with db.session() as session:
        for manager in (dev, sam):
            asked = ask(session, report=maya, manager=manager, now=NOW)
            answer(session, link_id=asked.id, manager=manager, confirm=True, now=NOW)
        assert manager_of(session, report=maya).slack_user_id == "U0SAM"
        assert reports_of(session, manager=dev) == []
        assert end(session, report=maya, now=NOW).status is Status.ENDED
        assert manager_of(session, report=maya) is None
        with pytest.raises(GrowthError, match="no confirmed manager"):
            end(session, report=maya, now=NOW)


def test_a_workspace_admin_sets_and_removes_links_directly(db: Database) -> None:
    maya, dev, ada = _person(db, "U0MAYA"), _person(db, "U0DEV"), _person(db, "U0ADA", admin=True)
    with db.session() as session:
        with pytest.raises(NotAllowed):
            admin_set(session, admin=dev, report=maya, manager=dev, now=NOW)
        admin_set(session, admin=ada, report=maya, manager=dev, now=NOW)
        assert manages(session, manager=dev, report=maya)
        assert admin_set(session, admin=ada, report=maya, manager=None, now=NOW) is None
        assert manager_of(session, report=maya) is None


def test_links_never_cross_workspaces(db: Database) -> None:
    maya, dev = _person(db, "U0MAYA"), _person(db, "U0DEV")
    other = _person(db, "U0DEV", team="T2")
    with db.session() as session:
        asked = ask(session, report=maya, manager=dev, now=NOW)
        with pytest.raises(GrowthError, match="gone"):
            answer(session, link_id=asked.id, manager=other, confirm=True, now=NOW)
