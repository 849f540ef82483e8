from datetime import UTC, datetime

import pytest

from growth.errors import GrowthError, NotAllowed
from growth.links import Status, admin_remove, admin_set, answer, ask, end, manager_of, manages, reports_of
from growth.notices import Answered, Asked, Ended, LinkRemoved, LinkSet
from storage.db import Database
from storage.models import Person
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _person(db: Database, user: str, *, admin: bool = False, team: str = "T1") -> Person:
    return person(db, user, admin=admin, team=team)


def test_a_link_counts_only_once_the_manager_confirms(db: Database) -> None:
    maya, dev = _person(db, "U0MAYA"), _person(db, "U0DEV")
    with db.session() as session:
        requested = ask(session, report=maya, manager=dev, now=NOW)
        asked = requested.link
        assert asked.status is Status.PENDING
        assert requested.notices == [Asked(asked)], "the manager gets the request"
        assert manager_of(session, report=maya) is None
        assert ask(session, report=maya, manager=dev, now=NOW).link.id == asked.id, "asking twice is one request"
    with db.session() as session:
        answered = answer(session, link_id=asked.id, who=dev, confirm=True, now=NOW)
        assert (answered.relation.status, answered.changed) == (Status.CONFIRMED, True)
        assert answered.notices == [Answered(answered.relation)], "the report hears the answer"
    with db.session() as session:
        assert manager_of(session, report=maya).slack_user_id == "U0DEV"
        assert [p.slack_user_id for p in reports_of(session, manager=dev)] == ["U0MAYA"]
        assert manages(session, manager=dev, report=maya) and not manages(session, manager=maya, report=dev)
        again = answer(session, link_id=asked.id, who=dev, confirm=False, now=NOW)
        assert (again.relation.status, again.changed) == (Status.CONFIRMED, False), "a second click changes nothing"
        assert again.notices == [], "and tells no one again"


def test_only_the_asked_person_answers_and_not_me_declines(db: Database) -> None:
    maya, dev, sam = _person(db, "U0MAYA"), _person(db, "U0DEV"), _person(db, "U0SAM")
    with db.session() as session:
        asked = ask(session, report=maya, manager=dev, now=NOW).link
        with pytest.raises(NotAllowed):
            answer(session, link_id=asked.id, who=sam, confirm=True, now=NOW)
        assert answer(session, link_id=asked.id, who=dev, confirm=False, now=NOW).relation.status is Status.DECLINED
        assert manager_of(session, report=maya) is None
        with pytest.raises(GrowthError, match="own manager"):
            ask(session, report=maya, manager=maya, now=NOW)


def test_a_new_confirmed_manager_replaces_the_old_and_a_report_can_end_it(db: Database) -> None:
    maya, dev, sam = _person(db, "U0MAYA"), _person(db, "U0DEV"), _person(db, "U0SAM")
    with db.session() as session:
        for manager in (dev, sam):
            asked = ask(session, report=maya, manager=manager, now=NOW).link
            answer(session, link_id=asked.id, who=manager, confirm=True, now=NOW)
        assert manager_of(session, report=maya).slack_user_id == "U0SAM"
        assert reports_of(session, manager=dev) == []
        ended = end(session, report=maya, now=NOW)
        assert ended.link.status is Status.ENDED
        assert ended.notices == [Ended(ended.link, told=sam)], "the manager is told"
        assert manager_of(session, report=maya) is None
        with pytest.raises(GrowthError, match="no confirmed manager"):
            end(session, report=maya, now=NOW)


def test_a_workspace_admin_sets_and_removes_links_directly(db: Database) -> None:
    maya, dev, ada = _person(db, "U0MAYA"), _person(db, "U0DEV"), _person(db, "U0ADA", admin=True)
    with db.session() as session:
        with pytest.raises(NotAllowed):
            admin_set(session, admin=dev, report=maya, manager=dev, now=NOW)
        changed = admin_set(session, admin=ada, report=maya, manager=dev, now=NOW)
        assert changed is not None and changed.notices == [LinkSet(changed.link)], "both are told"
        assert manages(session, manager=dev, report=maya)
        assert admin_remove(session, admin=ada, report=maya, now=NOW) == [LinkRemoved(maya)]
        assert manager_of(session, report=maya) is None


def test_links_never_cross_workspaces(db: Database) -> None:
    maya, dev = _person(db, "U0MAYA"), _person(db, "U0DEV")
    other = _person(db, "U0DEV", team="T2")
    with db.session() as session:
        asked = ask(session, report=maya, manager=dev, now=NOW).link
        with pytest.raises(GrowthError, match="gone"):
            answer(session, link_id=asked.id, who=other, confirm=True, now=NOW)
