"""A manager's view of their confirmed reports: `/trellis team` and the team section of the App Home.

Built in a fixed number of queries whatever the team's size (a query per kind of fact, never per person)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from growth.asks import open_asks
from growth.checkins import QUIET_WEEKS, Status, last_activity, local_today
from growth.links import reports_of
from growth.one_on_ones import FIRST_PERIOD
from growth.visibility import MANAGER, entries_seen, wins_seen
from storage.models import Ask, Checkin, OneOnOne, Person, Win


@dataclass(frozen=True)
class Member:
    person: Person
    last_entry_week: str | None  # the ISO week of their latest growth-thread entry
    wins_this_month: int  # shared or public, since the first of the month
    open_asks: list[Ask]  # waiting for this manager
    quiet_weeks: int  # whole weeks without an entry or a win; 0 unless QUIET_WEEKS or more
    last_one_on_one: datetime | None = None
    new_since_one_on_one: int = 0  # shared wins and entries since then: what the next 1:1 has to go through


@dataclass(frozen=True)
class Team:
    members: list[Member]

    @property
    def pending(self) -> list[tuple[Ask, Person]]:
        return [(ask, member.person) for member in self.members for ask in member.open_asks]

    @property
    def quiet(self) -> list[Member]:
        return [member for member in self.members if member.quiet_weeks]


def team_of(session: Session, *, manager: Person, now: datetime) -> Team:
    reports = reports_of(session, manager=manager)
    ids = [report.id for report in reports]
    if not ids:
        return Team([])
    first_of_month = local_today(manager, now).replace(day=1)
    entries = dict(
        session.exec(
            select(Checkin.person_id, func.max(Checkin.week))
            .where(Checkin.person_id.in_(ids), Checkin.status == Status.ANSWERED.value)  # type: ignore[attr-defined]
            .group_by(Checkin.person_id)
        ).all()
    )
    wins = Counter(
        dict(
            session.exec(
                select(Win.person_id, func.count())
                .where(
                    Win.person_id.in_(ids),  # type: ignore[attr-defined]
                    wins_seen(MANAGER),
                    Win.happened_on >= first_of_month,
                )
                .group_by(Win.person_id)
            ).all()
        )
    )
    waiting = open_asks(session, person_ids=ids)
    last = last_activity(session, ids)
    held = dict(
        session.exec(
            select(OneOnOne.report_id, func.max(OneOnOne.held_at))
            .where(OneOnOne.report_id.in_(ids), OneOnOne.manager_id == manager.id)  # type: ignore[attr-defined]
            .group_by(OneOnOne.report_id)
        ).all()
    )
    since = {pid: _aware(held.get(pid)) or now - FIRST_PERIOD for pid in ids}
    new: Counter[int] = Counter()
    earliest = min(since.values())
    for pid, at in session.exec(
        select(Win.person_id, Win.created_at).where(
            Win.person_id.in_(ids),  # type: ignore[attr-defined]
            wins_seen(MANAGER),
            Win.created_at >= earliest,  # type: ignore[operator]
        )
    ).all():
        new[pid] += _aware(at) >= since[pid]
    for pid, at in session.exec(
        select(Checkin.person_id, Checkin.answered_at).where(
            Checkin.person_id.in_(ids),  # type: ignore[attr-defined]
            entries_seen(MANAGER),
            Checkin.answered_at >= earliest,  # type: ignore[operator]
        )
    ).all():
        new[pid] += _aware(at) >= since[pid]
    members = []
    for report in reports:
        seen = last.get(report.id or 0) or report.created_at
        quiet = (now - seen).days // 7
        members.append(
            Member(
                report,
                entries.get(report.id),
                wins[report.id],
                [ask for ask in waiting[report.id or 0] if ask.manager_id == manager.id],
                quiet if quiet >= QUIET_WEEKS else 0,
                _aware(held.get(report.id)),
                new[report.id or 0],
            )
        )
    return Team(members)


def _aware(at: datetime | None) -> datetime | None:
    """Aggregates (max) come back without the column's type on some backends: make them UTC again."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at
