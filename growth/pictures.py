"""Pictures on the App Home, where people would rather look than read: in which weeks the evidence came
for each competency of the target (a heat strip over the readiness window), and how the gap moved across
self-assessments.

Each picture is drawn from data whose checksum is kept beside the Slack file it was uploaded as. Opening
the App Home compares checksums only; a picture is drawn and uploaded again when its data changed, never
on every opening.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from growth.charts import gap_trend, readiness_strip
from growth.frameworks.model import Framework
from growth.levels import Position, position, workspace_catalogue
from growth.notices import PictureDue
from growth.people import local_today
from growth.wins import READINESS_WEEKS, Evidence, evidence, readiness_weeks
from storage.db import insert_ignore
from storage.models import Assessment, AssessmentAnswer, Person, Picture

READINESS = "readiness"
GAP_TREND = "gap-trend"
KINDS = (READINESS, GAP_TREND)
DRAWING = 1  # raise when the drawing changes: every picture is then drawn once more
TREND_POINTS = 6  # assessments a trend shows, the latest


@dataclass(frozen=True)
class Drawing:
    """What a picture shows, before it is drawn: its checksum says whether the uploaded one is current."""

    kind: str
    title: str
    alt: str
    data: Any  # JSON-able: exactly what the picture draws

    @property
    def checksum(self) -> str:
        return hashlib.sha256(json.dumps([DRAWING, self.kind, self.title, self.data]).encode()).hexdigest()

    def png(self) -> bytes:
        if self.kind == READINESS:
            rows = [(name, tuple(counts)) for name, counts in self.data["rows"]]
            return readiness_strip(rows, self.data["weeks"], self.title)
        return gap_trend([(label, total, gaps) for label, total, gaps in self.data], self.title)


@dataclass(frozen=True)
class Shown:
    """A picture the App Home shows: the Slack file, with its words for a screen reader."""

    kind: str
    file_id: str
    title: str
    alt: str


@dataclass(frozen=True)
class HomePictures:
    shown: list[Shown]  # the newest uploaded picture of each kind there is something to draw for
    due: list[Drawing]  # to draw and upload: never uploaded, or their data changed since


NONE = HomePictures([], [])


def drawings(
    session: Session,
    *,
    person: Person,
    where: Position | None,
    found: Sequence[Evidence],
    names: dict[str, str],
    today: date,
) -> list[Drawing]:
    """What the App Home's pictures would show now (none before a target is set, or with nothing to show)."""
    if where is None:
        return []
    made = []
    target = where.target.level.id
    if any(any(e.per_week) for e in found):
        weeks = [date.fromisocalendar(year, week, 1).strftime("%-d %b") for year, week in readiness_weeks(today)]
        rows = [(names.get(e.competency_id, e.competency_id), list(e.per_week)) for e in found]
        alt = f"Wins per week for {target}, the last {READINESS_WEEKS} weeks: " + "; ".join(
            f"{name}: {sum(1 for n in counts if n)} of {READINESS_WEEKS} weeks" for name, counts in rows
        )
        made.append(Drawing(READINESS, f"Evidence for {target}, week by week", alt, {"rows": rows, "weeks": weeks}))
    points = _trend(session, person=person, where=where)
    if len(points) >= 2:
        alt = f"The gap to {target} across {len(points)} self-assessments: " + ", ".join(
            f"{label}: {total}" for label, total, _ in points
        )
        made.append(Drawing(GAP_TREND, f"Your gap to {target}, assessment by assessment", alt, points))
    return made


def _trend(session: Session, *, person: Person, where: Position) -> list[list[Any]]:
    """[label, total gap, {competency: steps short}] for the latest assessments against the target, oldest first."""
    rows = session.exec(
        select(Assessment)
        .where(
            Assessment.team_id == person.team_id,
            Assessment.person_id == person.id,
            Assessment.target_ref == where.target.ref,
        )
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())  # type: ignore[attr-defined]
        .limit(TREND_POINTS)
    ).all()
    if len(rows) < 2:
        return []
    answers = session.exec(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id.in_([row.id for row in rows]))  # type: ignore[union-attr]
    ).all()
    names = {c.id: c.name for c in where.target.framework.competencies}
    gaps: dict[int, dict[str, int]] = {row.id or 0: {} for row in rows}
    for answer in answers:
        if answer.expected > answer.rated:
            name = names.get(answer.competency_id, answer.competency_id)
            gaps[answer.assessment_id][name] = answer.expected - answer.rated
    ordered = list(reversed(rows))
    return [[f"{n}. {row.created_at:%-d %b}", row.total_gap, gaps[row.id or 0]] for n, row in enumerate(ordered, 1)]


def home_pictures(session: Session, *, person: Person, wanted: Sequence[Drawing]) -> HomePictures:
    """The pictures to show (the last uploaded, even while a newer one is being drawn) and those due."""
    if not wanted:
        return NONE
    stored = {p.kind: p for p in session.exec(select(Picture).where(Picture.person_id == person.id)).all()}
    shown = [Shown(d.kind, stored[d.kind].file_id, d.title, d.alt) for d in wanted if d.kind in stored]
    due = [d for d in wanted if d.kind not in stored or stored[d.kind].checksum != d.checksum]
    return HomePictures(shown, due)


def due_notices(person: Person, pictures: HomePictures) -> list[PictureDue]:
    """What to draw again, for whoever draws it (once per picture and data: the outbox key)."""
    return [PictureDue(person, drawing.kind, drawing.checksum) for drawing in pictures.due]


def drawing_of(
    session: Session, *, person: Person, kind: str, defaults: tuple[Framework, ...], now: datetime
) -> Drawing | None:
    """What the picture of `kind` shows now, worked out again (for the one who draws it, later)."""
    cat, _ = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        return None
    competencies = [c for c, _ in where.target.framework.expectations_at(where.target.level.id)]
    today = local_today(person, now)
    found = evidence(session, person=person, competency_ids=[c.id for c in competencies], today=today)
    names = {c.id: c.name for c in competencies}
    wanted = drawings(session, person=person, where=where, found=found, names=names, today=today)
    return next((drawing for drawing in wanted if drawing.kind == kind), None)


def current(session: Session, *, person: Person, drawing: Drawing) -> str | None:
    """The Slack file already uploaded for exactly this drawing, if any."""
    stored = session.exec(select(Picture).where(Picture.person_id == person.id, Picture.kind == drawing.kind)).first()
    return stored.file_id if stored is not None and stored.checksum == drawing.checksum else None


def remember(session: Session, *, person: Person, drawing: Drawing, file_id: str, now: datetime) -> str | None:
    """Keep `file_id` as the picture of `drawing`; returns the file it replaces (to delete from Slack)."""
    assert person.id is not None
    values = {"checksum": drawing.checksum, "file_id": file_id, "updated_at": now}
    row = {"team_id": person.team_id, "person_id": person.id, "kind": drawing.kind, **values}
    if insert_ignore(session, Picture.__table__, row, conflict=["person_id", "kind"]):  # type: ignore[attr-defined]
        return None
    stored = session.exec(select(Picture).where(Picture.person_id == person.id, Picture.kind == drawing.kind)).one()
    replaced = stored.file_id if stored.file_id != file_id else None
    stored.checksum, stored.file_id, stored.updated_at = drawing.checksum, file_id, now
    session.add(stored)
    return replaced
