"""A person's own data: everything Trellis holds about them, to take out (`export_data`) or to delete
(`delete_data`).

What is theirs: what Trellis knows of them (name, time zone, level and target); their wins (a manager's
for them included); their growth thread and its settings; their self-assessments; the asks they
brought; their roadmap; their manager and mentor links, on either side; the 1:1s held with them as a
report; the expectations they flagged; the feedback about them (each round, and its results as they
see them: named answers with names, anonymous ones pooled and only when released); and the feedback
they gave as named answers. Of an anonymous round they were asked in, only that they were asked and
whether they answered: its answers belong to the pool (an admin's export must never tell an anonymous
author either).

Deleting leaves other people's records whole:
- an ask they brought stays, emptied of every word, as withdrawn: its manager's DM says so, and a late
  click on it is told so;
- an answer they gave in someone's round stays as its ratings only (the counts), without a word and
  without a link to them; a manager's answer, never anonymous, goes altogether. Anonymous answers
  already pooled were never theirs to find, and stay as they are;
- the 1:1s they marked held as someone's manager stay (dates only), for the report's preparation;
- their row stays, empty (no Slack id, no name), only to hold those records together.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from growth.asks import Status as AskStatus
from growth.feedback.results import build
from growth.feedback.rules import RequestStatus, RoundStatus
from growth.notices import AskWithdrawn, DataExportRequested, Notice, PersonForgotten, RoomArchived
from storage.models import (
    Ask,
    Assessment,
    AssessmentAnswer,
    Checkin,
    CheckinPlan,
    ExpectationFlag,
    FeedbackAnswer,
    FeedbackRating,
    FeedbackRequest,
    FeedbackRound,
    ManagerLink,
    MentorLink,
    Objective,
    OneOnOne,
    Person,
    Picture,
    Win,
    WinCompetency,
)

FORMAT = "trellis-personal-data/1"


def export_requested(person: Person, *, request: str) -> list[Notice]:
    """The person asked for their data: it is made when sent, so it holds everything up to then."""
    return [DataExportRequested(person, request)]


def export_data(session: Session, *, person: Person, now: datetime) -> dict[str, Any]:
    """Everything Trellis holds about `person`, as plain JSON-ready data."""
    names = _names(session, person.team_id)
    return {
        "format": FORMAT,
        "exported_at": _when(now),
        "workspace": person.team_id,
        "person": {
            "slack_user_id": person.slack_user_id,
            "name": person.display_name,
            "time_zone": person.tz,
            "level": person.level_ref,
            "target": person.target_ref,
            "first_seen": _when(person.created_at),
        },
        "wins": _wins(session, person, names),
        "growth_thread": _thread(session, person),
        "assessments": _assessments(session, person),
        "asks": [
            {
                "decision": ask.decision,
                "options": ask.options,
                "recommendation": ask.recommendation,
                "two_way_door": ask.two_way,
                "needed_by": _day(ask.needed_by),
                "competency": ask.competency_id,
                "manager": names.get(ask.manager_id),
                "status": ask.status,
                "manager_note": ask.note,
                "decided_at": _when(ask.decided_at),
                "asked_at": _when(ask.created_at),
            }
            for ask in _rows(session, Ask, Ask.person_id == person.id)
        ],
        "roadmap": [
            {
                "title": objective.title,
                "competency": objective.competency_id,
                "due_on": _day(objective.due_on),
                "status": objective.status,
                "added_at": _when(objective.created_at),
            }
            for objective in _rows(session, Objective, Objective.person_id == person.id)
        ],
        "links": _links(session, person, names),
        "one_on_ones": [
            {"held_at": _when(held.held_at), "manager": names.get(held.manager_id)}
            for held in _rows(session, OneOnOne, OneOnOne.report_id == person.id)
        ],
        "unclear_expectations_flagged": [
            {
                "level": flag.level_id,
                "competency": flag.competency_id,
                "comment": flag.comment,
                "at": _when(flag.created_at),
            }
            for flag in _rows(session, ExpectationFlag, ExpectationFlag.person_id == person.id)
        ],
        "feedback": {
            "about_me": _received(session, person, names),
            "given": _given(session, person, names),
        },
        "app_home_pictures": [
            {"kind": picture.kind, "slack_file": picture.file_id, "drawn_at": _when(picture.updated_at)}
            for picture in _rows(session, Picture, Picture.person_id == person.id)
        ],
    }


@dataclass(frozen=True)
class Deleted:
    counts: dict[str, int]  # what was deleted, by kind, for the confirmation
    notices: list[Notice] = field(default_factory=list)

    def summary(self) -> str:
        shown = [f"{n} {kind}" for kind, n in self.counts.items() if n]
        return ", ".join(shown) if shown else "nothing but your name"


def delete_data(session: Session, *, person: Person, now: datetime) -> Deleted:
    """Delete everything that is `person`'s (see the module docstring for what stays for others)."""
    pid = person.id
    assert pid is not None
    plan = session.exec(select(CheckinPlan).where(CheckinPlan.person_id == pid)).first()
    thread = (plan.thread_channel_id, plan.thread_ts) if plan and plan.thread_channel_id and plan.thread_ts else None
    forgotten = PersonForgotten(person.team_id, person.enterprise_id, person.slack_user_id, pid, thread=thread)
    notices: list[Notice] = []
    counts: Counter[str] = Counter()

    wins = _ids(session, Win, Win.person_id == pid)
    forgotten.win_ids.extend(wins)
    session.execute(delete(WinCompetency).where(col(WinCompetency.win_id).in_(wins)))
    session.execute(update(Win).where(col(Win.logged_by_id) == pid).values(logged_by_id=None))

    entries = _ids(session, Checkin, Checkin.person_id == pid)
    forgotten.checkin_ids.extend(entries)
    counts["growth-thread entries"] = _count_answered(session, pid)
    session.execute(delete(Checkin).where(col(Checkin.person_id) == pid))
    session.execute(delete(CheckinPlan).where(col(CheckinPlan.person_id) == pid))

    for ask in _rows(session, Ask, Ask.person_id == pid):
        forgotten.ask_ids.append(ask.id or 0)
        if ask.status != AskStatus.WITHDRAWN:
            notices.append(AskWithdrawn(ask.id or 0, person.team_id, person.enterprise_id))
        ask.decision = ask.recommendation = ""
        ask.options = ask.note = ask.competency_id = None
        ask.needed_by, ask.outcome_win_id = None, None
        ask.status, ask.updated_at = AskStatus.WITHDRAWN.value, now
        session.add(ask)
    counts["asks"] = len(forgotten.ask_ids)
    session.flush()
    counts["wins"] = session.execute(delete(Win).where(col(Win.person_id) == pid)).rowcount

    objectives = _ids(session, Objective, Objective.person_id == pid)
    forgotten.objective_ids.extend(objectives)
    counts["roadmap objectives"] = session.execute(delete(Objective).where(col(Objective.person_id) == pid)).rowcount

    assessments = _ids(session, Assessment, Assessment.person_id == pid)
    forgotten.assessment_ids.extend(assessments)
    session.execute(delete(AssessmentAnswer).where(col(AssessmentAnswer.assessment_id).in_(assessments)))
    counts["self-assessments"] = session.execute(delete(Assessment).where(col(Assessment.person_id) == pid)).rowcount
    session.execute(delete(ExpectationFlag).where(col(ExpectationFlag.person_id) == pid))

    for link in _rows(session, ManagerLink, or_(ManagerLink.report_id == pid, ManagerLink.manager_id == pid)):
        forgotten.link_ids.append(link.id or 0)
    counts["manager links"] = session.execute(
        delete(ManagerLink).where(or_(col(ManagerLink.report_id) == pid, col(ManagerLink.manager_id) == pid))
    ).rowcount
    for mentorship in _rows(session, MentorLink, or_(MentorLink.person_id == pid, MentorLink.mentor_id == pid)):
        forgotten.mentor_link_ids.append(mentorship.id or 0)
        if mentorship.room_channel_id and mentorship.ended_at is None:
            notices.append(RoomArchived(person, mentorship.id or 0, mentorship.room_channel_id))
    counts["mentorships"] = session.execute(
        delete(MentorLink).where(or_(col(MentorLink.person_id) == pid, col(MentorLink.mentor_id) == pid))
    ).rowcount
    session.execute(delete(OneOnOne).where(col(OneOnOne.report_id) == pid))
    for picture in _rows(session, Picture, Picture.person_id == pid):
        forgotten.picture_files.append(picture.file_id)
    counts["App Home pictures"] = session.execute(delete(Picture).where(col(Picture.person_id) == pid)).rowcount

    counts["feedback rounds about you"] = _delete_rounds(session, pid, forgotten)
    counts["feedback answers you gave"] = _withdraw_answers(session, pid, forgotten)
    session.execute(update(FeedbackRound).where(col(FeedbackRound.shared_with_id) == pid).values(shared_with_id=None))

    _empty(person, now)
    session.add(person)
    return Deleted(dict(counts), [*notices, forgotten])


def _delete_rounds(session: Session, pid: int, forgotten: PersonForgotten) -> int:
    rounds = _ids(session, FeedbackRound, FeedbackRound.person_id == pid)
    forgotten.round_ids.extend(rounds)
    requests = _ids(session, FeedbackRequest, col(FeedbackRequest.round_id).in_(rounds))
    forgotten.request_ids.extend(requests)
    answers = _ids(session, FeedbackAnswer, col(FeedbackAnswer.round_id).in_(rounds))
    session.execute(delete(FeedbackRating).where(col(FeedbackRating.answer_id).in_(answers)))
    session.execute(delete(FeedbackAnswer).where(col(FeedbackAnswer.id).in_(answers)))
    session.execute(delete(FeedbackRequest).where(col(FeedbackRequest.id).in_(requests)))
    return session.execute(delete(FeedbackRound).where(col(FeedbackRound.id).in_(rounds))).rowcount


def _withdraw_answers(session: Session, pid: int, forgotten: PersonForgotten) -> int:
    """In other people's rounds: what they said becomes counts only; what they were still asked, declined."""
    given = 0
    for request, round in session.exec(
        select(FeedbackRequest, FeedbackRound)
        .join(FeedbackRound, col(FeedbackRound.id) == FeedbackRequest.round_id)
        .where(FeedbackRequest.responder_id == pid)
    ).all():
        forgotten.request_ids.append(request.id or 0)
        if request.status == RequestStatus.ASKED and round.status == RoundStatus.OPEN:
            request.status = RequestStatus.DECLINED.value
            session.add(request)
        answer = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)).first()
        if answer is None:
            continue
        given += 1
        if answer.from_manager:
            session.execute(delete(FeedbackRating).where(col(FeedbackRating.answer_id) == answer.id))
            session.delete(answer)
            continue
        answer.request_id, answer.biggest_gap, answer.next_step = None, None, None
        session.add(answer)
        session.execute(update(FeedbackRating).where(col(FeedbackRating.answer_id) == answer.id).values(example=None))
    return given


def _empty(person: Person, now: datetime) -> None:
    """The row that holds other people's records together, with nothing of the person left in it."""
    person.slack_user_id = f"deleted:{person.id}"
    person.display_name, person.tz, person.is_admin, person.is_bot, person.deleted = "", None, False, False, True
    person.status_text = person.status_emoji = person.level_ref = person.target_ref = None
    person.status_expiration = person.profile_refreshed_at = None
    person.created_at = person.updated_at = now


def _count_answered(session: Session, pid: int) -> int:
    return len(
        session.exec(select(Checkin.id).where(Checkin.person_id == pid, col(Checkin.answered_at).is_not(None))).all()
    )


# -- the export, piece by piece ------------------------------------------------------------------


def _wins(session: Session, person: Person, names: dict[int | None, str]) -> list[dict[str, Any]]:
    wins = _rows(session, Win, Win.person_id == person.id)
    tags: dict[int, list[str]] = defaultdict(list)
    for win_id, competency in session.exec(
        select(WinCompetency.win_id, WinCompetency.competency_id).where(
            col(WinCompetency.win_id).in_([w.id for w in wins])
        )
    ).all():
        tags[win_id].append(competency)
    return [
        {
            "text": win.text,
            "what": win.what,
            "how": win.how,
            "why": win.why,
            "evidence_url": win.evidence_url,
            "happened_on": _day(win.happened_on),
            "visibility": win.visibility,
            "competencies": sorted(tags[win.id or 0]),
            "logged_by": names.get(win.logged_by_id) if win.logged_by_id else None,
            "logged_at": _when(win.created_at),
        }
        for win in wins
    ]


def _thread(session: Session, person: Person) -> dict[str, Any]:
    plan = session.exec(select(CheckinPlan).where(CheckinPlan.person_id == person.id)).first()
    settings = None
    if plan is not None:
        settings = {
            "weekday": plan.weekday,
            "hour": plan.hour,
            "paused_until": _day(plan.paused_until),
            "skip_week": plan.skip_week,
            "off": plan.opted_out,
            "shared_in_growth_channel": plan.share,
        }
    entries = [
        {
            "week": entry.week,
            "status": entry.status,
            "learned": entry.learned,
            "operated_at_next_level": entry.operated,
            "blockers": entry.blockers,
            "thread_replies": entry.replies,
            "kept_to_myself": entry.private,
            "answered_at": _when(entry.answered_at),
        }
        for entry in _rows(session, Checkin, Checkin.person_id == person.id)
    ]
    return {"settings": settings, "entries": entries}


def _assessments(session: Session, person: Person) -> list[dict[str, Any]]:
    assessments = _rows(session, Assessment, Assessment.person_id == person.id)
    answers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for answer in session.exec(
        select(AssessmentAnswer).where(col(AssessmentAnswer.assessment_id).in_([a.id for a in assessments]))
    ).all():
        answers[answer.assessment_id].append(
            {"competency": answer.competency_id, "expected": answer.expected, "rated": answer.rated}
        )
    return [
        {"target": a.target_ref, "total_gap": a.total_gap, "at": _when(a.created_at), "answers": answers[a.id or 0]}
        for a in assessments
    ]


def _links(session: Session, person: Person, names: dict[int | None, str]) -> dict[str, list[dict[str, Any]]]:
    def line(other: int, status: str, since: datetime, ended: datetime | None) -> dict[str, Any]:
        return {"who": names.get(other), "status": status, "since": _when(since), "ended": _when(ended)}

    managers = _rows(session, ManagerLink, or_(ManagerLink.report_id == person.id, ManagerLink.manager_id == person.id))
    mentors = _rows(session, MentorLink, or_(MentorLink.person_id == person.id, MentorLink.mentor_id == person.id))
    return {
        "my_managers": [
            line(m.manager_id, m.status, m.created_at, m.ended_at) for m in managers if m.report_id == person.id
        ],
        "my_reports": [
            line(m.report_id, m.status, m.created_at, m.ended_at) for m in managers if m.manager_id == person.id
        ],
        "my_mentors": [
            {**line(m.mentor_id, m.status, m.created_at, m.ended_at), "sees": m.sees.split(",")}
            for m in mentors
            if m.person_id == person.id
        ],
        "mentoring": [
            line(m.person_id, m.status, m.created_at, m.ended_at) for m in mentors if m.mentor_id == person.id
        ],
    }


def _received(session: Session, person: Person, names: dict[int | None, str]) -> list[dict[str, Any]]:
    """Each round about the person; the answers as its results show them, once it has closed."""
    found = []
    for round in _rows(session, FeedbackRound, FeedbackRound.person_id == person.id):
        requests = _rows(session, FeedbackRequest, FeedbackRequest.round_id == round.id)
        item: dict[str, Any] = {
            "target": round.target_ref,
            "competencies": round.competencies.split(","),
            "anonymous": round.anonymous,
            "status": round.status,
            "due_at": _when(round.due_at),
            "closed_at": _when(round.closed_at),
            "asked": [names.get(r.responder_id) for r in requests],
            "results": None,
        }
        if round.status == RoundStatus.CLOSED:
            made = build(session, round)
            item["results"] = {
                "answered": made.answered,
                "shown": made.released,
                "per_competency": [
                    {
                        "competency": c.name,
                        "spread": {str(choice): n for choice, n in (c.spread or {}).items()},
                        "examples": [{"text": s.text, "by": s.by} for s in c.examples],
                    }
                    for c in made.competencies
                ],
                "biggest_gaps": [{"text": s.text, "by": s.by} for s in made.gaps],
                "next_steps": [{"text": s.text, "by": s.by} for s in made.next_steps],
                "manager": None
                if made.manager is None
                else {
                    "name": made.manager.name,
                    "ratings": {cid: {"rating": r, "example": e} for cid, (r, e) in made.manager.ratings.items()},
                    "biggest_gap": made.manager.biggest_gap,
                    "next_step": made.manager.next_step,
                },
            }
        found.append(item)
    return found


def _given(session: Session, person: Person, names: dict[int | None, str]) -> list[dict[str, Any]]:
    """What the person was asked for; what they said, in named rounds only (and as a manager, always named)."""
    found = []
    for request, round in session.exec(
        select(FeedbackRequest, FeedbackRound)
        .join(FeedbackRound, col(FeedbackRound.id) == FeedbackRequest.round_id)
        .where(FeedbackRequest.responder_id == person.id)
        .order_by(col(FeedbackRequest.id))
    ).all():
        item: dict[str, Any] = {
            "about": names.get(round.person_id),
            "target": round.target_ref,
            "anonymous": round.anonymous,
            "status": request.status,
            "answer": None,
        }
        answer = session.exec(select(FeedbackAnswer).where(FeedbackAnswer.request_id == request.id)).first()
        if answer is not None and (not round.anonymous or answer.from_manager):
            ratings = _rows(session, FeedbackRating, FeedbackRating.answer_id == answer.id)
            item["answer"] = {
                "ratings": {r.competency_id: {"rating": r.rating, "example": r.example} for r in ratings},
                "biggest_gap": answer.biggest_gap,
                "next_step": answer.next_step,
                "at": _when(answer.updated_at),
            }
        found.append(item)
    return found


# -- small helpers -------------------------------------------------------------------------------


def _names(session: Session, team_id: str) -> dict[int | None, str]:
    """Everyone's name in the workspace by row id (one query: an export names the people around them)."""
    rows = session.exec(select(Person.id, Person.display_name).where(Person.team_id == team_id)).all()
    return {pid: name or "someone" for pid, name in rows}


def _rows(session: Session, model: type[Any], *where: Any) -> list[Any]:
    return list(session.exec(select(model).where(*where).order_by(col(model.id))).all())


def _ids(session: Session, model: type[Any], *where: Any) -> list[int]:
    return list(session.exec(select(model.id).where(*where)).all())


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _day(on: date | None) -> str | None:
    return on.isoformat() if on is not None else None
