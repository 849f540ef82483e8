"""The wins log: every time someone operated at the next level, with what, how and why it mattered.

Only the person whose win it is changes it; a confirmed manager may log one for a report (who is told,
and owns it from then on). Every change says where the win is shared (`growth.sharing`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import aggregate_order_by, array_agg
from sqlmodel import Session, select

from growth import sharing
from growth.errors import REPLAYED, GrowthError, NotAllowed
from growth.links import manages
from growth.notices import Notice, WinLoggedFor
from growth.ownership import owned
from growth.visibility import OWNER, Sight, Visibility, wins_seen
from storage.db import insert_or_none
from storage.models import Objective, Person, Win, WinCompetency

TEXT_LIMIT = 10_000  # kept whole; Slack surfaces show a shortened view with a way to see all
FIELD_LIMIT = 3_000
URL_LIMIT = 1_000


@dataclass(frozen=True)
class LoggedWin:
    win: Win
    competencies: tuple[str, ...]
    created: bool  # False when the same Slack request had already logged it
    logged_by: str | None = None  # the manager's name, when a manager logged it for the person


@dataclass(frozen=True)
class Details:
    text: str
    what: str | None = None
    how: str | None = None
    why: str | None = None
    evidence_url: str | None = None
    happened_on: date | None = None
    visibility: Visibility = Visibility.PRIVATE
    competencies: Sequence[str] = ()
    objective_id: int | None = None  # a roadmap objective of the person's


def clean(details: Details) -> Details:
    """Refuse what would lose or garble the win, with a sentence that says what to change."""
    text = details.text.strip()
    if not text:
        raise GrowthError("Say what happened, in a sentence or two.")
    if len(text) > TEXT_LIMIT:
        raise GrowthError(f"That is {len(text):,} characters; keep a win under {TEXT_LIMIT:,}.")
    fields = {}
    for name in ("what", "how", "why"):
        value = (getattr(details, name) or "").strip() or None
        if value is not None and len(value) > FIELD_LIMIT:
            raise GrowthError(f"Keep “{name}” under {FIELD_LIMIT:,} characters.")
        fields[name] = value
    url = (details.evidence_url or "").strip() or None
    if url is not None and (len(url) > URL_LIMIT or not url.startswith(("https://", "http://"))):
        raise GrowthError("The evidence link should be a web address starting with https://")
    return Details(
        text,
        fields["what"],
        fields["how"],
        fields["why"],
        url,
        details.happened_on,
        details.visibility,
        tuple(dict.fromkeys(details.competencies)),
        details.objective_id,
    )


def _objective(session: Session, person: Person, objective_id: int | None) -> int | None:
    """The objective a win serves, if it is one of the person's own."""
    if objective_id is None:
        return None
    elsewhere = "That roadmap objective is not on your roadmap any more. Choose another."
    owned(session, Objective, objective_id, person=person, gone=elsewhere, not_yours=elsewhere)
    return objective_id


def log_win(
    session: Session,
    *,
    person: Person,
    details: Details,
    source: str,
    request_key: str,
    today: date,
    now: datetime,
    logged_by: Person | None = None,
) -> LoggedWin:
    """Store a win at once. The same `request_key` (a Slack request, a modal) never stores it twice.

    `logged_by` is a manager logging it for `person` (`log_for` checks the link is confirmed). This only
    stores: `log` and `log_for` also say where the win is shared."""
    details = clean(details)
    assert person.id is not None
    win = insert_or_none(
        session,
        Win,
        {
            "team_id": person.team_id,
            "person_id": person.id,
            "text": details.text,
            "what": details.what,
            "how": details.how,
            "why": details.why,
            "evidence_url": details.evidence_url,
            "happened_on": details.happened_on or today,
            "visibility": details.visibility.value,
            "source": source,
            "request_key": request_key[:128],
            "logged_by_id": logged_by.id if logged_by is not None else None,
            "objective_id": _objective(session, person, details.objective_id),
            "created_at": now,
            "updated_at": now,
        },
        conflict=["team_id", "request_key"],
    )
    by = logged_by.display_name if logged_by is not None else None
    if win is None:  # the same request again: what it logged the first time
        win = session.exec(select(Win).where(Win.team_id == person.team_id, Win.request_key == request_key[:128])).one()
        if (win.person_id, win.logged_by_id) != (person.id, logged_by.id if logged_by else None):
            raise GrowthError(REPLAYED)  # someone else's request, replayed: nothing of theirs is shown
        return LoggedWin(win, competencies_of(session, win), created=False, logged_by=by)
    tagged = _set_competencies(session, win, details.competencies, fresh=True)
    return LoggedWin(win, tagged, created=True, logged_by=by)


@dataclass(frozen=True)
class Changed:
    """A win logged or changed, who hears of it, and a line for the person when something could not be
    posted (no growth channel)."""

    logged: LoggedWin
    notices: list[Notice] = field(default_factory=list)
    note: str | None = None


def _shared(session: Session, person: Person, logged: LoggedWin, *extra: Notice) -> Changed:
    shared = sharing.win_changed(session, person=person, logged=logged)
    return Changed(logged, [*extra, *shared.notices], shared.note)


def log(
    session: Session, *, person: Person, details: Details, source: str, request_key: str, today: date, now: datetime
) -> Changed:
    """Log a win of one's own; shared where its visibility says (a repeat of the same request: nothing)."""
    logged = log_win(
        session, person=person, details=details, source=source, request_key=request_key, today=today, now=now
    )
    return _shared(session, person, logged) if logged.created else Changed(logged)


def log_for(
    session: Session,
    *,
    manager: Person,
    report: Person,
    details: Details,
    source: str,
    request_key: str,
    today: date,
    now: datetime,
) -> Changed:
    """A confirmed manager logs a win for their report: marked as logged by the manager, the report is
    told, and it is the report's to edit or delete."""
    if not manages(session, manager=manager, report=report):
        name = report.display_name or "them"
        raise NotAllowed(f"You can log a win for {name} once you are their confirmed manager.")
    logged = log_win(
        session,
        person=report,
        details=details,
        source=source,
        request_key=request_key,
        today=today,
        now=now,
        logged_by=manager,
    )
    if not logged.created:
        return Changed(logged)
    return _shared(session, report, logged, WinLoggedFor(logged, report, manager))


def edit(session: Session, *, person: Person, win_id: int, details: Details, now: datetime) -> Changed:
    return _shared(session, person, edit_win(session, person=person, win_id=win_id, details=details, now=now))


def tag(session: Session, *, person: Person, win_id: int, competency_ids: Sequence[str], now: datetime) -> Changed:
    logged = tag_win(session, person=person, win_id=win_id, competency_ids=competency_ids, now=now)
    return _shared(session, person, logged)


def change_visibility(
    session: Session, *, person: Person, win_id: int, visibility: Visibility, now: datetime
) -> Changed:
    logged = set_visibility(session, person=person, win_id=win_id, visibility=visibility, now=now)
    return _shared(session, person, logged)


def delete(session: Session, *, person: Person, win_id: int) -> list[Notice]:
    """Remove a win from the log, every future packet and the growth channel."""
    delete_win(session, person=person, win_id=win_id)
    return sharing.win_deleted(person, win_id)


def own_win(session: Session, *, person: Person, win_id: int) -> Win:
    """The win, if it is this person's; nobody else can change someone's win."""
    gone, not_yours = "That win is gone: it was deleted.", "Only the person whose win it is can change it."
    return owned(session, Win, win_id, person=person, gone=gone, not_yours=not_yours)


def edit_win(session: Session, *, person: Person, win_id: int, details: Details, now: datetime) -> LoggedWin:
    win = own_win(session, person=person, win_id=win_id)
    details = clean(details)
    win.text, win.what, win.how, win.why = details.text, details.what, details.how, details.why
    win.evidence_url = details.evidence_url
    win.happened_on = details.happened_on or win.happened_on
    win.visibility, win.updated_at = details.visibility.value, now
    win.objective_id = _objective(session, person, details.objective_id)
    session.add(win)
    _set_competencies(session, win, details.competencies)
    return LoggedWin(win, competencies_of(session, win), created=False)


def tag_win(
    session: Session, *, person: Person, win_id: int, competency_ids: Sequence[str], now: datetime
) -> LoggedWin:
    """Add competencies to a win (keeping those it has)."""
    win = own_win(session, person=person, win_id=win_id)
    _set_competencies(session, win, [*competencies_of(session, win), *competency_ids])
    win.updated_at = now
    session.add(win)
    return LoggedWin(win, competencies_of(session, win), created=False)


def set_visibility(
    session: Session, *, person: Person, win_id: int, visibility: Visibility, now: datetime
) -> LoggedWin:
    """One statement changes the win and reads it back when it is the person's (the click that changes
    who sees a win is the most frequent change there is); when it is not, `own_win` says why."""
    values = {"win": win_id, "of_team": person.team_id, "of_person": person.id}
    on_postgres = session.get_bind().dialect.name == "postgresql"
    statement = _SET_VISIBILITY_READING_TAGS if on_postgres else _SET_VISIBILITY
    row = session.execute(statement, {**values, "visibility_to": visibility.value, "now": now}).first()
    if row is None:
        own_win(session, person=person, win_id=win_id)  # gone, or someone else's: raises
        raise AssertionError("unreachable: the win is the person's but was not changed")
    win = row[0]
    tags = tuple(row[1] or ()) if on_postgres else competencies_of(session, win)
    return LoggedWin(win, tags, created=False)


# The most frequent change, built once (a statement object keeps its compiled form and cache key). The
# win read back is the row as stored: no object in the session needs the change applied to it.
_SET_VISIBILITY = (
    sql_update(Win)
    .where(
        Win.id == bindparam("win"),  # type: ignore[arg-type]
        Win.team_id == bindparam("of_team"),  # type: ignore[arg-type]
        Win.person_id == bindparam("of_person"),  # type: ignore[arg-type]
    )
    .values(visibility=bindparam("visibility_to"), updated_at=bindparam("now"))
    .returning(Win)
    .execution_options(synchronize_session=False, populate_existing=True)
)
# On PostgreSQL, where each statement is a round trip that its server and ours both pay for under
# load, the same statement also reads back the win's competencies in the order they were tagged: a
# click costs a statement less. SQLite answers in process, and its aggregates take no ORDER BY before
# 3.44, so there `competencies_of` reads them.
_SET_VISIBILITY_READING_TAGS = _SET_VISIBILITY.returning(
    select(array_agg(aggregate_order_by(WinCompetency.competency_id, WinCompetency.id)))
    .where(WinCompetency.win_id == Win.id)
    .scalar_subquery()
)


def delete_win(session: Session, *, person: Person, win_id: int) -> None:
    """Remove a win from the log, and so from every future packet."""
    win = own_win(session, person=person, win_id=win_id)
    session.execute(sql_delete(WinCompetency).where(WinCompetency.win_id == win.id))  # type: ignore[arg-type]
    session.delete(win)


def competencies_of(session: Session, win: Win) -> tuple[str, ...]:
    return tuple(session.execute(_COMPETENCIES_OF, {"win_id": win.id}).scalars().all())


_COMPETENCIES_OF = (
    select(WinCompetency.competency_id)
    .where(WinCompetency.win_id == bindparam("win_id"))  # type: ignore[arg-type]
    .order_by(WinCompetency.id)  # type: ignore[arg-type]
)


def recent(session: Session, *, person: Person, limit: int = 5) -> list[LoggedWin]:
    wins = session.exec(
        select(Win)
        .where(Win.team_id == person.team_id, Win.person_id == person.id)
        .order_by(Win.happened_on.desc(), Win.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    tags = competencies_for(session, [win.id for win in wins if win.id is not None])
    return [LoggedWin(win, tuple(tags.get(win.id or 0, ())), created=False) for win in wins]


def _set_competencies(
    session: Session, win: Win, competency_ids: Sequence[str], *, fresh: bool = False
) -> tuple[str, ...]:
    """Make `competency_ids` the win's tags, in order; `fresh`: the win was stored just now, untagged.
    The tags, as `competencies_of` would read them."""
    assert win.id is not None
    wanted = tuple(dict.fromkeys(competency_id[:64] for competency_id in competency_ids if competency_id))
    if not fresh:
        session.execute(sql_delete(WinCompetency).where(WinCompetency.win_id == win.id))  # type: ignore[arg-type]
    for competency_id in wanted:
        session.add(WinCompetency(win_id=win.id, competency_id=competency_id))
    if wanted or not fresh:
        session.flush()
    return wanted


READINESS_WEEKS = 12


def readiness_weeks(today: date) -> list[tuple[int, int]]:
    """The window readiness is counted in: the last `READINESS_WEEKS` ISO weeks, this one included, oldest
    first. One rule for the App Home, its picture and the packet."""
    return [iso_week(today - timedelta(weeks=n)) for n in reversed(range(READINESS_WEEKS))]


def iso_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


@dataclass(frozen=True)
class Evidence:
    competency_id: str
    wins: int  # every win tagged with it
    weeks: int  # of the last READINESS_WEEKS, in how many a win showed it ("consistently" means most)
    per_week: tuple[int, ...] = ()  # wins in each week of the window, oldest first


def evidence(session: Session, *, person: Person, competency_ids: Sequence[str], today: date) -> list[Evidence]:
    """For each competency, how much evidence the log holds, and how steadily it came."""
    rows = session.exec(
        select(WinCompetency.competency_id, Win.happened_on)
        .join(Win, Win.id == WinCompetency.win_id)  # type: ignore[arg-type]
        .where(Win.team_id == person.team_id, Win.person_id == person.id)
    ).all()
    window = {week: index for index, week in enumerate(readiness_weeks(today))}
    counts: dict[str, int] = defaultdict(int)
    weekly: dict[str, list[int]] = defaultdict(lambda: [0] * READINESS_WEEKS)
    for competency_id, happened_on in rows:
        counts[competency_id] += 1
        index = window.get(iso_week(happened_on))
        if index is not None and happened_on <= today:
            weekly[competency_id][index] += 1
    found = []
    for cid in competency_ids:
        per_week = tuple(weekly[cid]) if cid in weekly else (0,) * READINESS_WEEKS
        found.append(Evidence(cid, counts.get(cid, 0), sum(1 for n in per_week if n), per_week))
    return found


def competencies_for(session: Session, win_ids: Sequence[int]) -> dict[int, list[str]]:
    """Every win's competencies in one query (a packet has thousands of wins)."""
    found: dict[int, list[str]] = defaultdict(list)
    if not win_ids:
        return found
    rows = session.exec(
        select(WinCompetency.win_id, WinCompetency.competency_id)
        .where(WinCompetency.win_id.in_(list(win_ids)))  # type: ignore[attr-defined]
        .order_by(WinCompetency.id)
    ).all()
    for win_id, competency_id in rows:
        found[win_id].append(competency_id)
    return found


def log_of(session: Session, *, person: Person, seen: Sight = OWNER) -> list[LoggedWin]:
    """The person's whole log, oldest first, as far as `seen` shows it."""
    query = select(Win).where(Win.team_id == person.team_id, Win.person_id == person.id, wins_seen(seen))
    wins = session.exec(query.order_by(Win.happened_on, Win.id)).all()  # type: ignore[arg-type]
    tags = competencies_for(session, [win.id for win in wins if win.id is not None])
    managers = {win.logged_by_id for win in wins if win.logged_by_id is not None}
    names: dict[int | None, str] = {}
    if managers:
        who = select(Person.id, Person.display_name).where(Person.id.in_(managers))  # type: ignore[union-attr]
        names = dict(session.exec(who).all())
    return [
        LoggedWin(win, tuple(tags.get(win.id or 0, ())), created=False, logged_by=names.get(win.logged_by_id))
        for win in wins
    ]
