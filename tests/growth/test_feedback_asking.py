"""Asking for feedback and answering: who may, what is refused, reminders, the manager's digest."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from growth import checkins, feedback
from growth.errors import GrowthError, NotAllowed
from growth.feedback import Choice, Draft, FeedbackInvalid, Given
from growth.frameworks.shipped import shipped
from growth.frameworks.versions import by_id
from growth.levels import NoLevelYet, choose_level
from growth.notices import FeedbackAsked, FeedbackReminderDue, FeedbackStarted
from growth.people import Profile, ensure_person
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackRequest
from tests.factories import person
from tests.growth.feedback_team import (
    NOW,
    SE,
    asking_form,
    feedback_team,
    give,
    request_of,
    start_round,
)


def test_the_form_offers_the_largest_gaps_the_manager_and_mentors_and_a_week(db: Database) -> None:
    people = feedback_team(db)
    form = asking_form(db, people["maya"], people["maya"])
    largest = ["technical-direction", "cross-team-leadership", "mentoring"]
    assert form.chosen == largest, "the three largest gaps, ties in the framework's order"
    assert [c.id for c, _ in form.competencies][:3] == form.chosen, "offered first"
    assert [p.slack_user_id for p in form.suggested] == ["U0DEV", "U0SAM"]
    assert form.due == date(2026, 11, 30) and form.target.level.id == "IC4"
    lonely = person(db, "U0LONELY", now=NOW)
    with db.session() as session, pytest.raises(NoLevelYet):
        feedback.asking_form(session, asker=lonely, person=lonely, defaults=shipped(), anonymity_min=3, now=NOW)


def test_asking_dms_each_person_and_reminds_them_twice_and_keeps_the_version(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["dev", "sam", "priya"], note="Thanks <!channel>")
    assert started.created and started.too_few, "the manager answers apart: two peers"
    asked = [n for n in started.notices if isinstance(n, FeedbackAsked)]
    reminders = [n for n in started.notices if isinstance(n, FeedbackReminderDue)]
    assert [n.responder.slack_user_id for n in asked] == ["U0DEV", "U0SAM", "U0PRIYA"]
    assert sorted({(n.which, n.at) for n in reminders}) == [
        ("soon", datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
        ("today", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
    ], "two days before and on the day, at 09:00 their time"
    assert [r.is_manager for r in started.requests] == [True, False, False]
    assert started.round.due_at == datetime(2026, 11, 30, 23, 0, tzinfo=UTC), "open all of the due date, in Paris"
    with db.session() as session:
        assert by_id(session, team_id="T1", version_id=started.round.framework_version_id) is not None
    again = start_round(db, people, ["dev", "sam", "priya"])
    assert not again.created and again.notices == [], "the same form submitted twice asks once"


@pytest.mark.parametrize(
    ("names", "extra", "field", "message"),
    [
        ([], {}, "people", "at least one person"),
        (["maya"], {}, "people", "leave yourself out"),
        (["dev"], {"due_on": date(2026, 11, 22)}, "due", "That date has passed"),
        (["dev"], {"due_on": date(2027, 3, 1)}, "due", "at most 60 days"),
        (["dev"], {"note": "x" * 100_000}, "note", "100,000 characters; keep it under 1,000"),
        (["dev"], {"competencies": []}, "competencies", "at least one competency"),
        (["dev"], {"competencies": ["team-leadership"]}, "competencies", "competencies IC4 expects"),
    ],
)
def test_asking_refuses_what_cannot_work_with_a_sentence_on_the_field(
    db: Database, names: list[str], extra: dict[str, object], field: str, message: str
) -> None:
    people = feedback_team(db)
    with pytest.raises(FeedbackInvalid, match=message) as refused:
        start_round(db, people, names, **extra)
    assert refused.value.field == field


def test_an_app_or_someone_who_left_is_not_asked_and_a_person_chosen_twice_is_asked_once(db: Database) -> None:
    people = feedback_team(db)
    with db.session() as session:
        bot = ensure_person(
            session,
            team_id="T1",
            user_id="U0BOT",
            enterprise_id=None,
            load_profile=lambda: Profile("Deploy bot", "UTC", False, False, is_bot=True),
            now=NOW,
        )
        gone = ensure_person(
            session,
            team_id="T1",
            user_id="U0GONE",
            enterprise_id=None,
            load_profile=lambda: Profile("Gone", "UTC", False, True),
            now=NOW,
        )
    for someone, message in ((bot, "an app, not a person"), (gone, "has left the workspace")):
        with pytest.raises(FeedbackInvalid, match=message):
            start_round(db, {**people, "x": someone}, ["dev", "x"])
    twice = start_round(db, {**people, "dev2": people["dev"]}, ["dev", "dev2", "priya"])
    assert len(twice.requests) == 2


def test_a_manager_starts_a_round_for_a_report_who_is_told_and_nobody_else_can(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya"], asker=people["dev"])
    assert FeedbackStarted(started.round, people["maya"], people["dev"], 2) in started.notices
    for outsider in ("ray", "priya"):
        with pytest.raises(NotAllowed):
            start_round(db, people, ["sam"], asker=people[outsider], key=f"by-{outsider}")


def test_fewer_than_three_asked_anonymously_is_allowed_and_flagged(db: Database) -> None:
    people = feedback_team(db)
    assert start_round(db, people, ["dev", "sam", "priya"], key="a").too_few, "the manager is not a peer: two peers"
    assert not start_round(db, people, ["sam", "priya", "ray"], key="b").too_few
    assert not start_round(db, people, ["sam"], anonymous=False, key="c").too_few


def test_only_the_people_asked_answer_and_an_answer_is_edited_until_the_round_closes(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya"])
    with db.session() as session, pytest.raises(NotAllowed, match="Only the people asked"):
        feedback.answer_form(session, responder=people["ray"], request_id=request_of(db, started, people["sam"]))
    with db.session() as session:
        form = feedback.answer_form(session, responder=people["sam"], request_id=request_of(db, started, people["sam"]))
    assert [c.id for c, _ in form.competencies] == started.round.competencies.split(",") and form.previous is None
    assert form.level.id == "IC4" and form.competencies[0][1].text.startswith("Sets the technical direction")
    give(db, started, people["sam"], Choice.SOMETIMES, "First thought")
    give(db, started, people["sam"], Choice.CONSISTENTLY, "Second thought", biggest_gap="Scope")
    with db.session() as session:
        again = feedback.answer_form(
            session, responder=people["sam"], request_id=request_of(db, started, people["sam"])
        )
        assert len(session.exec(select(FeedbackAnswer)).all()) == 1, "an edit replaces the answer"
    assert again.previous is not None and again.previous.biggest_gap == "Scope"
    assert set(again.previous.ratings.values()) == {("consistently", "Second thought")}


def test_an_empty_or_overlong_answer_is_refused_and_keeps_nothing(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["sam"])
    request = request_of(db, started, people["sam"])
    first = f"rating:{started.round.competencies.split(',')[0]}"
    for given, field, message in (
        (Given({}, "  ", ""), first, "at least one answer, or write a sentence"),
        (Given({}, "x" * 100_000), "gap", "100,000 characters; keep it under 2,000"),
        (Given({"mentoring": ("brilliant", None)}), "rating:mentoring", "one of the answers offered"),
        (Given({"delivery": ("sometimes", None)}), "rating:delivery", "not part of this round"),
    ):
        with db.session() as session, pytest.raises(FeedbackInvalid, match=message) as refused:
            feedback.answer(session, responder=people["sam"], request_id=request, given=given, now=NOW)
        assert refused.value.field == field
    with db.session() as session:
        assert session.exec(select(FeedbackAnswer)).all() == []
        assert session.get(FeedbackRequest, request).status == "asked"


def test_the_managers_digest_lists_the_requests_waiting_for_their_own_answer(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["dev", "sam"])
    with db.session() as session:
        waiting = checkins.digest_of(session, manager=people["dev"], now=NOW).feedback
    assert [(w.person.slack_user_id, w.request.id) for w in waiting] == [
        ("U0MAYA", request_of(db, started, people["dev"]))
    ]
    give(db, started, people["dev"], Choice.SOMETIMES, "Fine")
    with db.session() as session:
        assert checkins.digest_of(session, manager=people["dev"], now=NOW).feedback == [], "answered: not waiting"


def test_a_reminder_far_west_of_the_person_still_comes_before_the_round_closes(db: Database) -> None:
    ken = person(db, "U0KEN", tz="Asia/Tokyo", now=NOW)
    with db.session() as session:
        choose_level(session, person=ken, level_ref=f"{SE}/IC3", target_ref=f"{SE}/IC4", defaults=shipped(), now=NOW)
    lee = person(db, "U0LEE", tz="America/Los_Angeles", now=NOW)
    with db.session() as session:
        form = feedback.asking_form(session, asker=ken, person=ken, defaults=shipped(), anonymity_min=3, now=NOW)
        started = feedback.start(
            session,
            asker=ken,
            person=ken,
            draft=Draft([lee], form.chosen, False, date(2026, 11, 30)),
            version_id=form.version_id,
            target_ref=form.target.ref,
            request_key="ken",
            anonymity_min=3,
            now=NOW,
        )
    today = next(n for n in started.notices if isinstance(n, FeedbackReminderDue) and n.which == "today")
    assert started.round.due_at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC), "midnight in Tokyo"
    assert today.at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC), "09:00 in LA would be after the close"


def test_a_stale_form_for_someone_gone_or_elsewhere_is_refused(db: Database) -> None:
    people = feedback_team(db)
    stranger = person(db, "U0FAR", team="T2", now=NOW)
    with db.session() as session:
        assert feedback.about(session, asker=people["maya"], person_id=None) == people["maya"]
        with pytest.raises(GrowthError, match="not in Trellis any more"):
            feedback.about(session, asker=people["dev"], person_id=stranger.id)
        with pytest.raises(NotAllowed):
            feedback.about(session, asker=people["sam"], person_id=people["maya"].id)
        assert feedback.about(session, asker=people["dev"], person_id=people["maya"].id).id == people["maya"].id
