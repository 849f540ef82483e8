"""Maya's team for the feedback tests: her manager Dev, her mentor Sam, peers; and the steps of a round."""

from __future__ import annotations

from datetime import UTC, datetime

from growth import feedback, links, mentors
from growth.assessments import record_assessment
from growth.feedback import Choice, Draft, Given
from growth.frameworks.shipped import shipped
from growth.levels import position, workspace_catalogue
from storage.db import Database
from storage.models import Person
from tests.factories import maya_aiming_for_ic4, person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
SE = "software-engineering"
GAPS = {"cross-team-leadership": 1, "technical-direction": 1, "mentoring": 2}  # Maya's self-assessment, at IC4


def feedback_team(db: Database) -> dict[str, Person]:
    maya = maya_aiming_for_ic4(db, now=NOW)
    people = {"maya": maya, **{n: person(db, f"U0{n.upper()}", now=NOW) for n in ("dev", "sam", "priya", "ray", "ada")}}
    admin = person(db, "U0ADMIN", admin=True, now=NOW)
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=people["dev"], now=NOW)
        asked = mentors.ask(session, person=maya, mentor=people["sam"], now=NOW).mentorship
        mentors.answer(session, link_id=asked.id, who=people["sam"], confirm=True, now=NOW)
        cat, stored = workspace_catalogue(session, maya.team_id, shipped(), NOW)
        target = position(maya, cat).target  # type: ignore[union-attr]
        ratings = {c.id: GAPS.get(c.id, 4) for c, _ in target.framework.expectations_at("IC4")}
        record_assessment(
            session, person=maya, target=target, stored=stored[target.framework.name], ratings=ratings, now=NOW
        )
    return people


def asking_form(db: Database, asker: Person, about: Person) -> feedback.AskingForm:
    with db.session() as session:
        return feedback.asking_form(session, asker=asker, person=about, defaults=shipped(), anonymity_min=3, now=NOW)


def start_round(
    db: Database, people: dict[str, Person], names: list[str], *, anonymous: bool = True, key: str = "v1", **kw: object
) -> feedback.Started:
    form = asking_form(db, people["maya"], people["maya"])
    draft = Draft(
        [people[n] for n in names],
        kw.pop("competencies", form.chosen),
        anonymous,
        kw.pop("due_on", None),
        str(kw.pop("note", "")),
    )  # type: ignore[arg-type]
    with db.session() as session:
        return feedback.start(
            session,
            asker=kw.pop("asker", people["maya"]),  # type: ignore[arg-type]
            person=people["maya"],
            draft=draft,
            version_id=form.version_id,
            target_ref=form.target.ref,
            request_key=key,
            anonymity_min=3,
            now=kw.pop("now", NOW),  # type: ignore[arg-type]
        )


def request_of(db: Database, started: feedback.Started, who: Person) -> int:
    return next(r.id for r in started.requests if r.responder_id == who.id)  # type: ignore[misc]


def give(db: Database, started: feedback.Started, who: Person, choice: Choice, example: str, **extra: str) -> None:
    ratings = {cid: (choice.value, example) for cid in started.round.competencies.split(",")}
    with db.session() as session:
        feedback.answer(
            session, responder=who, request_id=request_of(db, started, who), given=Given(ratings, **extra), now=NOW
        )


def close_due(db: Database, at: datetime) -> list[object]:
    with db.session() as session:
        return feedback.due_to_close(session, now=at)
