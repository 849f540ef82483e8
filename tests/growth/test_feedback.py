"""Feedback against the next level: asking, answering, anonymity that holds, and who sees the results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from growth import checkins, feedback, links, mentors
from growth.assessments import record_assessment
from growth.errors import GrowthError, NotAllowed
from growth.feedback import Choice, Draft, FeedbackInvalid, Given, closing
from growth.frameworks.loader import parse
from growth.frameworks.shipped import path_of, shipped
from growth.frameworks.versions import by_id, import_framework
from growth.levels import NoLevelYet, choose_level, position, workspace_catalogue
from growth.notices import FeedbackAsked, FeedbackClosed, FeedbackReminderDue, FeedbackShared, FeedbackStarted
from growth.people import Profile, ensure_person
from growth.visibility import MANAGER, OWNER
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackRating, FeedbackRequest, FeedbackRound, Person
from tests.factories import maya_aiming_for_ic4, person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
SE = "software-engineering"
GAPS = {"cross-team-leadership": 1, "technical-direction": 1, "mentoring": 2}  # Maya's self-assessment, at IC4


def _team(db: Database) -> dict[str, Person]:
    maya = maya_aiming_for_ic4(db, now=NOW)
    people = {"maya": maya, **{n: person(db, f"U0{n.upper()}", now=NOW) for n in ("dev", "sam", "priya", "ray", "ada")}}
    admin = person(db, "U0ADMIN", admin=True, now=NOW)
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=people["dev"], now=NOW)
        asked = mentors.ask(session, person=maya, mentor=people["sam"], now=NOW).mentorship
        mentors.answer(session, link_id=asked.id, who=people["sam"], confirm=True, now=NOW)
        cat, stored = workspace_catalogue(session, maya.team_id, shipped(), NOW)
        target = position(maya, cat).target  # type: ignore[union-attr]
        ratings = {c.id: GAPS.get(c.id, 4) for c, _ in target.framework.expectations_at("IC4")}
        record_assessment(
            session, person=maya, target=target, stored=stored[target.framework.name], ratings=ratings, now=NOW
        )
    return people


def _form(db: Database, asker: Person, about: Person) -> feedback.AskingForm:
    with db.session() as session:
        return feedback.asking_form(session, asker=asker, person=about, defaults=shipped(), anonymity_min=3, now=NOW)


def _start(
    db: Database, people: dict[str, Person], names: list[str], *, anonymous: bool = True, key: str = "v1", **kw: object
) -> feedback.Started:
    form = _form(db, people["maya"], people["maya"])
    draft = Draft(
        [people[n] for n in names],
        kw.pop("competencies", form.chosen),
        anonymous,
        kw.pop("due_on", None),
        str(kw.pop("note", "")),
    )  # type: ignore[arg-type]
    with db.session() as session:
        return feedback.start(
            session,
            asker=kw.pop("asker", people["maya"]),  # type: ignore[arg-type]
            person=people["maya"],
            draft=draft,
            version_id=form.version_id,
            target_ref=form.target.ref,
            request_key=key,
            anonymity_min=3,
            now=kw.pop("now", NOW),  # type: ignore[arg-type]
        )


def _request(db: Database, started: feedback.Started, who: Person) -> int:
    return next(r.id for r in started.requests if r.responder_id == who.id)  # type: ignore[misc]


def _answer(db: Database, started: feedback.Started, who: Person, choice: Choice, example: str, **extra: str) -> None:
    ratings = {cid: (choice.value, example) for cid in started.round.competencies.split(",")}
    with db.session() as session:
        feedback.answer(
            session, responder=who, request_id=_request(db, started, who), given=Given(ratings, **extra), now=NOW
        )


def _close(db: Database, at: datetime) -> list[object]:
    with db.session() as session:
        return feedback.due_to_close(session, now=at)


def test_the_form_offers_the_largest_gaps_the_manager_and_mentors_and_a_week(db: Database) -> None:
    people = _team(db)
    form = _form(db, people["maya"], people["maya"])
    largest = ["technical-direction", "cross-team-leadership", "mentoring"]
    assert form.chosen == largest, "the three largest gaps, ties in the framework's order"
    assert [c.id for c, _ in form.competencies][:3] == form.chosen, "offered first"
    assert [p.slack_user_id for p in form.suggested] == ["U0DEV", "U0SAM"]
    assert form.due == date(2026, 11, 30) and form.target.level.id == "IC4"
    lonely = person(db, "U0LONELY", now=NOW)
    with db.session() as session, pytest.raises(NoLevelYet):
        feedback.asking_form(session, asker=lonely, person=lonely, defaults=shipped(), anonymity_min=3, now=NOW)


def test_asking_dms_each_person_and_reminds_them_twice_and_keeps_the_version(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["dev", "sam", "priya"], note="Thanks <!channel>")
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
    again = _start(db, people, ["dev", "sam", "priya"])
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
    people = _team(db)
    with pytest.raises(FeedbackInvalid, match=message) as refused:
        _start(db, people, names, **extra)
    assert refused.value.field == field


def test_an_app_or_someone_who_left_is_not_asked_and_a_person_chosen_twice_is_asked_once(db: Database) -> None:
    people = _team(db)
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
            _start(db, {**people, "x": someone}, ["dev", "x"])
    twice = _start(db, {**people, "dev2": people["dev"]}, ["dev", "dev2", "priya"])
    assert len(twice.requests) == 2


def test_a_manager_starts_a_round_for_a_report_who_is_told_and_nobody_else_can(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya"], asker=people["dev"])
    assert FeedbackStarted(started.round, people["maya"], people["dev"], 2) in started.notices
    for outsider in ("ray", "priya"):
        with pytest.raises(NotAllowed):
            _start(db, people, ["sam"], asker=people[outsider], key=f"by-{outsider}")


def test_fewer_than_three_asked_anonymously_is_allowed_and_flagged(db: Database) -> None:
    people = _team(db)
    assert _start(db, people, ["dev", "sam", "priya"], key="a").too_few, "the manager is not a peer: two peers"
    assert not _start(db, people, ["sam", "priya", "ray"], key="b").too_few
    assert not _start(db, people, ["sam"], anonymous=False, key="c").too_few


def test_only_the_people_asked_answer_and_an_answer_is_edited_until_the_round_closes(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya"])
    with db.session() as session, pytest.raises(NotAllowed, match="Only the people asked"):
        feedback.answer_form(session, responder=people["ray"], request_id=_request(db, started, people["sam"]))
    with db.session() as session:
        form = feedback.answer_form(session, responder=people["sam"], request_id=_request(db, started, people["sam"]))
    assert [c.id for c, _ in form.competencies] == started.round.competencies.split(",") and form.previous is None
    assert form.level.id == "IC4" and form.competencies[0][1].text.startswith("Sets the technical direction")
    _answer(db, started, people["sam"], Choice.SOMETIMES, "First thought")
    _answer(db, started, people["sam"], Choice.CONSISTENTLY, "Second thought", biggest_gap="Scope")
    with db.session() as session:
        again = feedback.answer_form(session, responder=people["sam"], request_id=_request(db, started, people["sam"]))
        assert len(session.exec(select(FeedbackAnswer)).all()) == 1, "an edit replaces the answer"
    assert again.previous is not None and again.previous.biggest_gap == "Scope"
    assert set(again.previous.ratings.values()) == {("consistently", "Second thought")}


def test_an_empty_or_overlong_answer_is_refused_and_keeps_nothing(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam"])
    request = _request(db, started, people["sam"])
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


def test_an_anonymous_round_of_four_crossing_the_threshold_at_close(db: Database) -> None:
    """One declines, one answers late (still before the date), two on time: three answers at close."""
    people = _team(db)
    started = _start(db, people, ["sam", "priya", "ray", "ada"])
    with db.session() as session:
        feedback.decline(session, responder=people["priya"], request_id=_request(db, started, people["priya"]), now=NOW)
    _answer(
        db, started, people["sam"], Choice.SOMETIMES, "Led the incident review well", next_step="Own a cross-team RFC"
    )
    _answer(db, started, people["ada"], Choice.NOT_YET, "Rarely speaks up with Payments", biggest_gap="Influence")
    with db.session() as session, pytest.raises(GrowthError, match="Not enough answers yet"):
        feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
    assert _close(db, NOW + timedelta(days=3)) == [], "not due yet"
    _answer(db, started, people["ray"], Choice.SOMETIMES, "Good at bringing people along")
    (closed,) = _close(db, NOW + timedelta(days=8))
    assert isinstance(closed, FeedbackClosed)
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
        pooled = session.exec(select(FeedbackAnswer)).all()
        stamps = {r.updated_at for r in session.exec(select(FeedbackRequest)).all() if r.status == "answered"}
    closed_at = NOW + timedelta(days=8)
    assert {(a.request_id, a.created_at, a.updated_at) for a in pooled} == {(None, closed_at, closed_at)}, "no link"
    assert stamps == {closed_at}, "no time to match an answer to the request it came from"
    assert made.released and (made.asked, made.answered) == (4, 3)
    direction = made.competencies[0]
    assert direction.competency_id == "technical-direction"
    assert direction.spread == {Choice.SOMETIMES: 2, Choice.NOT_YET: 1}
    assert {s.text for s in direction.examples} == {
        "Led the incident review well",
        "Rarely speaks up with Payments",
        "Good at bringing people along",
    }
    assert all(s.by is None for s in [*direction.examples, *made.gaps, *made.next_steps]), "never beside a name"
    assert (direction.self_rated, direction.expected) == (1, 3), "beside her self-assessment"
    assert made.largest is not None and made.suggestions, "and what to do about the largest gap"


def test_the_same_round_with_two_answers_shows_nothing_of_them_not_even_counts(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya", "ray", "ada"])
    _answer(db, started, people["sam"], Choice.SOMETIMES, "Fine")
    _answer(db, started, people["ada"], Choice.NOT_YET, "Not yet", biggest_gap="Influence")
    _close(db, NOW + timedelta(days=8))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert not made.released and (made.answered, made.needed) == (2, 3)
    assert all(c.spread is None and c.examples == [] for c in made.competencies)
    assert made.gaps == [] and made.next_steps == []
    with db.session() as session:
        extended = feedback.extend(
            session, person=people["maya"], round_id=started.round.id, now=NOW + timedelta(days=8)
        )
    assert extended.round.status == "open" and all(isinstance(n, FeedbackReminderDue) for n in extended.notices)
    assert {n.responder.slack_user_id for n in extended.notices} == {"U0PRIYA", "U0RAY"}, "only those not answered"
    sams = _request(db, started, people["sam"])
    with db.session() as session, pytest.raises(GrowthError, match="pooled anonymously"):
        feedback.answer_form(session, responder=people["sam"], request_id=sams)
    with db.session() as session, pytest.raises(GrowthError, match="pooled anonymously"):
        feedback.answer(session, responder=people["sam"], request_id=sams, given=Given({}, "Again"), now=NOW)
    with db.session() as session, pytest.raises(GrowthError, match="open already"):
        feedback.extend(session, person=people["maya"], round_id=started.round.id, now=NOW + timedelta(days=8))
    old_due = started.round.due_at
    with db.session() as session:
        assert (
            feedback.reminder_due(
                session, team_id="T1", request_id=_request(db, started, people["ray"]), due_at=old_due
            )
            is None
        ), "moved: the old reminders stay quiet"
        assert (
            feedback.reminder_due(
                session, team_id="T1", request_id=_request(db, started, people["ray"]), due_at=extended.round.due_at
            )
            is not None
        )
    _answer(db, started, people["ray"], Choice.SOMETIMES, "Late but here")
    with db.session() as session:
        (listed,) = feedback.open_rounds(session, person=people["maya"])
        assert not listed.can_close, "opened again: closing the moment the third answered would name them"
        with pytest.raises(GrowthError, match="closes only on its date"):
            feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW + timedelta(days=9))
    _close(db, NOW + timedelta(days=16))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
        assert len(session.exec(select(FeedbackAnswer)).all()) == 3, "nobody counted twice"
    assert made.released and sum(made.competencies[0].spread.values()) == 3  # type: ignore[union-attr]
    with db.session() as session, pytest.raises(GrowthError, match="results are out already"):
        feedback.extend(session, person=people["maya"], round_id=started.round.id, now=NOW + timedelta(days=16))


def test_the_managers_answer_is_kept_apart_and_named(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["dev", "sam", "priya", "ray"])
    _answer(db, started, people["dev"], Choice.CONSISTENTLY, "Drove the Q3 migration")
    for name in ("sam", "priya", "ray"):
        _answer(db, started, people[name], Choice.SOMETIMES, f"Seen by {name}")
    _close(db, NOW + timedelta(days=8))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
        manager_row = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.from_manager == True)).one()  # noqa: E712
    assert made.competencies[0].spread == {Choice.SOMETIMES: 3}, "the manager is not pooled"
    assert made.manager is not None and made.manager.name == "Dev"
    assert manager_row.request_id is not None, "the manager's answer keeps its author"


def test_a_named_round_shows_who_said_what(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya"], anonymous=False)
    _answer(db, started, people["sam"], Choice.CONSISTENTLY, "Clear design docs")
    with db.session() as session:
        feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert made.released and [s.by for s in made.competencies[0].examples] == ["Sam"]


def test_in_a_named_round_too_the_manager_is_apart_from_the_spread(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["dev", "sam"], anonymous=False)
    _answer(db, started, people["dev"], Choice.NOT_YET, "Needs more scope")
    _answer(db, started, people["sam"], Choice.CONSISTENTLY, "Clear design docs")
    with db.session() as session:
        feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert made.competencies[0].spread == {Choice.CONSISTENTLY: 1}
    assert made.manager is not None and made.manager.name == "Dev" and made.answered == 2


def test_free_text_comes_in_an_order_of_its_words_not_of_who_answered_or_when(db: Database) -> None:
    people = _team(db)
    orders = []
    for key, order in (("one", ["sam", "priya", "ray"]), ("two", ["ray", "sam", "priya"])):
        started = _start(db, people, ["sam", "priya", "ray"], key=key)
        for name in order:
            _answer(db, started, people[name], Choice.SOMETIMES, f"Example from {name}")
        with db.session() as session:
            feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
            made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
            rows = session.exec(
                select(FeedbackRating.example)
                .join(FeedbackAnswer, FeedbackAnswer.id == FeedbackRating.answer_id)  # type: ignore[arg-type]
                .where(FeedbackAnswer.round_id == started.round.id, FeedbackRating.competency_id == "mentoring")
                .order_by(FeedbackAnswer.id)
            ).all()
        orders.append(([s.text for s in made.competencies[0].examples], list(rows)))
    assert orders[0] == orders[1], "neither the results nor the rows' order follow who answered first"


def test_results_are_the_persons_and_their_managers_once_shared(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya", "ray"])
    for name in ("sam", "priya", "ray"):
        _answer(db, started, people[name], Choice.SOMETIMES, "ok")
    with db.session() as session, pytest.raises(GrowthError, match="when the round closes"):
        feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    _close(db, NOW + timedelta(days=8))
    for viewer in ("dev", "sam", "ray"):
        with db.session() as session, pytest.raises(NotAllowed):
            feedback.summary(session, viewer=people[viewer], round_id=started.round.id)
    with db.session() as session:
        shared = feedback.share_with_manager(session, person=people["maya"], round_id=started.round.id, now=NOW)
    assert shared.notices == [FeedbackShared(shared.round, people["maya"], people["dev"])]
    with db.session() as session:
        assert feedback.summary(session, viewer=people["dev"], round_id=started.round.id).released
        mine = feedback.closed_rounds(session, person=people["maya"], seen=OWNER)
        devs = feedback.closed_rounds(session, person=people["maya"], seen=MANAGER, viewer=people["dev"])
        assert len(mine) == len(devs) == 1
    admin = person(db, "U0ADMIN", admin=True, now=NOW)
    with db.session() as session:
        links.admin_set(session, admin=admin, report=people["maya"], manager=people["ray"], now=NOW)
    for viewer in ("dev", "ray"):
        with db.session() as session, pytest.raises(NotAllowed):
            feedback.summary(session, viewer=people[viewer], round_id=started.round.id)
    with db.session() as session:
        assert feedback.closed_rounds(session, person=people["maya"], seen=MANAGER, viewer=people["ray"]) == [], (
            "a new manager does not inherit what was shared with the previous one"
        )


def test_a_closed_round_takes_no_answers_and_asking_more_opens_it_again(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya"])
    _close(db, NOW + timedelta(days=8))
    with db.session() as session, pytest.raises(GrowthError, match="has closed"):
        feedback.answer_form(session, responder=people["priya"], request_id=_request(db, started, people["priya"]))
    later = NOW + timedelta(days=8)
    with db.session() as session:
        more = feedback.ask_more(
            session, person=people["maya"], round_id=started.round.id, responders=[people["ray"]], now=later
        )
    assert more.round.status == "open" and [
        n.responder.slack_user_id for n in more.notices if isinstance(n, FeedbackAsked)
    ] == ["U0RAY"]
    with db.session() as session, pytest.raises(GrowthError, match="asked already"):
        feedback.ask_more(
            session, person=people["maya"], round_id=started.round.id, responders=[people["sam"]], now=later
        )


def test_a_round_is_shown_against_the_framework_version_it_asked_even_after_a_reimport(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam", "priya", "ray"])
    text = (
        path_of("software-engineering").read_text().replace("Leads a cross-team project", "Runs a cross-team project")
    )
    edited = text.replace('version: "2026.1"', 'version: "2026.2"')
    with db.session() as session:
        imported = import_framework(session, team_id="T1", framework=parse(edited), source="edit", now=NOW)
    assert imported.changed
    for name in ("sam", "priya", "ray"):
        _answer(db, started, people[name], Choice.SOMETIMES, "ok")
    _close(db, NOW + timedelta(days=8))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert made.framework.version == "2026.1" and made.round.framework_version_id != imported.stored.id
    leadership = next(c for c in made.competencies if c.competency_id == "cross-team-leadership")
    assert leadership.expectation.startswith("Leads a cross-team project"), "the words it asked with"
    assert "Runs a cross-team project" in edited


def test_the_managers_digest_lists_the_requests_waiting_for_their_own_answer(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["dev", "sam"])
    with db.session() as session:
        waiting = checkins.digest_of(session, manager=people["dev"], now=NOW).feedback
    assert [(w.person.slack_user_id, w.request.id) for w in waiting] == [
        ("U0MAYA", _request(db, started, people["dev"]))
    ]
    _answer(db, started, people["dev"], Choice.SOMETIMES, "Fine")
    with db.session() as session:
        assert checkins.digest_of(session, manager=people["dev"], now=NOW).feedback == [], "answered: not waiting"


def test_the_close_happens_once_even_when_the_job_and_the_person_close_it_together(db: Database) -> None:
    people = _team(db)
    started = _start(db, people, ["sam"], anonymous=False)
    _answer(db, started, people["sam"], Choice.SOMETIMES, "ok")
    with db.session() as late:
        stale = late.get(FeedbackRound, started.round.id)  # the job read it open
        with db.session() as session:
            assert feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW).notices
        assert closing._close(late, stale, NOW + timedelta(days=8)) == [], "one results DM, not two"


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
    people = _team(db)
    stranger = person(db, "U0FAR", team="T2", now=NOW)
    with db.session() as session:
        assert feedback.about(session, asker=people["maya"], person_id=None) == people["maya"]
        with pytest.raises(GrowthError, match="not in Trellis any more"):
            feedback.about(session, asker=people["dev"], person_id=stranger.id)
        with pytest.raises(NotAllowed):
            feedback.about(session, asker=people["sam"], person_id=people["maya"].id)
        assert feedback.about(session, asker=people["dev"], person_id=people["maya"].id).id == people["maya"].id
