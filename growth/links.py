"""Manager links: asked by the report, confirmed by the manager (or set by a workspace admin).

Only a confirmed link lets a manager see a report's shared wins, ask for their packet, or log a win for
them. A person has at most one confirmed manager: confirming a new one ends the old link. A report can
end the link at any time. The life cycle (asked, answered once, ended) is `growth.relationships`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from growth import relationships
from growth.errors import GrowthError, NotAllowed
from growth.notices import Asked, Ended, LinkRemoved, LinkSet, Notice
from growth.relationships import Answer, Status
from storage.models import ManagerLink, Person

__all__ = ["Link", "Status", "admin_set", "answer", "ask", "end", "manager_of", "manages", "reports_of"]


@dataclass(frozen=True)
class Link:
    id: int
    report: Person
    manager: Person
    status: Status


@dataclass(frozen=True)
class Changed:
    link: Link
    notices: list[Notice] = field(default_factory=list)


def _link(session: Session, row: ManagerLink) -> Link:
    report, manager = session.get(Person, row.report_id), session.get(Person, row.manager_id)
    assert report is not None and manager is not None and row.id is not None
    return Link(row.id, report, manager, Status(row.status))


def confirmed_row(session: Session, *, report: Person) -> ManagerLink | None:
    return session.exec(
        select(ManagerLink).where(
            ManagerLink.team_id == report.team_id,
            ManagerLink.report_id == report.id,
            ManagerLink.status == Status.CONFIRMED.value,
        )
    ).first()


def manager_of(session: Session, *, report: Person) -> Person | None:
    row = confirmed_row(session, report=report)
    return session.get(Person, row.manager_id) if row is not None else None


def reports_of(session: Session, *, manager: Person) -> list[Person]:
    rows = session.exec(
        select(Person)
        .join(ManagerLink, ManagerLink.report_id == Person.id)  # type: ignore[arg-type]
        .where(
            ManagerLink.team_id == manager.team_id,
            ManagerLink.manager_id == manager.id,
            ManagerLink.status == Status.CONFIRMED.value,
        )
        .order_by(Person.display_name, Person.id)
    ).all()
    return list(rows)


def manages(session: Session, *, manager: Person, report: Person) -> bool:
    row = confirmed_row(session, report=report)
    return row is not None and row.manager_id == manager.id and report.team_id == manager.team_id


def ask(session: Session, *, report: Person, manager: Person, now: datetime) -> Changed:
    """The report asks `manager` to confirm. Asking again while it is pending is the same request (its DM
    is not sent twice)."""
    relationships.check_asking(
        report, manager, yourself="You can't be your own manager. Mention the person you report to."
    )
    current = confirmed_row(session, report=report)
    if current is not None and current.manager_id == manager.id:
        raise GrowthError(f"{manager.display_name or 'They'} is already your confirmed manager.")
    pending = session.exec(
        select(ManagerLink).where(
            ManagerLink.team_id == report.team_id,
            ManagerLink.report_id == report.id,
            ManagerLink.manager_id == manager.id,
            ManagerLink.status == Status.PENDING.value,
        )
    ).first()
    if pending is None:
        assert report.id is not None and manager.id is not None
        pending = ManagerLink(
            team_id=report.team_id,
            report_id=report.id,
            manager_id=manager.id,
            status=Status.PENDING.value,
            requested_by_id=report.id,
            created_at=now,
        )
        session.add(pending)
        session.flush()
    link = _link(session, pending)
    return Changed(link, [Asked(link)])


def answer(session: Session, *, link_id: int, who: Person, confirm: bool, now: datetime) -> Answer:
    """The asked manager (`who`) confirms or declines; the report hears of it (once: a second click
    changes nothing)."""
    row = session.get(ManagerLink, link_id)
    if row is None or row.team_id != who.team_id:
        raise GrowthError("That request is gone.")
    if row.manager_id == who.id and row.status == Status.PENDING and confirm:
        _end_current(session, report_id=row.report_id, team_id=row.team_id, now=now)
    changed = relationships.decide(row, asked_id=row.manager_id, who=who, confirm=confirm, now=now)
    session.add(row)
    session.flush()
    return Answer.of(_link(session, row), changed)


def end(session: Session, *, report: Person, now: datetime) -> Changed:
    """The report ends the link to their confirmed manager, who is told."""
    row = confirmed_row(session, report=report)
    if row is None:
        raise GrowthError("You have no confirmed manager in Trellis.")
    relationships.close(row, now=now)
    session.add(row)
    session.flush()
    link = _link(session, row)
    return Changed(link, [Ended(link, told=link.manager)])


def admin_set(
    session: Session, *, admin: Person, report: Person, manager: Person | None, now: datetime
) -> Changed | None:
    """A workspace admin sets (or, with no manager, removes) a report's manager directly; both hear of it."""
    if not admin.is_admin:
        raise NotAllowed("Only a workspace admin can set someone else's manager.")
    if manager is not None and manager.id == report.id:
        raise GrowthError("Nobody can be their own manager.")
    _end_current(session, report_id=report.id, team_id=report.team_id, now=now)
    if manager is None:
        return None
    assert report.id is not None and manager.id is not None and admin.id is not None
    row = ManagerLink(
        team_id=report.team_id,
        report_id=report.id,
        manager_id=manager.id,
        status=Status.CONFIRMED.value,
        requested_by_id=admin.id,
        created_at=now,
        decided_at=now,
    )
    session.add(row)
    session.flush()
    link = _link(session, row)
    return Changed(link, [LinkSet(link)])


def admin_remove(session: Session, *, admin: Person, report: Person, now: datetime) -> list[Notice]:
    """A workspace admin removes a report's manager link; the report is told."""
    admin_set(session, admin=admin, report=report, manager=None, now=now)
    return [LinkRemoved(report)]


def _end_current(session: Session, *, report_id: int | None, team_id: str, now: datetime) -> None:
    for row in session.exec(
        select(ManagerLink).where(
            ManagerLink.team_id == team_id,
            ManagerLink.report_id == report_id,
            ManagerLink.status == Status.CONFIRMED.value,
        )
    ).all():
        relationships.close(row, now=now)
        session.add(row)
