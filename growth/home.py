"""What the App Home shows a person: where they stand, their latest wins and evidence, their roadmap,
their growth thread and, for a manager, their team. One call gathers it all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from growth.assessments import Recorded, TrendPoint, latest, trend
from growth.channel import Problem, problem_of
from growth.checkins import HomeThread, home_thread
from growth.feedback import LastRound, OpenRound, Waiting, last_round, open_rounds, waiting_for
from growth.frameworks.flags import FlaggedExpectation, flagged
from growth.frameworks.model import Competency, Framework
from growth.levels import Position, names_in, position, workspace_catalogue
from growth.people import local_today
from growth.pictures import NONE, HomePictures, drawings, home_pictures
from growth.roadmap import objectives
from growth.suggest import Suggester
from growth.team import Team, team_of
from growth.vocabulary import suggestion_levels
from growth.wins import Evidence, LoggedWin, evidence
from growth.wins import recent as recent_wins
from storage.models import Objective, Person

HOME_WINS = 3
SUGGESTED = 3  # untagged wins offered a competency to confirm, the latest
LOOKED_AT = 20  # of the latest wins: the App Home never reads the whole log


@dataclass(frozen=True)
class HomeSummary:
    position: Position | None
    latest: Recorded | None  # only when it was against the current target
    trend: list[TrendPoint]
    flags: list[FlaggedExpectation] = field(default_factory=list)  # for workspace admins only
    wins: list[LoggedWin] = field(default_factory=list)  # the latest
    evidence: list[tuple[str, Evidence]] = field(default_factory=list)  # (competency name, evidence) at the target
    names: dict[str, str] = field(default_factory=dict)  # competency id -> name, across the workspace's frameworks
    objectives: list[Objective] = field(default_factory=list)
    suggested: list[tuple[LoggedWin, Competency]] = field(default_factory=list)  # untagged, and what they look like
    pictures: HomePictures = NONE


def home_summary(
    session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime, today: date | None = None
) -> HomeSummary:
    today = today or now.date()
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    recent = latest(session, person=person)
    if where is None or recent is None or recent.delta.target_level != where.target.level.id:
        recent = None
    flags = flagged(session, team_id=person.team_id) if person.is_admin else []
    proof: list[tuple[str, Evidence]] = []
    found: list[Evidence] = []
    names = names_in(cat)
    if where is not None:
        competencies = [c for c, _ in where.target.framework.expectations_at(where.target.level.id)]
        found = evidence(session, person=person, competency_ids=[c.id for c in competencies], today=today)
        proof = [(c.name, e) for c, e in zip(competencies, found, strict=True)]
    latest_wins = recent_wins(session, person=person, limit=LOOKED_AT)
    plan = objectives(session, person=person)
    wanted = drawings(session, person=person, where=where, found=found, names=names, today=today)
    return HomeSummary(
        where,
        recent,
        trend(session, person=person),
        flags,
        latest_wins[:HOME_WINS],
        proof,
        names,
        plan,
        _suggested(where, latest_wins),
        home_pictures(session, person=person, wanted=wanted),
    )


def _suggested(where: Position | None, wins: list[LoggedWin]) -> list[tuple[LoggedWin, Competency]]:
    """The latest wins tagged with no competency of the target, and the one Trellis suggests for each: what
    the packet places them under, for the person to confirm in one tap."""
    if where is None:
        return []
    at_target = {c.id for c, _ in where.target.framework.expectations_at(where.target.level.id)}
    suggester = Suggester(where.target.framework, suggestion_levels(where))
    found = []
    for logged in wins:
        if at_target.intersection(logged.competencies):
            continue
        guess = next((s.competency for s in suggester(logged.win.text) if s.competency.id in at_target), None)
        if guess is not None:
            found.append((logged, guess))
    return found[:SUGGESTED]


@dataclass(frozen=True)
class HomeFeedback:
    open: list[OpenRound]  # the person's own rounds still collecting answers
    waiting: list[Waiting]  # rounds of others that wait for the person's answer
    last: LastRound | None  # their latest closed round


@dataclass(frozen=True)
class Home:
    summary: HomeSummary
    thread: HomeThread
    team: Team  # empty unless the person is someone's confirmed manager
    feedback: HomeFeedback = field(default_factory=lambda: HomeFeedback([], [], None))
    channel_problem: Problem | None = None  # for workspace admins: the growth channel cannot be posted in


def home_of(session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime) -> Home:
    """Everything the person's App Home tab shows, as of `now`."""
    summary = home_summary(session, person=person, defaults=defaults, now=now, today=local_today(person, now))
    asked = HomeFeedback(
        open_rounds(session, person=person),
        waiting_for(session, responder_ids=[person.id])[person.id or 0],
        last_round(session, person=person),
    )
    problem = problem_of(session, team_id=person.team_id) if person.is_admin else None
    thread, team = home_thread(session, person=person, now=now), team_of(session, manager=person, now=now)
    return Home(summary, thread, team, asked, problem)
