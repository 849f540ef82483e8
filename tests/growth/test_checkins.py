from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from growth import checkins, workspaces
from growth.checkins import Answers, Settings, due_checkins, enrol, is_away, streak_of
from growth.errors import GrowthError
from growth.frameworks.shipped import shipped
from growth.links import admin_set
from growth.people import Profile, apply_directory, directories_due, directory_done
from growth.wins import Details, Visibility, log_win
from storage.db import Database
from storage.models import Checkin, CheckinPlan, Person
from tests.factories import maya_aiming_for_ic4, person

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # week 48; Friday is 27 November
FRIDAY_3PM_PARIS = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def _maya(db: Database, now: datetime = MONDAY) -> Person:
    maya = person(db, "U0MAYA", tz="Europe/Paris", now=now)
    with db.session() as session:
        enrol(session, person=maya, now=now)
    return maya


def _tick(db: Database, now: datetime) -> checkins.Tick:
    with db.session() as session:
        return due_checkins(session, now=now)


def _weeks(db: Database, who: Person) -> dict[str, str]:
    with db.session() as session:
        rows = session.exec(select(Checkin.week, Checkin.status).where(Checkin.person_id == who.id)).all()
    return dict(rows)


def test_the_first_check_in_is_friday_at_three_in_the_persons_own_time_zone(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        assert checkins.plan_of(session, maya).next_at == FRIDAY_3PM_PARIS
    assert _tick(db, FRIDAY_3PM_PARIS - timedelta(seconds=1)).queued == []
    tick = _tick(db, FRIDAY_3PM_PARIS)
    assert [(q.person_id, q.week) for q in tick.queued] == [(maya.id, "2026-W48")]


def test_someone_who_starts_after_this_weeks_slot_is_first_nudged_next_week(db: Database) -> None:
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    maya = _maya(db, now=saturday)
    with db.session() as session:
        assert checkins.plan_of(session, maya).next_at == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert _tick(db, saturday).queued == []


def test_ticking_again_or_late_in_the_week_never_queues_twice(db: Database) -> None:
    maya = _maya(db)
    assert len(_tick(db, FRIDAY_3PM_PARIS).queued) == 1
    for later in (FRIDAY_3PM_PARIS, FRIDAY_3PM_PARIS + timedelta(hours=1), datetime(2026, 11, 29, 22, 0, tzinfo=UTC)):
        assert _tick(db, later).queued == []
    assert _weeks(db, maya) == {"2026-W48": "queued"}


def test_a_tick_that_runs_late_still_sends_while_the_week_lasts_and_never_after(db: Database) -> None:
    maya = _maya(db)
    sunday_night_paris = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    assert [q.week for q in _tick(db, sunday_night_paris).queued] == ["2026-W48"]
    dev = person(db, "U0DEV", tz="Europe/Paris")
    with db.session() as session:
        enrol(session, person=dev, now=MONDAY)
    monday_after = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 01:30 on Monday in Paris: week 48 is over
    assert _tick(db, monday_after).queued == []
    assert _weeks(db, dev) == {}, "a missed week is not sent on Monday"
    with db.session() as session:
        assert checkins.plan_of(session, dev).next_at == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert _weeks(db, maya) == {"2026-W48": "queued"}


def test_nine_in_the_morning_stays_nine_across_the_end_of_daylight_saving(db: Database) -> None:
    before = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)  # Monday of week 43, summer time in Paris
    maya = _maya(db, now=before)
    with db.session() as session:
        checkins.change_settings(session, person=maya, settings=Settings(weekday=4, hour=9), now=before)
        assert checkins.plan_of(session, maya).next_at == datetime(2026, 10, 23, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert len(_tick(db, datetime(2026, 10, 23, 7, 0, tzinfo=UTC)).queued) == 1
    with db.session() as session:
        after = checkins.plan_of(session, maya).next_at
    assert after == datetime(2026, 10, 30, 8, 0, tzinfo=UTC)  # 09:00 CET, a week later
    assert len(_tick(db, after).queued) == 1
    assert set(_weeks(db, maya)) == {"2026-W43", "2026-W44"}


def test_paused_skipped_and_opted_out_weeks_send_nothing(db: Database) -> None:
    maya, dev, sam = _maya(db), person(db, "U0DEV", tz="Europe/Paris"), person(db, "U0SAM", tz="Europe/Paris")
    with db.session() as session:
        enrol(session, person=dev, now=MONDAY)
        enrol(session, person=sam, now=MONDAY)
        checkins.change_settings(session, person=maya, settings=Settings(pause_weeks=2), now=MONDAY)
        checkins.change_settings(session, person=dev, settings=Settings(skip_this_week=True), now=MONDAY)
        checkins.change_settings(session, person=sam, settings=Settings(opted_out=True), now=MONDAY)
        assert checkins.plan_of(session, sam).next_at is None
    assert _tick(db, FRIDAY_3PM_PARIS).queued == []
    assert _weeks(db, maya) == {"2026-W48": "paused"}
    assert _weeks(db, dev) == {"2026-W48": "skipped"}
    assert _weeks(db, sam) == {}
    next_friday = FRIDAY_3PM_PARIS + timedelta(weeks=1)
    assert [q.person_id for q in _tick(db, next_friday).queued] == [dev.id], "Maya is paused two weeks"
    assert [q.person_id for q in _tick(db, next_friday + timedelta(weeks=1)).queued] == [maya.id, dev.id]


def test_moving_the_check_in_later_this_week_keeps_this_weeks_check_in(db: Database) -> None:
    maya = _maya(db)
    saturday_morning = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # the Friday slot passed unticked
    with db.session() as session:
        checkins.change_settings(session, person=maya, settings=Settings(weekday=6, hour=18), now=saturday_morning)
    assert _tick(db, saturday_morning).queued == []
    assert [q.week for q in _tick(db, datetime(2026, 11, 29, 17, 0, tzinfo=UTC)).queued] == ["2026-W48"]


def test_settings_are_checked_and_read_back(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        with pytest.raises(GrowthError, match="up to 12 weeks"):
            checkins.change_settings(session, person=maya, settings=Settings(pause_weeks=13), now=MONDAY)
        with pytest.raises(GrowthError, match="hour"):
            checkins.change_settings(session, person=maya, settings=Settings(hour=24), now=MONDAY)
    wanted = Settings(weekday=0, hour=9, pause_weeks=3, skip_this_week=True, share=True)
    with db.session() as session:
        plan = checkins.change_settings(session, person=maya, settings=wanted, now=MONDAY)
        assert checkins.current_settings(plan, maya, MONDAY) == wanted
        assert "paused until" in checkins.describe_plan(plan, maya, MONDAY)


@pytest.mark.parametrize(
    ("status", "away"),
    [
        ({"status_text": "Vacationing", "status_emoji": ":palm_tree:"}, True),
        ({"status_text": "Out of office until Monday", "status_emoji": ""}, True),
        ({"status_text": "OOO", "status_emoji": ":calendar:"}, True),
        ({"status_text": "Off sick", "status_emoji": ":face_with_thermometer:"}, True),
        ({"status_text": "In a meeting", "status_emoji": ":calendar:", "status_expiration": 1_800_000_000}, True),
        ({"status_text": "In a meeting", "status_emoji": ":calendar:", "status_expiration": 1_795_789_800}, False),
        ({"status_text": "Vacationing", "status_emoji": ":palm_tree:", "status_expiration": 1_795_700_000}, False),
        ({"status_text": "Focusing", "status_emoji": ":headphones:"}, False),
        ({}, False),
    ],
)
def test_a_status_that_says_away_skips_the_week(status: dict[str, object], away: bool) -> None:
    someone = Person(team_id="T1", slack_user_id="U1", **status)
    assert is_away(someone, FRIDAY_3PM_PARIS) is away


def test_streaks_count_weeks_with_entries_and_skipped_weeks_do_not_break_them() -> None:
    statuses = {"2026-W44": "answered", "2026-W45": "sent", "2026-W46": "answered", "2026-W47": "skipped"}
    assert streak_of(statuses | {"2026-W48": "sent"}, this_week="2026-W48") == checkins.Streak(1, 2, 1)
    assert streak_of(statuses | {"2026-W48": "answered"}, this_week="2026-W48").current == 2
    assert streak_of({"2026-W46": "answered"}, this_week="2026-W48").current == 0, "a week without a row breaks it"
    assert streak_of({}, this_week="2026-W48") == checkins.Streak(0, 0, 0)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_week_keys_round_trip_to_their_monday(day: date) -> None:
    key = checkins.week_key(day)
    assert checkins.monday_of_week(key) == checkins.monday_of(day)


def test_an_entry_is_written_edited_and_can_become_a_tagged_win(db: Database) -> None:
    maya = maya_aiming_for_ic4(db, now=MONDAY)
    with db.session() as session:
        enrol(session, person=maya, now=MONDAY)
        with pytest.raises(GrowthError, match="at least one"):
            checkins.write_entry(session, person=maya, answers=Answers(learned="  "), now=MONDAY)
        with pytest.raises(GrowthError, match="3,000"):
            checkins.write_entry(session, person=maya, answers=Answers(learned="x" * 3001), now=MONDAY)
        first = checkins.write_entry(
            session,
            person=maya,
            answers=Answers(operated="Led the design review for the billing migration and mentored two engineers"),
            now=MONDAY,
        )
    assert first.first and not first.share
    with db.session() as session:
        again = checkins.write_entry(session, person=maya, answers=Answers(learned="Queues"), now=MONDAY)
    assert not again.first and again.checkin.id == first.checkin.id
    with db.session() as session:
        with pytest.raises(GrowthError, match="no answer"):
            checkins.make_win(session, person=maya, checkin_id=first.checkin.id, defaults=shipped(), now=MONDAY)
        checkins.write_entry(
            session,
            person=maya,
            answers=Answers(operated="Led the design review and mentored two engineers"),
            now=MONDAY,
        )
    with db.session() as session:
        made = checkins.make_win(session, person=maya, checkin_id=first.checkin.id, defaults=shipped(), now=MONDAY)
        twice = checkins.make_win(session, person=maya, checkin_id=first.checkin.id, defaults=shipped(), now=MONDAY)
    logged, twice = made.logged, twice.logged
    assert logged.created and not twice.created and twice.win.id == logged.win.id
    assert logged.win.source == "checkin" and logged.win.visibility == "shared"
    assert logged.competencies, "tagged with the competencies it reads like"
    assert _weeks(db, maya) == {"2026-W48": "answered"}


def test_only_the_owner_answers_skips_or_makes_a_win_of_a_check_in(db: Database) -> None:
    maya, dev = _maya(db), person(db, "U0DEV")
    queued = _tick(db, FRIDAY_3PM_PARIS).queued[0]
    with db.session() as session:
        for attempt in (
            lambda: checkins.write_entry(
                session, person=dev, answers=Answers(learned="x"), now=MONDAY, checkin_id=queued.checkin_id
            ),
            lambda: checkins.skip(session, person=dev, checkin_id=queued.checkin_id, now=MONDAY),
            lambda: checkins.make_win(
                session, person=dev, checkin_id=queued.checkin_id, defaults=shipped(), now=MONDAY
            ),
        ):
            with pytest.raises(GrowthError):
                attempt()
    assert _weeks(db, maya) == {"2026-W48": "queued"}


def test_a_reply_in_the_check_in_thread_joins_the_entry(db: Database) -> None:
    maya = _maya(db)
    queued = _tick(db, FRIDAY_3PM_PARIS).queued[0]
    with db.session() as session:
        checkins.record_sent(
            session, checkin_id=queued.checkin_id, channel="D0MAYA", ts="1.5", nudge=checkins.Nudge.FULL, now=MONDAY
        )
    with db.session() as session:
        args = {"team_id": "T1", "channel": "D0MAYA", "thread_ts": "1.5", "now": FRIDAY_3PM_PARIS}
        assert checkins.add_reply(session, user_id="U0DEV", text="not mine", **args) is None
        assert checkins.add_reply(session, user_id="U0MAYA", text="x", **{**args, "thread_ts": "9.9"}) is None
        first = checkins.add_reply(session, user_id="U0MAYA", text="Learned about <!channel> queues", **args)
        second = checkins.add_reply(session, user_id="U0MAYA", text="And retries", **args)
    assert first is not None and first.first and second is not None and not second.first
    assert second.checkin.replies == "Learned about <!channel> queues\n\nAnd retries"
    assert _weeks(db, maya) == {"2026-W48": "answered"}


def test_a_check_in_not_yet_sent_is_not_sent_once_answered_and_a_win_makes_it_light(db: Database) -> None:
    maya = _maya(db)
    queued = _tick(db, FRIDAY_3PM_PARIS).queued[0]
    with db.session() as session:
        log_win(
            session,
            person=maya,
            details=Details(text="Shipped"),
            source="command",
            request_key="r1",
            today=date(2026, 11, 26),
            now=MONDAY,
        )
        found = checkins.delivery(session, team_id="T1", checkin_id=queued.checkin_id)
    assert found is not None and found.nudge is checkins.Nudge.LIGHT and found.wins_this_week == 1
    with db.session() as session:
        checkins.write_entry(session, person=maya, answers=Answers(learned="x"), now=FRIDAY_3PM_PARIS)
        assert checkins.delivery(session, team_id="T1", checkin_id=queued.checkin_id) is None
        assert checkins.delivery(session, team_id="T2", checkin_id=queued.checkin_id) is None, "another workspace"


def test_a_person_who_left_is_not_scheduled_again(db: Database) -> None:
    maya = _maya(db)
    queued = _tick(db, FRIDAY_3PM_PARIS).queued[0]
    with db.session() as session:
        checkins.record_left(session, person_id=maya.id, now=FRIDAY_3PM_PARIS)
    assert _weeks(db, maya) == {"2026-W48": "left"}
    with db.session() as session:
        assert session.get(CheckinPlan, 1).next_at is None
        assert checkins.delivery(session, team_id="T1", checkin_id=queued.checkin_id) is None
    assert _tick(db, FRIDAY_3PM_PARIS + timedelta(weeks=1)).queued == []


def test_an_uninstalled_workspaces_plans_move_on_each_week_without_a_check_in(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        workspaces.uninstalled(session, team_id="T1", now=MONDAY)
    tick = _tick(db, FRIDAY_3PM_PARIS)
    assert (tick.queued, tick.quiet) == ([], 1)
    next_friday = FRIDAY_3PM_PARIS + timedelta(weeks=1)
    with db.session() as session:
        assert session.exec(select(CheckinPlan.next_at)).one() == next_friday, "read once a week, not every tick"
        assert session.exec(select(Checkin)).all() == []
    assert _tick(db, FRIDAY_3PM_PARIS + timedelta(minutes=1)).quiet == 0
    with db.session() as session:
        workspaces.installed(session, team_id="T1", enterprise_id=None, now=next_friday - timedelta(days=1))
    assert [due.person_id for due in _tick(db, next_friday).queued] == [maya.id], "back on its own day"


def test_the_digest_has_only_what_reports_shared_and_who_went_quiet(db: Database) -> None:
    admin, dev = person(db, "U0ADMIN", admin=True), person(db, "U0DEV", tz="Europe/Paris")
    maya, sam = _maya(db), person(db, "U0SAM", now=MONDAY - timedelta(weeks=4))
    with db.session() as session:
        admin_set(session, admin=admin, report=maya, manager=dev, now=MONDAY)
        admin_set(session, admin=admin, report=sam, manager=dev, now=MONDAY)
        checkins.write_entry(session, person=maya, answers=Answers(learned="Shared lesson"), now=MONDAY)
        for text, visibility in (("Shared win", Visibility.SHARED), ("Private win", Visibility.PRIVATE)):
            log_win(
                session,
                person=maya,
                details=Details(text=text, visibility=visibility),
                source="command",
                request_key=text,
                today=MONDAY.date(),
                now=MONDAY,
            )
    with db.session() as session:
        checkins.write_entry(
            session, person=sam, answers=Answers(learned="Secret", private=True), now=MONDAY - timedelta(weeks=3)
        )
    assert _digest_texts(db, dev) == {"Maya": (["Shared lesson"], ["Shared win"], 0), "Sam": ([], [], 3)}
    with db.session() as session:
        due = checkins.due_digests(session, now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert [(d.manager_id, d.week) for d in due] == [(dev.id, "2026-W49")], "Monday 09:00 in Paris"


def test_a_managers_digest_is_offered_once_a_week_not_at_every_tick(db: Database) -> None:
    admin, dev = person(db, "U0ADMIN", admin=True), person(db, "U0DEV", tz="Pacific/Kiritimati")  # UTC+14
    with db.session() as session:
        admin_set(session, admin=admin, report=_maya(db), manager=dev, now=MONDAY)
    sunday_evening_utc = datetime(2026, 11, 29, 19, 0, tzinfo=UTC)  # Monday 09:00 on Kiritimati

    def offered(now: datetime) -> list[str]:
        with db.session() as session:
            return [due.week for due in checkins.due_digests(session, now=now)]

    assert offered(sunday_evening_utc - timedelta(minutes=1)) == []
    assert offered(sunday_evening_utc) == ["2026-W49"]
    for later in (timedelta(minutes=1), timedelta(hours=5), timedelta(days=6, hours=4)):
        assert offered(sunday_evening_utc + later) == [], later
    assert offered(sunday_evening_utc + timedelta(weeks=1)) == ["2026-W50"]


def _digest_texts(db: Database, manager: Person) -> dict[str, tuple[list[str], list[str], int]]:
    with db.session() as session:
        reports = checkins.digest(session, manager=manager, now=MONDAY + timedelta(hours=1))
    return {
        r.person.display_name: ([e.learned for e in r.entries], [w.text for w in r.wins], r.quiet_weeks)
        for r in reports
    }


def test_a_move_west_makes_this_weeks_check_in_wait_for_the_new_local_hour(db: Database) -> None:
    maya = _maya(db)
    queued = _tick(db, FRIDAY_3PM_PARIS).queued[0]
    with db.session() as session:
        found = checkins.delivery(session, team_id="T1", checkin_id=queued.checkin_id)
    assert checkins.later_this_week(found, FRIDAY_3PM_PARIS) is None
    with db.session() as session:
        moved = session.get(Person, maya.id)
        moved.tz = "America/New_York"
        session.add(moved)
    with db.session() as session:
        found = checkins.delivery(session, team_id="T1", checkin_id=queued.checkin_id)
    assert checkins.later_this_week(found, FRIDAY_3PM_PARIS) == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    assert checkins.later_this_week(found, datetime(2026, 11, 27, 20, 0, tzinfo=UTC)) is None


def test_the_directory_updates_known_people_and_reschedules_those_who_moved(db: Database) -> None:
    maya, dev = _maya(db), person(db, "U0DEV", tz="Europe/Paris")
    with db.session() as session:
        enrol(session, person=dev, now=MONDAY)
    profiles = {
        "U0MAYA": Profile("Maya", "America/New_York", False, False, "Vacationing", ":palm_tree:", 0),
        "U0DEV": Profile("Dev", "Europe/Paris", False, True),
        "U0STRANGER": Profile("Someone", "UTC", False, False),
    }
    with db.session() as session:
        changes = apply_directory(session, team_id="T1", profiles=profiles, now=MONDAY)
        assert [p.slack_user_id for p in changes.moved] == ["U0MAYA"]
        assert [p.slack_user_id for p in changes.left] == ["U0DEV"]
        assert (changes.updated, changes.changed) == (2, 2), "people Trellis does not know are not added"
        assert directories_due(session, now=MONDAY, every=timedelta(hours=1)) == [("T1", None)], "not yet done"
        directory_done(session, team_id="T1", now=MONDAY)
        checkins.reschedule(session, plan=checkins.plan_of(session, maya), person=changes.moved[0], now=MONDAY)
    with db.session() as session:
        fresh = session.get(Person, maya.id)
        assert (fresh.tz, fresh.status_emoji) == ("America/New_York", ":palm_tree:")
        assert checkins.is_away(fresh, FRIDAY_3PM_PARIS)
        assert checkins.plan_of(session, maya).next_at == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
        assert directories_due(session, now=MONDAY, every=timedelta(hours=1)) == []
        assert directories_due(session, now=MONDAY + timedelta(hours=1), every=timedelta(hours=1)) == [("T1", None)]
