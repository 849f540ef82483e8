"""1:1 preparation from evidence: what happened since the last 1:1, and three questions drawn from it.

The report prepares for their manager (`/trellis 1on1`), the confirmed manager for a report
(`/trellis 1on1 @report`). Either marks the 1:1 as held, which starts the next period. Both see only
what the report shared with the manager (`growth.visibility.MANAGER`), and the asks to that manager.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from growth.asks import Status as AskStatus
from growth.assessments import latest
from growth.checkins import Status as CheckinStatus
from growth.checkins import local_today
from growth.errors import GrowthError, NotAllowed
from growth.feedback import Summary, closed_rounds
from growth.frameworks.model import Framework
from growth.levels import competency_names
from growth.links import confirmed_row, manager_of
from growth.roadmap import objectives
from growth.visibility import MANAGER, entries_seen, wins_seen
from storage.models import Ask, Checkin, Objective, OneOnOne, Person, Win

FIRST_PERIOD = timedelta(days=14)  # before any 1:1 was marked: the last two weeks
DUE_WITHIN = timedelta(days=21)
QUESTIONS = 3


@dataclass(frozen=True)
class Prep:
    report: Person
    manager: Person
    since: datetime
    wins: list[Win]
    entries: list[Checkin]
    asks: list[Ask]  # asked, decided, or still open in the period
    gaps: list[tuple[str, int]]  # the three largest: competency name, levels short
    due: list[Objective]  # open objectives due soon or overdue
    questions: list[str]
    feedback: list[Summary] = field(default_factory=list)  # rounds closed since, that the manager may see


def pair(session: Session, *, viewer: Person, report: Person | None) -> tuple[Person, Person]:
    """(report, manager) for `viewer`: themselves and their manager, or a report they manage."""
    if report is None or report.id == viewer.id:
        manager = manager_of(session, report=viewer)
        if manager is None:
            raise NotAllowed("You have no confirmed manager in Trellis yet. `/trellis manager @name` asks them.")
        return viewer, manager
    link = confirmed_row(session, report=report)
    if link is None or link.manager_id != viewer.id or report.team_id != viewer.team_id:
        raise NotAllowed("Only their confirmed manager can prepare a 1:1 with them.")
    return report, viewer


def last_held(session: Session, *, report: Person, manager: Person) -> datetime | None:
    return session.exec(
        select(OneOnOne.held_at)
        .where(OneOnOne.report_id == report.id, OneOnOne.manager_id == manager.id)
        .order_by(OneOnOne.held_at.desc())  # type: ignore[attr-defined]
    ).first()


def prepare(
    session: Session, *, viewer: Person, report: Person | None, defaults: tuple[Framework, ...], now: datetime
) -> Prep:
    """The next 1:1's preparation, for the report or their confirmed manager (nobody else)."""
    report, manager = pair(session, viewer=viewer, report=report)
    names = competency_names(session, team_id=report.team_id, defaults=defaults, now=now)
    since = last_held(session, report=report, manager=manager) or now - FIRST_PERIOD
    wins = list(
        session.exec(
            select(Win)
            .where(Win.person_id == report.id, wins_seen(MANAGER), Win.created_at >= since)  # type: ignore[operator]
            .order_by(Win.happened_on, Win.id)  # type: ignore[arg-type]
        ).all()
    )
    entries = list(
        session.exec(
            select(Checkin)
            .where(
                Checkin.person_id == report.id,
                Checkin.status == CheckinStatus.ANSWERED.value,
                entries_seen(MANAGER),
                Checkin.answered_at >= since,  # type: ignore[operator]
            )
            .order_by(Checkin.week)
        ).all()
    )
    asks = [
        ask
        for ask in session.exec(
            select(Ask).where(Ask.person_id == report.id, Ask.manager_id == manager.id).order_by(Ask.created_at)  # type: ignore[arg-type]
        ).all()
        if ask.status == AskStatus.OPEN or ask.created_at >= since or (ask.decided_at and ask.decided_at >= since)
    ]
    recorded = latest(session, person=report)
    gaps = (
        [(names.get(g.competency.id, g.competency.name), g.delta) for g in recorded.delta.largest] if recorded else []
    )
    today = local_today(report, now)
    due = [o for o in objectives(session, person=report, open_only=True) if o.due_on and o.due_on <= today + DUE_WITHIN]
    received = closed_rounds(session, person=report, seen=MANAGER, viewer=manager, since=since)
    return Prep(
        report,
        manager,
        since,
        wins,
        entries,
        asks,
        gaps,
        due,
        questions(asks, entries, gaps, due, wins, today),
        received,
    )


def questions(
    asks: list[Ask],
    entries: list[Checkin],
    gaps: list[tuple[str, int]],
    due: list[Objective],
    wins: list[Win],
    today: date,
) -> list[str]:
    """Three questions drawn from the evidence, most pressing first."""
    found: list[str] = []
    for ask in asks:
        if ask.status == AskStatus.TALK:
            found.append(f"You wanted to talk about “{_short(ask.decision)}”: what would make it a yes?")
        elif ask.status == AskStatus.APPROVED:
            found.append(f"How did trying out “{_short(ask.decision)}” go, and what would you do differently?")
    blockers = [entry.blockers for entry in entries if entry.blockers]
    if blockers:
        found.append(f"You wrote that “{_short(blockers[-1])}” blocks you: what can I unblock?")
    late = [o for o in due if o.due_on and o.due_on < today]
    for objective in late[:1] or due[:1]:
        when = "was due" if objective in late else "is due"
        found.append(f"“{_short(objective.title)}” {when} {objective.due_on:%-d %B}: is it still the right objective?")
    if gaps:
        found.append(f"What would operating at the next level in {gaps[0][0].lower()} look like next month?")
    if wins:
        found.append("Of your recent wins, which are you proudest of, and who noticed?")
    found.append("Where did you operate at the next level since we last met?")
    return list(dict.fromkeys(found))[:QUESTIONS]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mark_held(session: Session, *, viewer: Person, report_id: int, now: datetime) -> OneOnOne:
    """Either side marks the 1:1 held: the next preparation starts from here."""
    report = session.get(Person, report_id)
    if report is None or report.team_id != viewer.team_id:
        raise GrowthError("That person is not in Trellis any more.")
    report, manager = pair(session, viewer=viewer, report=None if report.id == viewer.id else report)
    held = OneOnOne(
        team_id=report.team_id,
        manager_id=manager.id or 0,
        report_id=report.id or 0,
        held_at=now,
        marked_by_id=viewer.id or 0,
    )
    session.add(held)
    session.flush()
    return held
