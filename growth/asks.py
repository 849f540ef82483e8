"""Walk away with a win: a person brings a decision with their recommendation; their manager decides.

The rules:
- Only a person with a confirmed manager can ask; the ask goes to that manager.
- Only the ask's manager, while the link is still confirmed, decides: "Try it out", "Let's talk"
  (an optional note), or "Not this time" (a note is required: the person deserves the reason).
  The first decision stands; a later click changes nothing and is shown the decision.
- An open ask with a need-by date gets one reminder to the manager, the day before at 09:00 their time.
- An approved ask comes back to the person a week later (configurable) to ask how it went; the outcome
  can be logged as a win in one click, marked as walked away with a win.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from growth.errors import REPLAYED, GrowthError, NotAllowed
from growth.frameworks.model import Framework
from growth.levels import competency_names
from growth.links import manager_of, manages
from growth.notices import AskBrought, AskDecided, AskFollowUpDue, AskReminderDue, Notice
from growth.people import valid_time_zone
from growth.visibility import Visibility
from growth.vocabulary import win_vocabulary
from growth.wins import Changed, Details, log
from storage.db import insert_ignore
from storage.models import Ask, Person

TEXT_LIMIT = 3_000
NOTE_LIMIT = 2_000
FOLLOW_UP_AFTER = timedelta(days=7)
REMIND_HOUR = 9
WAWAW = "wawaw"  # the source of a win logged from an ask's outcome


class Door(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class Status(StrEnum):
    OPEN = "open"
    APPROVED = "approved"  # try it out
    TALK = "talk"  # let's talk
    DECLINED = "declined"  # not this time
    WITHDRAWN = "withdrawn"  # the person deleted their data: the ask stays, emptied, for the manager


DOOR_WORDS = {Door.YES: "yes, a two-way door", Door.NO: "no, a one-way door", Door.NOT_SURE: "not sure"}
WITHDRAWN_NOTE = "This ask was withdrawn: the person who brought it deleted their Trellis data."
NO_MANAGER = "You have no confirmed manager in Trellis yet. `/trellis manager @name` asks them to confirm; then ask."


class AskInvalid(GrowthError):
    """A field of the ask form needs changing; `field` names it (decision, recommendation, …)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Draft:
    decision: str
    recommendation: str
    two_way: Door = Door.NOT_SURE
    options: str = ""
    needed_by: date | None = None
    competency_id: str | None = None


def clean(draft: Draft, *, today: date) -> Draft:
    decision, recommendation, options = draft.decision.strip(), draft.recommendation.strip(), draft.options.strip()
    if not decision:
        raise AskInvalid("decision", "Say what needs deciding.")
    if not recommendation:
        raise AskInvalid("recommendation", "Bring your recommendation: what you would do, and why.")
    for name, value in (("decision", decision), ("options", options), ("recommendation", recommendation)):
        if len(value) > TEXT_LIMIT:
            raise AskInvalid(name, f"That is {len(value):,} characters; keep it under {TEXT_LIMIT:,}.")
    if draft.needed_by is not None and draft.needed_by < today:
        raise AskInvalid("needed_by", "That date has passed. When do you need the decision?")
    return Draft(decision, recommendation, draft.two_way, options, draft.needed_by, draft.competency_id)


@dataclass(frozen=True)
class AskForm:
    manager: Person  # who the ask will go to
    competencies: list[tuple[str, str]]  # (id, name) of the target level's, to say which one it exercises


def form(session: Session, *, person: Person, defaults: tuple[Framework, ...], now: datetime) -> AskForm:
    """What `/trellis ask` offers; refused without a confirmed manager (it says how to get one)."""
    manager = manager_of(session, report=person)
    if manager is None:
        raise NotAllowed(NO_MANAGER)
    vocabulary = win_vocabulary(session, person=person, defaults=defaults, now=now)
    return AskForm(manager, [(competency.id, competency.name) for competency, _ in vocabulary.offered])


@dataclass(frozen=True)
class Brought:
    ask: Ask
    manager: Person
    created: bool  # False: the same modal was submitted again, and asked once
    notices: list[Notice] = field(default_factory=list)


def bring(
    session: Session,
    *,
    person: Person,
    draft: Draft,
    request_key: str,
    defaults: tuple[Framework, ...],
    today: date,
    now: datetime,
) -> Brought:
    """The ask goes to the person's confirmed manager at once, and is reminded once the day before it is
    needed (if it is still open then)."""
    ask, manager, created = create(session, person=person, draft=draft, request_key=request_key, today=today, now=now)
    if not created:
        return Brought(ask, manager, created=False)
    found = Parties(ask, person, manager)
    notices: list[Notice] = [AskBrought(found, competency_name(session, ask=ask, defaults=defaults, now=now))]
    remind = reminder_at(ask, manager, now)
    if remind is not None:
        notices.append(AskReminderDue(found, remind))
    return Brought(ask, manager, created=True, notices=notices)


def create(
    session: Session, *, person: Person, draft: Draft, request_key: str, today: date, now: datetime
) -> tuple[Ask, Person, bool]:
    """The ask, to the person's confirmed manager. The same modal submitted twice asks once."""
    manager = manager_of(session, report=person)
    if manager is None:
        raise NotAllowed(NO_MANAGER)
    draft = clean(draft, today=today)
    created = insert_ignore(
        session,
        Ask.__table__,  # type: ignore[arg-type]
        {
            "team_id": person.team_id,
            "person_id": person.id,
            "manager_id": manager.id,
            "decision": draft.decision,
            "options": draft.options or None,
            "recommendation": draft.recommendation,
            "two_way": draft.two_way.value,
            "needed_by": draft.needed_by,
            "competency_id": draft.competency_id,
            "status": Status.OPEN.value,
            "request_key": request_key[:128],
            "created_at": now,
            "updated_at": now,
        },
        conflict=["team_id", "request_key"],
    )
    ask = session.exec(select(Ask).where(Ask.team_id == person.team_id, Ask.request_key == request_key[:128])).one()
    if ask.person_id != person.id:
        raise GrowthError(REPLAYED)  # someone else's form, replayed: nothing of theirs is shown
    return ask, manager, created


def reminder_at(ask: Ask, manager: Person, now: datetime) -> datetime | None:
    """09:00 the day before the need-by date, where the manager is; None when that is not ahead of us."""
    if ask.needed_by is None:
        return None
    zone = ZoneInfo(valid_time_zone(manager.tz) or "UTC")
    at = datetime.combine(ask.needed_by - timedelta(days=1), time(REMIND_HOUR), tzinfo=zone).astimezone(UTC)
    return at if at > now + timedelta(hours=1) else None


@dataclass(frozen=True)
class Parties:
    ask: Ask
    person: Person  # who asked
    manager: Person


def parties(session: Session, *, team_id: str, ask_id: int) -> Parties:
    ask = session.get(Ask, ask_id)
    if ask is None or ask.team_id != team_id:
        raise GrowthError("That ask is gone.")
    person, manager = session.get(Person, ask.person_id), session.get(Person, ask.manager_id)
    assert person is not None and manager is not None
    return Parties(ask, person, manager)


@dataclass(frozen=True)
class Decision:
    parties: Parties
    changed: bool  # False: it was decided before (a second click, an old message)
    notices: list[Notice] = field(default_factory=list)


def decide(
    session: Session,
    *,
    ask_id: int,
    manager: Person,
    verdict: Status,
    note: str,
    now: datetime,
    follow_up_after: timedelta = FOLLOW_UP_AFTER,
) -> Decision:
    """The manager's decision, which the person hears at once; after "Try it out" they are asked how it
    went `follow_up_after` later. The first decision stands."""
    found = parties(session, team_id=manager.team_id, ask_id=ask_id)
    if found.ask.status == Status.WITHDRAWN:
        raise GrowthError(WITHDRAWN_NOTE)
    may_decide(session, found, manager)
    if found.ask.status != Status.OPEN:
        return Decision(found, changed=False)
    note = note.strip()
    if verdict is Status.DECLINED and not note:
        raise AskInvalid("note", "Say why not this time: the reason is what they learn from.")
    if len(note) > NOTE_LIMIT:
        raise AskInvalid("note", f"Keep the note under {NOTE_LIMIT:,} characters.")
    ask = found.ask
    ask.status, ask.note, ask.decided_at, ask.updated_at = verdict.value, note or None, now, now
    session.add(ask)
    notices: list[Notice] = [AskDecided(found)]
    if verdict is Status.APPROVED:
        notices.append(AskFollowUpDue(found, now + follow_up_after))
    return Decision(found, changed=True, notices=notices)


def may_decide(session: Session, found: Parties, who: Person) -> None:
    """Only the ask's manager, while still confirmed as the person's manager."""
    if found.ask.manager_id != who.id or not manages(session, manager=who, report=found.person):
        raise NotAllowed(f"Only {found.person.display_name or 'their'}'s confirmed manager can decide this ask.")


def log_outcome(session: Session, *, person: Person, ask_id: int, today: date, now: datetime) -> Changed:
    """One click: the approved ask's outcome becomes a win, marked as walked away with a win, and shared
    with the manager (and the mentors who see shared wins)."""
    found = parties(session, team_id=person.team_id, ask_id=ask_id)
    if found.ask.person_id != person.id:
        raise NotAllowed("Only the person who brought the ask can log its outcome.")
    if found.ask.status != Status.APPROVED:
        raise GrowthError("Only an ask your manager said to try out can become a win.")
    ask = found.ask
    text = f"Walked away with a win: {ask.decision}. I recommended: {ask.recommendation}"
    changed = log(
        session,
        person=person,
        details=Details(
            text=text[:10_000],
            what=ask.decision[:3000],
            how=ask.recommendation[:3000],
            visibility=Visibility.SHARED,
            competencies=[ask.competency_id] if ask.competency_id else [],
        ),
        source=WAWAW,
        request_key=f"ask:{ask.id}",
        today=today,
        now=now,
    )
    ask.outcome_win_id, ask.updated_at = changed.logged.win.id, now
    session.add(ask)
    return changed


def reminder_wanted(ask: Ask) -> bool:
    """The reminder is sent only if the ask is still waiting for a decision when it is due."""
    return ask.status == Status.OPEN


def follow_up_wanted(ask: Ask) -> bool:
    """ "How did it go?" is asked only of an ask tried out whose outcome is not logged yet."""
    return ask.status == Status.APPROVED and ask.outcome_win_id is None


def open_asks(session: Session, *, person_ids: Sequence[int | None]) -> dict[int, list[Ask]]:
    """Undecided asks per person, oldest first (one query)."""
    found: dict[int, list[Ask]] = defaultdict(list)
    if not person_ids:
        return found
    rows = session.exec(
        select(Ask)
        .where(Ask.person_id.in_(list(person_ids)), Ask.status == Status.OPEN.value)  # type: ignore[attr-defined]
        .order_by(Ask.created_at, Ask.id)  # type: ignore[arg-type]
    ).all()
    for ask in rows:
        found[ask.person_id].append(ask)
    return found


def competency_name(session: Session, *, ask: Ask, defaults: tuple[Framework, ...], now: datetime) -> str | None:
    """The name of the competency the ask exercises, as the workspace's frameworks call it."""
    if not ask.competency_id:
        return None
    names = competency_names(session, team_id=ask.team_id, defaults=defaults, now=now)
    return names.get(ask.competency_id, ask.competency_id)
