"""A person's own data: what an export holds, and what deleting it leaves for others (both databases)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from growth import asks, checkins, feedback, roadmap
from growth.asks import Door, Draft, Status
from growth.errors import GrowthError
from growth.feedback import Choice
from growth.feedback.results import build
from growth.frameworks.shipped import shipped
from growth.levels import choose_level
from growth.notices import AskWithdrawn, PersonForgotten, RoomArchived
from growth.people import find_person
from growth.personal_data import delete_data, export_data
from growth.visibility import Visibility
from growth.wins import Details, log, log_for
from storage.db import Database
from storage.models import (
    Ask,
    Checkin,
    FeedbackAnswer,
    FeedbackRating,
    FeedbackRequest,
    FeedbackRound,
    ManagerLink,
    MentorLink,
    Objective,
    Person,
    Picture,
    Win,
)
from tests.growth.feedback_team import NOW, SE, feedback_team, give, start_round

TODAY = NOW.date()


def _win(db: Database, who: Person, text: str, visibility: Visibility = Visibility.PRIVATE, key: str = "w") -> int:
    with db.session() as session:
        changed = log(
            session,
            person=who,
            details=Details(text=text, visibility=visibility, competencies=["mentoring"]),
            source="command",
            request_key=key,
            today=TODAY,
            now=NOW,
        )
    return changed.logged.win.id or 0


@pytest.fixture
def team(db: Database) -> dict[str, Person]:
    """Maya (manager Dev, mentor Sam) with a win, an entry, an objective, an ask; feedback both ways."""
    people = feedback_team(db)
    maya, dev = people["maya"], people["dev"]
    _win(db, maya, "Led the payments outage review")
    with db.session() as session:
        checkins.write_entry(session, person=maya, answers=checkins.Answers(learned="Postmortems"), now=NOW)
        roadmap.add(session, person=maya, competency_id="mentoring", title="Mentor a new hire", due_on=None, now=NOW)
        asks.create(
            session,
            person=maya,
            draft=Draft(decision="Move the freeze", recommendation="Friday noon", two_way=Door.YES),
            request_key="ask:1",
            today=TODAY,
            now=NOW,
        )
        log_for(
            session,
            manager=dev,
            report=maya,
            details=Details(text="Maya's win, logged by Dev"),
            source="form",
            request_key="for:1",
            today=TODAY,
            now=NOW,
        )
    return people


def _rounds_for_dev(db: Database, team: dict[str, Person]) -> tuple[feedback.Started, feedback.Started]:
    """Dev's own rounds: one named, one anonymous; Maya answers both (named: 'Clear writer')."""
    dev = team["dev"]
    with db.session() as session:
        choose_level(session, person=dev, level_ref=f"{SE}/IC4", target_ref=f"{SE}/IC5", defaults=shipped(), now=NOW)
    people = {**team, "maya": dev}  # start_round asks about people["maya"]
    people_asked = {**people, "mayab": team["maya"]}
    named = start_round(db, people_asked, ["mayab", "sam", "priya"], anonymous=False, key="named")
    anonymous = start_round(db, people_asked, ["mayab", "sam", "priya"], anonymous=True, key="anon")
    for started in (named, anonymous):
        give(db, started, team["maya"], Choice.SOMETIMES, "Clear writer", biggest_gap="Delegation", next_step="Pair")
        give(db, started, team["sam"], Choice.CONSISTENTLY, "Sam's words")
    return named, anonymous


def test_an_export_holds_everything_that_is_the_persons(db: Database, team: dict[str, Person]) -> None:
    maya = team["maya"]
    about_maya = start_round(db, team, ["dev", "sam", "priya"], anonymous=False, key="mine")
    give(db, about_maya, team["sam"], Choice.SOMETIMES, "Good incident calls", biggest_gap="Scope")
    with db.session() as session:
        feedback.due_to_close(session, now=about_maya.round.due_at + timedelta(minutes=1))
        data = export_data(session, person=find_person(session, team_id="T1", user_id="U0MAYA"), now=NOW)  # type: ignore[arg-type]
    json.dumps(data)  # plain JSON all the way down
    assert data["person"]["slack_user_id"] == "U0MAYA" and data["person"]["target"] == "software-engineering/IC4"
    assert {win["text"] for win in data["wins"]} == {"Led the payments outage review", "Maya's win, logged by Dev"}
    assert [win["logged_by"] for win in data["wins"] if win["logged_by"]] == ["Dev"]
    assert data["growth_thread"]["entries"][0]["learned"] == "Postmortems"
    assert data["assessments"][0]["target"] == "software-engineering/IC4" and data["assessments"][0]["answers"]
    assert data["asks"][0]["decision"] == "Move the freeze" and data["asks"][0]["manager"] == "Dev"
    assert data["roadmap"][0]["title"] == "Mentor a new hire"
    assert data["links"]["my_managers"][0]["who"] == "Dev" and data["links"]["my_mentors"][0]["who"] == "Sam"
    (received,) = data["feedback"]["about_me"]
    examples = [e for c in received["results"]["per_competency"] for e in c["examples"]]
    assert {"text": "Good incident calls", "by": "Sam"} in examples, "a named answer, with its name"
    assert maya.id is not None


def test_an_export_never_holds_an_anonymous_answer_the_person_gave(db: Database, team: dict[str, Person]) -> None:
    _rounds_for_dev(db, team)
    with db.session() as session:
        data = export_data(session, person=find_person(session, team_id="T1", user_id="U0MAYA"), now=NOW)  # type: ignore[arg-type]
    given = {item["anonymous"]: item for item in data["feedback"]["given"]}
    assert given[False]["answer"]["biggest_gap"] == "Delegation", "a named answer is theirs to take"
    assert given[True]["status"] == "answered" and given[True]["answer"] is None
    assert "Clear writer" not in json.dumps(given[True])


def test_deleting_removes_what_is_the_persons_and_leaves_an_empty_row(db: Database, team: dict[str, Person]) -> None:
    maya, dev = team["maya"], team["dev"]
    other = _win(db, dev, "Dev's own win", key="dev")
    with db.session() as session:
        deleted = delete_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
    assert deleted.counts["wins"] == 2 and deleted.counts["asks"] == 1 and deleted.counts["roadmap objectives"] == 1
    with db.session() as session:
        assert find_person(session, team_id="T1", user_id="U0MAYA") is None, "their Slack id is free again"
        left = session.get(Person, maya.id)
        assert left is not None and left.display_name == "" and left.slack_user_id == f"deleted:{maya.id}"
        assert left.tz is None and left.level_ref is None and left.deleted and not left.is_admin
        assert session.exec(select(Win.id).where(Win.person_id == maya.id)).all() == []
        assert session.exec(select(Checkin.id).where(Checkin.person_id == maya.id)).all() == []
        assert session.exec(select(Objective.id).where(Objective.person_id == maya.id)).all() == []
        assert session.exec(select(ManagerLink.id).where(ManagerLink.report_id == maya.id)).all() == []
        assert session.exec(select(MentorLink.id).where(MentorLink.person_id == maya.id)).all() == []
        assert session.get(Win, other) is not None, "other people's records are whole"
    forgotten = next(n for n in deleted.notices if isinstance(n, PersonForgotten))
    assert forgotten.user_id == "U0MAYA" and len(forgotten.win_ids) == 2 and forgotten.ask_ids


def test_an_ask_stays_with_its_manager_as_withdrawn_without_a_word_of_it(db: Database, team: dict[str, Person]) -> None:
    maya, dev = team["maya"], team["dev"]
    with db.session() as session:
        ask_id = session.exec(select(Ask.id).where(Ask.person_id == maya.id)).one()
        deleted = delete_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
    assert AskWithdrawn(ask_id, "T1", None) in deleted.notices
    with db.session() as session:
        ask = session.get(Ask, ask_id)
        assert ask is not None and ask.status == Status.WITHDRAWN
        assert (ask.decision, ask.recommendation, ask.options, ask.note) == ("", "", None, None)
        assert asks.open_asks(session, person_ids=[maya.id]) == {}
        with pytest.raises(GrowthError, match="withdrawn: the person who brought it deleted their Trellis data"):
            asks.decide(session, ask_id=ask_id, manager=dev, verdict=Status.APPROVED, note="", now=NOW)


def test_a_named_answer_they_gave_stays_as_counts_only(db: Database, team: dict[str, Person]) -> None:
    named, anonymous = _rounds_for_dev(db, team)
    maya = team["maya"]
    with db.session() as session:
        delete_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
    with db.session() as session:
        for started in (named, anonymous):
            answers = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.round_id == started.round.id)).all()
            assert len(answers) == 2, "the round keeps both answers' counts"
            unlinked = [a for a in answers if a.request_id is None]
            assert len(unlinked) == 1 and unlinked[0].biggest_gap is None and unlinked[0].next_step is None
            ratings = session.exec(select(FeedbackRating).where(FeedbackRating.answer_id == unlinked[0].id)).all()
            assert ratings and all(r.rating == "sometimes" and r.example is None for r in ratings)
            statuses = session.exec(
                select(FeedbackRequest.status).where(FeedbackRequest.round_id == started.round.id)
            ).all()
            assert sorted(statuses) == ["answered", "answered", "asked"], "who answered still counts"
        feedback.due_to_close(session, now=named.round.due_at + timedelta(minutes=1))
    with db.session() as session:
        made = build(session, session.get(FeedbackRound, named.round.id))  # type: ignore[arg-type]
    assert made.answered == 2
    examples = [said for result in made.competencies for said in result.examples]
    assert [said.text for said in examples if said.by != "Sam"] == [], "no word of Maya's, no name"
    assert all(sum(result.spread.values()) == 2 for result in made.competencies), "her rating still counts"


def test_anonymous_answers_already_pooled_are_left_as_they_are(db: Database, team: dict[str, Person]) -> None:
    _, anonymous = _rounds_for_dev(db, team)
    give(db, anonymous, team["priya"], Choice.NOT_YET, "Priya's words")
    with db.session() as session:
        feedback.due_to_close(session, now=anonymous.round.due_at + timedelta(minutes=1))
    with db.session() as session:
        before = sorted((a.biggest_gap or "", a.next_step or "") for a in session.exec(select(FeedbackAnswer)).all())
        delete_data(session, person=session.get(Person, team["maya"].id), now=NOW)  # type: ignore[arg-type]
    with db.session() as session:
        after = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.round_id == anonymous.round.id)).all()
        pooled = sorted((a.biggest_gap or "", a.next_step or "") for a in after)
    assert ("Delegation", "Pair") in pooled, "nothing links a pooled answer to her: it is not hers to find"
    assert len(pooled) == 3 and set(pooled) <= set(before)


def test_a_managers_answer_goes_altogether(db: Database, team: dict[str, Person]) -> None:
    maya, dev = team["maya"], team["dev"]
    about_maya = start_round(db, team, ["dev", "sam"], anonymous=True, key="mine")
    give(db, about_maya, dev, Choice.CONSISTENTLY, "Dev's view")
    with db.session() as session:
        delete_data(session, person=session.get(Person, dev.id), now=NOW)  # type: ignore[arg-type]
    with db.session() as session:
        assert session.exec(select(FeedbackAnswer).where(FeedbackAnswer.round_id == about_maya.round.id)).all() == []
        assert session.get(FeedbackRound, about_maya.round.id) is not None, "Maya's round is hers"
        assert find_person(session, team_id="T1", user_id="U0MAYA") is not None
    assert maya.id is not None


def test_the_rounds_about_them_go_and_their_mentorship_room_is_archived(db: Database, team: dict[str, Person]) -> None:
    maya = team["maya"]
    about_maya = start_round(db, team, ["dev", "sam", "priya"], key="mine")
    give(db, about_maya, team["sam"], Choice.SOMETIMES, "Sam on Maya")
    with db.session() as session:
        link = session.exec(select(MentorLink).where(MentorLink.person_id == maya.id)).one()
        link.room_channel_id = "G0ROOM"
        session.add(link)
    with db.session() as session:
        deleted = delete_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
    assert any(isinstance(n, RoomArchived) and n.channel == "G0ROOM" for n in deleted.notices)
    with db.session() as session:
        assert session.get(FeedbackRound, about_maya.round.id) is None
        assert session.exec(select(FeedbackAnswer).where(FeedbackAnswer.round_id == about_maya.round.id)).all() == []
        assert session.exec(select(FeedbackRequest).where(FeedbackRequest.round_id == about_maya.round.id)).all() == []


def test_their_app_home_pictures_are_exported_and_deleted_with_the_files_they_are(
    db: Database, team: dict[str, Person]
) -> None:
    maya, dev = team["maya"], team["dev"]
    with db.session() as session:
        for who, kind, file_id in (
            (maya, "readiness", "F0READY"),
            (maya, "gap-trend", "F0TREND"),
            (dev, "readiness", "F0DEV"),
        ):
            session.add(
                Picture(team_id="T1", person_id=who.id, kind=kind, checksum="c", file_id=file_id, updated_at=NOW)
            )
    with db.session() as session:
        data = export_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
        deleted = delete_data(session, person=session.get(Person, maya.id), now=NOW)  # type: ignore[arg-type]
    assert sorted(p["slack_file"] for p in data["app_home_pictures"]) == ["F0READY", "F0TREND"]
    assert deleted.counts["App Home pictures"] == 2
    forgotten = next(n for n in deleted.notices if isinstance(n, PersonForgotten))
    assert sorted(forgotten.picture_files) == ["F0READY", "F0TREND"], "the files come out of Slack too"
    with db.session() as session:
        assert session.exec(select(Picture.file_id)).all() == ["F0DEV"], "someone else's stays"
