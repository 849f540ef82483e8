from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from growth import asks, checkins, one_on_ones
from growth.links import admin_set
from growth.team import team_of
from growth.wins import Details, Visibility, log_win
from storage.db import Database
from storage.models import Person
from tests.conftest import empty
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _team(db: Database, size: int) -> Person:
    admin, boss = person(db, "U0ADMIN", admin=True), person(db, "U0BOSS")
    for n in range(size):
        report = person(db, f"U0R{n:02d}", now=NOW - timedelta(weeks=3))
        with db.session() as session:
            admin_set(session, admin=admin, report=report, manager=boss, now=NOW)
            for k, visibility in enumerate((Visibility.SHARED, Visibility.PRIVATE)):
                log_win(
                    session,
                    person=report,
                    details=Details(text=f"win {n}.{k}", visibility=visibility),
                    source="command",
                    request_key=f"{n}.{k}",
                    today=date(2026, 11, 20),
                    now=NOW,
                )
            if n % 2:
                checkins.write_entry(session, person=report, answers=checkins.Answers(learned="x"), now=NOW)
                asks.create(
                    session,
                    person=report,
                    draft=asks.Draft("Decide", "Recommend"),
                    request_key=f"ask:{n}",
                    today=NOW.date(),
                    now=NOW,
                )
    return boss


def _queries(db: Database, boss: Person) -> int:
    count = 0

    def counted(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        with db.session() as session:
            team_of(session, manager=boss, now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_the_team_view_counts_what_was_shared_and_who_is_waiting(db: Database) -> None:
    boss = _team(db, 3)
    with db.session() as session:
        team = team_of(session, manager=boss, now=NOW)
        later = team_of(session, manager=boss, now=NOW + timedelta(weeks=2))
    by_name = {m.person.display_name: m for m in team.members}
    assert {name: m.wins_this_month for name, m in by_name.items()} == {"R00": 1, "R01": 1, "R02": 1}
    assert by_name["R01"].last_entry_week == "2026-W48" and by_name["R00"].last_entry_week is None
    assert [len(m.open_asks) for m in team.members] == [0, 1, 0]
    assert [a.decision for a, _ in team.pending] == ["Decide"]
    assert team.quiet == []
    assert [m.new_since_one_on_one for m in team.members] == [1, 2, 1], "the shared win, and R01's entry"
    with db.session() as session:
        one_on_ones.mark_held(session, viewer=boss, report_id=by_name["R01"].person.id, now=NOW + timedelta(minutes=1))
    with db.session() as session:
        after = {m.person.display_name: m for m in team_of(session, manager=boss, now=NOW + timedelta(hours=1)).members}
    assert after["R01"].new_since_one_on_one == 0 and after["R01"].last_one_on_one == NOW + timedelta(minutes=1)
    assert after["R00"].new_since_one_on_one == 1
    assert {m.person.display_name for m in later.quiet} == {"R00", "R01", "R02"}, "two weeks without a word"


def test_the_number_of_queries_does_not_grow_with_the_team(db: Database) -> None:
    small = _queries(db, _team(db, 2))
    empty(db)
    big = _queries(db, _team(db, 8))
    assert small == big
