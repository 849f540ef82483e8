from datetime import UTC, date, datetime, timedelta

import pytest

from growth import asks, checkins, one_on_ones
from growth.errors import NotAllowed
from growth.frameworks.shipped import shipped
from growth.links import admin_set
from growth.roadmap import add as add_objective
from growth.wins import Details, Visibility, log_win
from storage.db import Database
from storage.models import Person
from tests.factories import maya_aiming_for_ic4, person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _team(db: Database) -> tuple[Person, Person, Person]:
    admin, maya, dev = person(db, "U0ADMIN", admin=True), maya_aiming_for_ic4(db, now=NOW), person(db, "U0DEV")
    with db.session() as session:
        admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
    return admin, maya, dev


def _win(db: Database, who: Person, text: str, visibility: Visibility, when: datetime) -> None:
    with db.session() as session:
        log_win(
            session,
            person=who,
            details=Details(text=text, visibility=visibility),
            source="command",
            request_key=text,
            today=when.date(),
            now=when,
        )


def test_the_prep_holds_what_was_shared_since_the_last_one_and_questions_from_it(db: Database) -> None:
    _, maya, dev = _team(db)
    _win(db, maya, "Old win", Visibility.SHARED, NOW - timedelta(days=30))
    _win(db, maya, "Shared win", Visibility.SHARED, NOW)
    _win(db, maya, "Private win", Visibility.PRIVATE, NOW)
    with db.session() as session:
        checkins.write_entry(
            session, person=maya, answers=checkins.Answers(blockers="Waiting on the infra team"), now=NOW
        )
        ask, _, _ = asks.create(
            session,
            person=maya,
            draft=asks.Draft("Split the monolith", "Start with billing"),
            request_key="view:1",
            today=NOW.date(),
            now=NOW,
        )
        asks.decide(session, ask_id=ask.id, manager=dev, verdict=asks.Status.TALK, note="", now=NOW)
    with db.session() as session:
        prep = one_on_ones.prepare(session, viewer=dev, report=maya, now=NOW + timedelta(hours=1), defaults=shipped())
    assert [w.text for w in prep.wins] == ["Shared win"]
    assert [e.blockers for e in prep.entries] == ["Waiting on the infra team"]
    assert [a.decision for a in prep.asks] == ["Split the monolith"]
    assert prep.questions[:2] == [
        "You wanted to talk about “Split the monolith”: what would make it a yes?",
        "You wrote that “Waiting on the infra team” blocks you: what can I unblock?",
    ]
    assert len(prep.questions) == 3
    with db.session() as session:
        mine = one_on_ones.prepare(session, viewer=maya, report=None, now=NOW + timedelta(hours=1), defaults=shipped())
    assert mine.manager.id == dev.id and [w.text for w in mine.wins] == ["Shared win"]


def test_marking_it_held_starts_the_next_period(db: Database) -> None:
    _, maya, dev = _team(db)
    _win(db, maya, "Before", Visibility.SHARED, NOW)
    with db.session() as session:
        one_on_ones.mark_held(session, viewer=maya, report_id=maya.id, now=NOW + timedelta(hours=1))
    _win(db, maya, "After", Visibility.PUBLIC, NOW + timedelta(hours=2))
    with db.session() as session:
        prep = one_on_ones.prepare(session, viewer=dev, report=maya, now=NOW + timedelta(hours=3), defaults=shipped())
    assert prep.since == NOW + timedelta(hours=1) and [w.text for w in prep.wins] == ["After"]


def test_roadmap_items_due_soon_and_the_largest_gaps_are_in_it(db: Database) -> None:
    _, maya, dev = _team(db)
    with db.session() as session:
        add_objective(
            session,
            person=maya,
            competency_id="mentoring",
            title="Mentor two new hires",
            due_on=date(2026, 12, 1),
            now=NOW,
        )
        add_objective(
            session, person=maya, competency_id="mentoring", title="Far away", due_on=date(2027, 6, 1), now=NOW
        )
    with db.session() as session:
        prep = one_on_ones.prepare(session, viewer=dev, report=maya, now=NOW, defaults=shipped())
    assert [o.title for o in prep.due] == ["Mentor two new hires"]
    assert any("Mentor two new hires" in q for q in prep.questions)


@pytest.mark.parametrize("who", ["U0SAM", "U0OTHERBOSS"])
def test_only_the_confirmed_manager_or_the_report_prepares_it(db: Database, who: str) -> None:
    admin, maya, _ = _team(db)
    outsider = person(db, who)
    sam = person(db, "U0SAMR")
    with db.session() as session:
        admin_set(session, admin=admin, report=sam, manager=outsider, now=NOW)
    with db.session() as session, pytest.raises(NotAllowed):
        one_on_ones.prepare(session, viewer=outsider, report=maya, now=NOW, defaults=shipped())
    with db.session() as session, pytest.raises(NotAllowed):
        one_on_ones.mark_held(session, viewer=outsider, report_id=maya.id, now=NOW)
    lonely = person(db, "U0LONELY")
    with db.session() as session, pytest.raises(NotAllowed, match="no confirmed manager"):
        one_on_ones.prepare(session, viewer=lonely, report=None, now=NOW, defaults=shipped())
