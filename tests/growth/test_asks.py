from datetime import UTC, date, datetime, timedelta

import pytest

from growth import asks
from growth.asks import AskInvalid, Door, Draft, Parties, Status
from growth.errors import GrowthError, NotAllowed
from growth.frameworks.shipped import shipped
from growth.links import admin_set, end
from growth.notices import AskBrought, AskDecided, AskFollowUpDue, AskReminderDue
from storage.db import Database
from storage.models import Person, Win
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
DRAFT = Draft(decision="Move the deploy window", recommendation="Tuesdays at 10:00", two_way=Door.YES)


def _team(db: Database) -> tuple[Person, Person, Person]:
    admin, maya, dev = person(db, "U0ADMIN", admin=True), person(db, "U0MAYA"), person(db, "U0DEV", tz="Europe/Paris")
    with db.session() as session:
        admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
    return admin, maya, dev


def _ask(db: Database, who: Person, draft: Draft = DRAFT, key: str = "view:1") -> int:
    with db.session() as session:
        ask, _, _ = asks.create(session, person=who, draft=draft, request_key=key, today=TODAY, now=NOW)
    return ask.id


def test_an_ask_goes_to_the_confirmed_manager_once_per_form(db: Database) -> None:
    _, maya, dev = _team(db)
    with db.session() as session:
        ask, manager, created = asks.create(
            session, person=maya, draft=DRAFT, request_key="view:1", today=TODAY, now=NOW
        )
        again, _, twice = asks.create(session, person=maya, draft=DRAFT, request_key="view:1", today=TODAY, now=NOW)
    assert created and not twice and again.id == ask.id
    assert manager.id == dev.id and ask.status == "open" and ask.two_way == "yes"


def test_without_a_confirmed_manager_the_person_is_told_how_to_set_one(db: Database) -> None:
    sam = person(db, "U0SAM")
    with db.session() as session, pytest.raises(NotAllowed, match="/trellis manager @name"):
        asks.create(session, person=sam, draft=DRAFT, request_key="view:1", today=TODAY, now=NOW)


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (Draft(decision=" ", recommendation="x"), "decision"),
        (Draft(decision="x", recommendation="  "), "recommendation"),
        (Draft(decision="x" * 3001, recommendation="x"), "decision"),
        (Draft(decision="x", recommendation="x", needed_by=date(2026, 11, 1)), "needed_by"),
    ],
)
def test_a_bad_form_names_the_field_to_change(db: Database, draft: Draft, field: str) -> None:
    _, maya, _ = _team(db)
    with db.session() as session, pytest.raises(AskInvalid) as invalid:
        asks.create(session, person=maya, draft=draft, request_key="view:1", today=TODAY, now=NOW)
    assert invalid.value.field == field


def test_only_the_confirmed_manager_decides_and_the_first_decision_stands(db: Database) -> None:
    admin, maya, dev = _team(db)
    sam = person(db, "U0SAM")
    ask_id = _ask(db, maya)
    for outsider in (maya, sam, admin):
        with db.session() as session, pytest.raises(NotAllowed):
            asks.decide(session, ask_id=ask_id, manager=outsider, verdict=Status.APPROVED, note="", now=NOW)
    with db.session() as session, pytest.raises(AskInvalid, match="why not"):
        asks.decide(session, ask_id=ask_id, manager=dev, verdict=Status.DECLINED, note="  ", now=NOW)
    with db.session() as session:
        decided = asks.decide(
            session, ask_id=ask_id, manager=dev, verdict=Status.APPROVED, note="", now=NOW, follow_up_after=timedelta(3)
        )
    assert decided.changed and decided.parties.ask.status == "approved"
    assert decided.notices == [
        AskDecided(decided.parties),
        AskFollowUpDue(decided.parties, NOW + timedelta(3)),
    ], "Maya hears at once, and is asked how it went three days later"
    with db.session() as session:
        again = asks.decide(session, ask_id=ask_id, manager=dev, verdict=Status.DECLINED, note="no", now=NOW)
    assert not again.changed and again.parties.ask.status == "approved", "a second click changes nothing"
    assert again.notices == []


def test_a_link_removed_takes_the_decision_away_at_once(db: Database) -> None:
    _, maya, dev = _team(db)
    ask_id = _ask(db, maya)
    with db.session() as session:
        end(session, report=maya, now=NOW)
    with db.session() as session, pytest.raises(NotAllowed):
        asks.decide(session, ask_id=ask_id, manager=dev, verdict=Status.APPROVED, note="", now=NOW)


def test_another_workspace_never_sees_the_ask(db: Database) -> None:
    _, maya, _ = _team(db)
    ask_id = _ask(db, maya)
    stranger = person(db, "U0DEV", team="T2")
    with db.session() as session, pytest.raises(GrowthError, match="gone"):
        asks.decide(session, ask_id=ask_id, manager=stranger, verdict=Status.APPROVED, note="", now=NOW)


def test_bringing_an_ask_tells_the_manager_and_reminds_them_once_if_a_date_is_set(db: Database) -> None:
    _, maya, dev = _team(db)
    with db.session() as session:
        brought = asks.bring(
            session,
            person=maya,
            draft=Draft("Pick a vendor", "Vendor B", needed_by=date(2026, 11, 27)),
            request_key="view:9",
            defaults=shipped(),
            today=TODAY,
            now=NOW,
        )
        twice = asks.bring(
            session,
            person=maya,
            draft=Draft("Pick a vendor", "Vendor B"),
            request_key="view:9",
            defaults=shipped(),
            today=TODAY,
            now=NOW,
        )
    found = Parties(brought.ask, maya, dev)
    assert brought.notices == [AskBrought(found, None), AskReminderDue(found, datetime(2026, 11, 26, 8, 0, tzinfo=UTC))]
    assert not twice.created and twice.notices == [], "the same modal submitted again asks once"
    with db.session() as session:
        ask = asks.parties(session, team_id="T1", ask_id=brought.ask.id).ask
        assert asks.reminder_wanted(ask) and not asks.follow_up_wanted(ask)
        asks.decide(session, ask_id=ask.id, manager=dev, verdict=Status.APPROVED, note="", now=NOW)
        ask = asks.parties(session, team_id="T1", ask_id=brought.ask.id).ask
        assert not asks.reminder_wanted(ask) and asks.follow_up_wanted(ask), "decided: no reminder, a follow-up"


def test_the_reminder_is_the_day_before_at_nine_where_the_manager_is(db: Database) -> None:
    _, maya, dev = _team(db)
    ask_id = _ask(db, maya, Draft("Pick a vendor", "Vendor B", needed_by=date(2026, 11, 27)))
    soon = _ask(db, maya, Draft("Pick a name", "Trellis", needed_by=date(2026, 11, 24)), key="view:2")
    none = _ask(db, maya, Draft("Pick a colour", "Green"), key="view:3")
    with db.session() as session:
        reminders = [
            asks.reminder_at(asks.parties(session, team_id="T1", ask_id=i).ask, dev, NOW) for i in (ask_id, soon, none)
        ]
    assert reminders == [datetime(2026, 11, 26, 8, 0, tzinfo=UTC), None, None]


def test_only_the_asker_logs_an_approved_outcome_as_a_walk_away_win(db: Database) -> None:
    _, maya, dev = _team(db)
    ask_id = _ask(db, maya, Draft("Move the deploy <!channel>", "Tuesdays", competency_id="delivery"))
    with db.session() as session, pytest.raises(GrowthError, match="try out"):
        asks.log_outcome(session, person=maya, ask_id=ask_id, today=TODAY, now=NOW)
    with db.session() as session:
        asks.decide(session, ask_id=ask_id, manager=dev, verdict=Status.APPROVED, note="", now=NOW)
    with db.session() as session, pytest.raises(NotAllowed):
        asks.log_outcome(session, person=dev, ask_id=ask_id, today=TODAY, now=NOW)
    with db.session() as session:
        logged = asks.log_outcome(session, person=maya, ask_id=ask_id, today=TODAY, now=NOW).logged
        again = asks.log_outcome(session, person=maya, ask_id=ask_id, today=TODAY, now=NOW).logged
    assert logged.created and not again.created
    assert (logged.win.source, logged.win.visibility, logged.competencies) == ("wawaw", "shared", ("delivery",))
    with db.session() as session:
        assert session.get(Win, logged.win.id).text.startswith("Walked away with a win: Move the deploy <!channel>")
        assert asks.parties(session, team_id="T1", ask_id=ask_id).ask.outcome_win_id == logged.win.id


def test_open_asks_are_listed_per_person(db: Database) -> None:
    _, maya, dev = _team(db)
    first, second = _ask(db, maya), _ask(db, maya, key="view:2")
    with db.session() as session:
        asks.decide(session, ask_id=first, manager=dev, verdict=Status.TALK, note="", now=NOW + timedelta(hours=1))
        waiting = asks.open_asks(session, person_ids=[maya.id, dev.id])
    assert [ask.id for ask in waiting[maya.id]] == [second] and waiting[dev.id] == []
