"""The managers' weekly digest: for each confirmed report, only what they shared, and who went quiet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from growth.asks import open_asks
from growth.checkins.weeks import DIGEST_HOUR, DIGEST_WEEKDAY, QUIET_WEEKS, Status, monday_of_week, slot, zone_of
from growth.feedback import Waiting, waiting_for
from growth.links import reports_of
from growth.visibility import MANAGER, entries_seen, wins_seen
from storage.models import Ask, Checkin, Person, Win


@dataclass(frozen=True)
class ReportWeek:
    person: Person
    entries: list[Checkin]  # not private, answered in the period
    wins: list[Win]  # shared or public, in the period
    quiet_weeks: int  # whole weeks since their last entry or win (0: not quiet)
    open_asks: list[Ask] = field(default_factory=list)  # waiting for the manager's decision


def digest_since(manager: Person, week: str) -> datetime:
    """Where the digest of `week` starts: the previous digest's moment, so no entry falls between two."""
    return slot(zone_of(manager), monday_of_week(week) - timedelta(days=7), DIGEST_WEEKDAY, DIGEST_HOUR)


def digest(session: Session, *, manager: Person, now: datetime, since: datetime | None = None) -> list[ReportWeek]:
    """What each confirmed report shared since `since` (default: a week ago), in a fixed number of queries."""
    reports = [report for report in reports_of(session, manager=manager) if not report.deleted]
    ids = [report.id for report in reports]
    if not ids:
        return []
    since = since or now - timedelta(days=7)
    entries: dict[int, list[Checkin]] = defaultdict(list)
    for row in session.exec(
        select(Checkin)
        .where(
            Checkin.person_id.in_(ids),  # type: ignore[attr-defined]
            Checkin.status == Status.ANSWERED.value,
            entries_seen(MANAGER),
            Checkin.answered_at >= since,  # type: ignore[operator]
        )
        .order_by(Checkin.week)
    ).all():
        entries[row.person_id].append(row)
    wins: dict[int, list[Win]] = defaultdict(list)
    for win in session.exec(
        select(Win)
        .where(
            Win.person_id.in_(ids),  # type: ignore[attr-defined]
            wins_seen(MANAGER),
            Win.created_at >= since,  # type: ignore[operator]
        )
        .order_by(Win.happened_on, Win.id)  # type: ignore[arg-type]
    ).all():
        wins[win.person_id].append(win)
    last = last_activity(session, ids)
    waiting = open_asks(session, person_ids=ids)
    result = []
    for report in reports:
        seen = last.get(report.id or 0) or report.created_at
        quiet = (now - seen).days // 7
        result.append(
            ReportWeek(
                report,
                entries[report.id or 0],
                wins[report.id or 0],
                quiet if quiet >= QUIET_WEEKS else 0,
                [ask for ask in waiting[report.id or 0] if ask.manager_id == manager.id],
            )
        )
    return result


def last_activity(session: Session, ids: Sequence[int | None]) -> dict[int, datetime]:
    """For each person, the latest of their last entry and their last win."""
    last: dict[int, datetime] = {}
    entry_rows = session.exec(
        select(Checkin.person_id, func.max(Checkin.answered_at))
        .where(Checkin.person_id.in_(ids))  # type: ignore[attr-defined]
        .group_by(Checkin.person_id)
    ).all()
    win_rows = session.exec(
        select(Win.person_id, func.max(Win.created_at)).where(Win.person_id.in_(ids)).group_by(Win.person_id)  # type: ignore[attr-defined]
    ).all()
    for person_id, when in [*entry_rows, *win_rows]:
        if when is None:
            continue
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        last[person_id] = max(last.get(person_id, when), when)
    return last


@dataclass(frozen=True)
class Digest:
    reports: list[ReportWeek]
    feedback: list[Waiting]  # feedback rounds asking for the manager's own answer, not given yet


def digest_of(session: Session, *, manager: Person, now: datetime, since: datetime | None = None) -> Digest:
    """The whole digest: the reports' week, and the feedback the manager still owes."""
    waiting = waiting_for(session, responder_ids=[manager.id])[manager.id or 0]
    return Digest(digest(session, manager=manager, now=now, since=since), waiting)
