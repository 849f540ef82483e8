"""Building the packet from the log, as far as its reader may see it.

A person asks for their own packet; their confirmed manager may ask for it too, and sees only what the
person shared with them (`growth.visibility`). Nobody else can. The log is read once, newest first, in
batches: each win is placed under the competencies it is tagged with, else under the one Trellis
suggests for its words (marked "suggested"), else under "Other wins". Each section lists its newest
wins in full and counts the rest, so a log of any length makes a packet of bounded size and memory.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from growth.asks import WAWAW
from growth.asks import Status as AskStatus
from growth.assessments import latest
from growth.errors import NotAllowed
from growth.feedback import Choice, Summary, closed_rounds, quotes
from growth.frameworks.catalogue import Catalogue
from growth.frameworks.model import Framework
from growth.gaps import Delta
from growth.levels import Position, names_in, position, workspace_catalogue
from growth.notices import Notice, PacketRequested
from growth.packet.model import (
    QUOTES_PER_SECTION,
    SHOWN_PER_SECTION,
    Gap,
    Objective,
    Packet,
    PacketWin,
    Readiness,
    Section,
    WalkedAway,
)
from growth.roadmap import LABELS, Status, objectives
from growth.suggest import Suggester
from growth.visibility import OWNER, Role, Sight, sight, wins_seen
from growth.vocabulary import suggestion_levels
from growth.wins import READINESS_WEEKS, iso_week, log_of, readiness_weeks
from storage.models import Ask, Assessment, Person, Win, WinCompetency

BATCH = 1_000  # wins read at a time
SUGGEST_FROM = 2_000  # characters of a win its suggestion reads: the start says what it was about


@dataclass(frozen=True)
class Requested:
    seen: Sight  # what the packet will show: everything, or what is shared with the manager
    notices: list[Notice]
    missing_level: str | None = None  # the packet still comes, without a target to hold the wins against


def request(
    session: Session, *, viewer: Person, subject: Person, defaults: tuple[Framework, ...], now: datetime, request: str
) -> Requested:
    """`viewer` asks for `subject`'s packet (their own, or a report's): it goes to the viewer's DM."""
    seen = audience(session, viewer=viewer, subject=subject)
    cat, _ = workspace_catalogue(session, subject.team_id, defaults, now)
    missing = missing_level(subject, cat) if position(subject, cat) is None else None
    return Requested(seen, [PacketRequested(subject, viewer, seen, request)], missing)


def audience(session: Session, *, viewer: Person, subject: Person) -> Sight:
    """What `viewer` may see in `subject`'s packet: all of it (their own), or what was shared with the
    confirmed manager. Asked again just before the files go: a link may have ended meanwhile."""
    seen = sight(session, viewer=viewer, person=subject)
    if seen.role not in (Role.OWNER, Role.MANAGER):
        name = subject.display_name or "them"
        raise NotAllowed(f"Only {name}'s confirmed manager can ask for {name}'s packet.")
    return seen


def missing_level(person: Person, cat: Catalogue) -> str:
    """Which level is missing, said plainly, for a packet that cannot be held against a target."""
    name = person.display_name or "This person"
    if not person.level_ref:
        return f"{name} has not set a current level yet (`/trellis level`)."
    if cat.resolve(person.level_ref) is None:
        return f"{name}'s level {person.level_ref} is no longer in the workspace's frameworks: set it again."
    if not person.target_ref:
        return f"{name} has not chosen a target level yet (`/trellis level`)."
    return f"{name}'s target level {person.target_ref} is no longer in the workspace's frameworks: choose it again."


@dataclass
class _Place:
    """What the log says about one competency while it is read."""

    shown: list[int] = field(default_factory=list)  # win ids listed in full
    suggested_ids: set[int] = field(default_factory=set)
    more: int = 0
    tagged: int = 0
    suggested: int = 0
    per_week: list[int] = field(default_factory=lambda: [0] * READINESS_WEEKS)
    suggested_weeks: set[int] = field(default_factory=set)

    def add(self, win_id: int, week: int | None, *, suggested: bool, listed: bool) -> None:
        if suggested:
            self.suggested += 1
            if week is not None:
                self.suggested_weeks.add(week)
        else:
            self.tagged += 1
            if week is not None:
                self.per_week[week] += 1
        if not listed:
            return
        if len(self.shown) < SHOWN_PER_SECTION:
            self.shown.append(win_id)
            if suggested:
                self.suggested_ids.add(win_id)
        else:
            self.more += 1

    def readiness(self) -> Readiness:
        tagged_weeks = {index for index, count in enumerate(self.per_week) if count}
        return Readiness(
            weeks=len(tagged_weeks),
            wins=self.tagged,
            suggested_weeks=len(tagged_weeks | self.suggested_weeks),
            suggested=self.suggested,
            per_week=tuple(self.per_week),
        )


def build_packet(
    session: Session,
    *,
    person: Person,
    defaults: tuple[Framework, ...],
    now: datetime,
    today: date,
    seen: Sight = OWNER,
    viewer: Person | None = None,
) -> Packet:
    """Everything the log proves about the target level, as far as `seen` shows it (to `viewer`, when
    it is not the person's own: the feedback and asks they were part of)."""
    cat, stored = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    name = person.display_name or person.slack_user_id
    expected = where.target.framework.expectations_at(where.target.level.id) if where else []
    ids = [competency.id for competency, _ in expected]
    suggester = Suggester(where.target.framework, suggestion_levels(where)) if where else None
    asks = _walked_away(session, person=person, seen=seen, viewer=viewer)
    outcomes = {ask.outcome_win_id: ask for ask in asks if ask.outcome_win_id is not None}
    window = {week: index for index, week in enumerate(readiness_weeks(today))}
    places = {cid: _Place() for cid in ids}
    other, placed_outcomes = _Place(), {}  # an ask's outcome win: (its competency, suggested)
    first = last = None
    total = 0
    tags = _tags(session, person=person, seen=seen)
    for win_id, happened_on, head in _log(session, person=person, seen=seen):
        total += 1
        first, last = happened_on, last or happened_on  # newest first: the first row read is the latest
        week = window.get(iso_week(happened_on)) if happened_on <= today else None
        tagged = [cid for cid in tags.get(win_id, ()) if cid in places]
        listed = win_id not in outcomes  # an ask's outcome is shown with its ask
        if tagged:
            for cid in tagged:
                places[cid].add(win_id, week, suggested=False, listed=listed)
            if not listed:
                placed_outcomes[win_id] = (tagged[0], False)
            continue
        guess = _suggestion(suggester, head, places)
        if guess is not None:
            places[guess].add(win_id, week, suggested=True, listed=listed)
            if not listed:
                placed_outcomes[win_id] = (guess, True)
        else:
            other.add(win_id, None, suggested=False, listed=listed)
    shown_ids = [win_id for place in (*places.values(), other) for win_id in place.shown] + list(outcomes)
    wins = _wins(session, person=person, win_ids=shown_ids, suggested=_suggested_ids(places))
    said = quotes(summaries := closed_rounds(session, person=person, seen=seen, viewer=viewer))
    spreads = _spreads(summaries, where.target.level.id if where else None)
    recent = latest(session, person=person)
    if where is None or recent is None or recent.delta.target_level != where.target.level.id:
        recent = None
    rated = {gap.competency.id: gap.rated for gap in recent.delta.gaps} if recent else {}
    ask_places: dict[str, list[WalkedAway]] = defaultdict(list)
    other_asks: list[WalkedAway] = []
    for ask in asks:
        home, suggested = _ask_place(ask, placed_outcomes, suggester, places)
        walked = WalkedAway(
            ask.decision,
            ask.recommendation,
            ask.decided_at.date() if ask.decided_at else None,
            wins.get(ask.outcome_win_id or 0),
            suggested,
        )
        (ask_places[home] if home else other_asks).append(walked)
    sections = []
    for competency, expectation in expected:
        place = places[competency.id]
        readiness = place.readiness()
        feedback = spreads.get(competency.id, {})
        sections.append(
            Section(
                competency_id=competency.id,
                competency=competency.name,
                expectation=expectation.text,
                expected=expectation.mastery,
                readiness=readiness,
                wins=[wins[win_id] for win_id in place.shown if win_id in wins],
                more=place.more,
                asks=ask_places.get(competency.id, []),
                quotes=said.get(competency.id, [])[:QUOTES_PER_SECTION],
                self_rated=rated.get(competency.id),
                feedback=feedback,
                missing=_missing(name, readiness, expectation.mastery, rated.get(competency.id), feedback, where),
            )
        )
    assessed_on = None
    if recent is not None:
        made = session.get(Assessment, recent.assessment_id)
        assessed_on = made.created_at.date() if made is not None else None
    version = stored[where.target.framework.name] if where else None
    return Packet(
        person=name,
        made_on=today,
        level=f"{where.level.id} · {where.level.title}" if where else None,
        target=f"{where.target.level.id} · {where.target.level.title}" if where else None,
        target_id=where.target.level.id if where else None,
        framework=f"{version.framework.title} {version.framework.version} (revision {version.revision})"
        if version
        else None,
        missing_level=None if where else missing_level(person, cat),
        scale=where.target.framework.scale if where else (),
        sections=sections,
        gaps=_largest(sections, recent.delta if recent else None, name),
        assessed_on=assessed_on,
        other=[wins[win_id] for win_id in other.shown if win_id in wins],
        other_more=other.more,
        other_asks=other_asks,
        roadmap=_roadmap(session, person=person, cat=cat) if seen.roadmap else [],
        period=(first, last) if first and last else None,
        wins_in_all=total,
        audience=None if seen.own else _audience_line(viewer, name),
    )


def _audience_line(viewer: Person | None, name: str) -> str:
    who = (viewer.display_name if viewer else None) or "their manager"
    return f"Prepared for {who}, {name}'s confirmed manager: the wins {name} shared, and public ones."


def _log(session: Session, *, person: Person, seen: Sight) -> Iterator[tuple[int, date, str]]:
    """(id, date, the start of its text) of every win `seen` shows, newest first, read in batches."""
    query = (
        select(Win.id, Win.happened_on, func.substr(Win.text, 1, SUGGEST_FROM))
        .where(Win.team_id == person.team_id, Win.person_id == person.id, wins_seen(seen))
        .order_by(Win.happened_on.desc(), Win.id.desc())  # type: ignore[attr-defined]
        .execution_options(yield_per=BATCH)
    )
    for win_id, happened_on, head in session.execute(query):
        yield win_id, happened_on, head or ""


def _tags(session: Session, *, person: Person, seen: Sight) -> dict[int, list[str]]:
    """Every shown win's competencies, in one query."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(WinCompetency.win_id, WinCompetency.competency_id)
        .join(Win, Win.id == WinCompetency.win_id)  # type: ignore[arg-type]
        .where(Win.team_id == person.team_id, Win.person_id == person.id, wins_seen(seen))
        .order_by(WinCompetency.id)  # type: ignore[arg-type]
    )
    for win_id, competency_id in rows:
        found[win_id].append(competency_id)
    return found


def _suggestion(suggester: Suggester | None, text: str, places: dict[str, _Place]) -> str | None:
    """The competency of the target level Trellis suggests for `text`, if any."""
    if suggester is None:
        return None
    return next((s.competency.id for s in suggester(text) if s.competency.id in places), None)


def _suggested_ids(places: dict[str, _Place]) -> set[int]:
    return {win_id for place in places.values() for win_id in place.suggested_ids}


def _wins(session: Session, *, person: Person, win_ids: Sequence[int], suggested: set[int]) -> dict[int, PacketWin]:
    """The wins listed in full (a few hundred at most), with who logged them."""
    if not win_ids:
        return {}
    rows = session.exec(
        select(Win).where(Win.team_id == person.team_id, Win.id.in_(list(set(win_ids))))  # type: ignore[union-attr]
    ).all()
    managers = {win.logged_by_id for win in rows if win.logged_by_id is not None}
    names: dict[int | None, str] = {}
    if managers:
        who = select(Person.id, Person.display_name).where(Person.id.in_(managers))  # type: ignore[union-attr]
        names = dict(session.exec(who).all())
    return {
        win.id: PacketWin(
            happened_on=win.happened_on,
            text=win.text,
            what=win.what,
            how=win.how,
            why=win.why,
            evidence_url=win.evidence_url,
            logged_by=names.get(win.logged_by_id),
            suggested=win.id in suggested,
            walked_away=win.source == WAWAW,
        )
        for win in rows
        if win.id is not None
    }


def _walked_away(session: Session, *, person: Person, seen: Sight, viewer: Person | None) -> list[Ask]:
    """The asks the manager said to try out: all of the person's own; for a manager, those they decided."""
    approved = Ask.status == AskStatus.APPROVED.value
    query = select(Ask).where(Ask.team_id == person.team_id, Ask.person_id == person.id, approved)
    if not seen.own:
        query = query.where(Ask.manager_id == (viewer.id if viewer is not None else -1))
    return list(session.exec(query.order_by(Ask.decided_at.desc(), Ask.id.desc())).all())  # type: ignore[union-attr]


def _ask_place(
    ask: Ask, placed: dict[int, tuple[str, bool]], suggester: Suggester | None, places: dict[str, _Place]
) -> tuple[str | None, bool]:
    """Where an ask goes: the competency it exercises, else its outcome's, else the one its words suggest."""
    if ask.competency_id in places:
        return ask.competency_id, False
    if ask.outcome_win_id in placed:
        return placed[ask.outcome_win_id]
    guess = _suggestion(suggester, f"{ask.decision} {ask.recommendation}", places)
    return (guess, True) if guess else (None, False)


def _spreads(summaries: list[Summary], level_id: str | None) -> dict[str, dict[Choice, int]]:
    """Per competency, the peers' answers of every round against the target level that may be shown."""
    found: dict[str, dict[Choice, int]] = defaultdict(lambda: dict.fromkeys(Choice, 0))
    for made in summaries:
        if not made.released or made.level.id != level_id:
            continue
        for result in made.competencies:
            for choice, count in (result.spread or {}).items():
                found[result.competency_id][choice] += count
    return {cid: spread for cid, spread in found.items() if any(spread.values())}


def _missing(
    name: str,
    readiness: Readiness,
    expected: int,
    rated: int | None,
    feedback: dict[Choice, int],
    where: Position | None,
) -> list[str]:
    """What a committee would still ask for, in plain sentences."""
    said = []
    if not readiness.wins and not readiness.suggested:
        said.append("No evidence yet: no win shows this competency.")
    elif not readiness.wins:
        said.append(f"Only suggested wins: {name} has not confirmed any as showing this competency.")
    elif not readiness.steady:
        said.append(
            f"Steady evidence: wins in {readiness.weeks} of the last {READINESS_WEEKS} weeks; "
            "consistently means most weeks."
        )
    if rated is not None and rated < expected and where is not None:
        steps = expected - rated
        said.append(
            f"By {name}'s own assessment, {steps} step{'s' if steps > 1 else ''} short of what "
            f"{where.target.level.id} expects."
        )
    answered = sum(count for choice, count in feedback.items() if choice is not Choice.NOT_SEEN)
    if not answered:
        said.append("No feedback on it yet from the people who see the work.")
    elif feedback.get(Choice.NOT_YET):
        said.append(f"Feedback: {feedback[Choice.NOT_YET]} of {answered} who answered said “not yet”.")
    return said


def _largest(sections: list[Section], delta: Delta | None, name: str) -> list[Gap]:
    """The three largest gaps: by the self-assessment when there is one, else by the evidence."""
    if delta is not None:
        by_id = {section.competency_id: section for section in sections}
        found = []
        for gap in delta.largest:
            section = by_id.get(gap.competency.id)
            evidence = f"; wins in {section.readiness.weeks} of the last {READINESS_WEEKS} weeks" if section else ""
            steps = f"{gap.delta} step{'s' if gap.delta > 1 else ''}"
            found.append(Gap(gap.competency.name, f"{steps} short by {name}'s self-assessment{evidence}"))
        return found
    thin = sorted(
        (section for section in sections if not section.readiness.steady),
        key=lambda section: (section.readiness.weeks, section.readiness.wins),
    )
    return [
        Gap(
            section.competency,
            f"wins in {section.readiness.weeks} of the last {READINESS_WEEKS} weeks (no self-assessment yet)"
            if section.readiness.wins
            else "no evidence yet (and no self-assessment yet)",
        )
        for section in thin[:3]
    ]


def _roadmap(session: Session, *, person: Person, cat: Catalogue) -> list[Objective]:
    names = names_in(cat)
    return [
        Objective(o.title, names.get(o.competency_id, o.competency_id), LABELS[Status(o.status)], o.due_on)
        for o in objectives(session, person=person)
    ]


CSV_COLUMNS = ("date", "text", "what", "how", "why", "evidence", "competencies", "visibility", "logged_at")


def _cell(value: str) -> str:
    """A spreadsheet runs a cell that starts like a formula; a leading quote keeps it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def log_csv(session: Session, *, person: Person) -> str:
    """The whole log, one win a row, for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for logged in log_of(session, person=person):
        win = logged.win
        row = [
            win.happened_on.isoformat(),
            win.text,
            win.what or "",
            win.how or "",
            win.why or "",
            win.evidence_url or "",
            " ".join(logged.competencies),
            win.visibility,
            win.created_at.isoformat(),
        ]
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
