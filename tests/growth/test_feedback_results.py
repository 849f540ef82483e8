"""Closing a round and its results: anonymity that holds, the manager apart, who sees what, re-opening."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from growth import feedback, links
from growth.errors import GrowthError, NotAllowed
from growth.feedback import Choice, Given, closing
from growth.frameworks.loader import parse
from growth.frameworks.shipped import path_of
from growth.frameworks.versions import import_framework
from growth.notices import FeedbackAsked, FeedbackClosed, FeedbackReminderDue, FeedbackShared
from growth.visibility import MANAGER, OWNER
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackRating, FeedbackRequest, FeedbackRound
from tests.factories import person
from tests.growth.feedback_team import (
    NOW,
    close_due,
    feedback_team,
    give,
    request_of,
    start_round,
)


def test_an_anonymous_round_of_four_crossing_the_threshold_at_close(db: Database) -> None:
    """One declines, one answers late (still before the date), two on time: three answers at close."""
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya", "ray", "ada"])
    with db.session() as session:
        feedback.decline(
            session, responder=people["priya"], request_id=request_of(db, started, people["priya"]), now=NOW
        )
    give(db, started, people["sam"], Choice.SOMETIMES, "Led the incident review well", next_step="Own a cross-team RFC")
    give(db, started, people["ada"], Choice.NOT_YET, "Rarely speaks up with Payments", biggest_gap="Influence")
    with db.session() as session, pytest.raises(GrowthError, match="Not enough answers yet"):
        feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
    assert close_due(db, NOW + timedelta(days=3)) == [], "not due yet"
    give(db, started, people["ray"], Choice.SOMETIMES, "Good at bringing people along")
    (closed,) = close_due(db, NOW + timedelta(days=8))
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
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya", "ray", "ada"])
    give(db, started, people["sam"], Choice.SOMETIMES, "Fine")
    give(db, started, people["ada"], Choice.NOT_YET, "Not yet", biggest_gap="Influence")
    close_due(db, NOW + timedelta(days=8))
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
    sams = request_of(db, started, people["sam"])
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
                session, team_id="T1", request_id=request_of(db, started, people["ray"]), due_at=old_due
            )
            is None
        ), "moved: the old reminders stay quiet"
        assert (
            feedback.reminder_due(
                session, team_id="T1", request_id=request_of(db, started, people["ray"]), due_at=extended.round.due_at
            )
            is not None
        )
    give(db, started, people["ray"], Choice.SOMETIMES, "Late but here")
    with db.session() as session:
        (listed,) = feedback.open_rounds(session, person=people["maya"])
        assert not listed.can_close, "opened again: closing the moment the third answered would name them"
        with pytest.raises(GrowthError, match="closes only on its date"):
            feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW + timedelta(days=9))
    close_due(db, NOW + timedelta(days=16))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
        assert len(session.exec(select(FeedbackAnswer)).all()) == 3, "nobody counted twice"
    assert made.released and sum(made.competencies[0].spread.values()) == 3  # type: ignore[union-attr]
    with db.session() as session, pytest.raises(GrowthError, match="results are out already"):
        feedback.extend(session, person=people["maya"], round_id=started.round.id, now=NOW + timedelta(days=16))


def test_the_managers_answer_is_kept_apart_and_named(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["dev", "sam", "priya", "ray"])
    give(db, started, people["dev"], Choice.CONSISTENTLY, "Drove the Q3 migration")
    for name in ("sam", "priya", "ray"):
        give(db, started, people[name], Choice.SOMETIMES, f"Seen by {name}")
    close_due(db, NOW + timedelta(days=8))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
        manager_row = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.from_manager == True)).one()  # noqa: E712
    assert made.competencies[0].spread == {Choice.SOMETIMES: 3}, "the manager is not pooled"
    assert made.manager is not None and made.manager.name == "Dev"
    assert manager_row.request_id is not None, "the manager's answer keeps its author"


def test_a_named_round_shows_who_said_what(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya"], anonymous=False)
    give(db, started, people["sam"], Choice.CONSISTENTLY, "Clear design docs")
    with db.session() as session:
        feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert made.released and [s.by for s in made.competencies[0].examples] == ["Sam"]


def test_in_a_named_round_too_the_manager_is_apart_from_the_spread(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["dev", "sam"], anonymous=False)
    give(db, started, people["dev"], Choice.NOT_YET, "Needs more scope")
    give(db, started, people["sam"], Choice.CONSISTENTLY, "Clear design docs")
    with db.session() as session:
        feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW)
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert made.competencies[0].spread == {Choice.CONSISTENTLY: 1}
    assert made.manager is not None and made.manager.name == "Dev" and made.answered == 2


def test_free_text_comes_in_an_order_of_its_words_not_of_who_answered_or_when(db: Database) -> None:
    people = feedback_team(db)
    orders = []
    for key, order in (("one", ["sam", "priya", "ray"]), ("two", ["ray", "sam", "priya"])):
        started = start_round(db, people, ["sam", "priya", "ray"], key=key)
        for name in order:
            give(db, started, people[name], Choice.SOMETIMES, f"Example from {name}")
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
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya", "ray"])
    for name in ("sam", "priya", "ray"):
        give(db, started, people[name], Choice.SOMETIMES, "ok")
    with db.session() as session, pytest.raises(GrowthError, match="when the round closes"):
        feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    close_due(db, NOW + timedelta(days=8))
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
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya"])
    close_due(db, NOW + timedelta(days=8))
    with db.session() as session, pytest.raises(GrowthError, match="has closed"):
        feedback.answer_form(session, responder=people["priya"], request_id=request_of(db, started, people["priya"]))
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
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya", "ray"])
    text = (
        path_of("software-engineering").read_text().replace("Leads a cross-team project", "Runs a cross-team project")
    )
    edited = text.replace('version: "2026.1"', 'version: "2026.2"')
    with db.session() as session:
        imported = import_framework(session, team_id="T1", framework=parse(edited), source="edit", now=NOW)
    assert imported.changed
    for name in ("sam", "priya", "ray"):
        give(db, started, people[name], Choice.SOMETIMES, "ok")
    close_due(db, NOW + timedelta(days=8))
    with db.session() as session:
        made = feedback.summary(session, viewer=people["maya"], round_id=started.round.id)
    assert made.framework.version == "2026.1" and made.round.framework_version_id != imported.stored.id
    leadership = next(c for c in made.competencies if c.competency_id == "cross-team-leadership")
    assert leadership.expectation.startswith("Leads a cross-team project"), "the words it asked with"
    assert "Runs a cross-team project" in edited


def test_the_close_happens_once_even_when_the_job_and_the_person_close_it_together(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["sam"], anonymous=False)
    give(db, started, people["sam"], Choice.SOMETIMES, "ok")
    with db.session() as late:
        stale = late.get(FeedbackRound, started.round.id)  # the job read it open
        with db.session() as session:
            assert feedback.close_early(session, person=people["maya"], round_id=started.round.id, now=NOW).notices
        assert closing._close(late, stale, NOW + timedelta(days=8)) == [], "one results DM, not two"
