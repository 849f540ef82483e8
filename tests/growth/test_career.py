from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from growth.assessments import latest, record_assessment, trend
from growth.errors import GrowthError
from growth.frameworks.model import Expectation
from growth.frameworks.shipped import shipped
from growth.frameworks.versions import catalogue, import_framework
from growth.levels import position, set_level
from storage.db import Database
from storage.models import Person
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SE = "software-engineering"


def _maya(db: Database, team: str = "T1") -> Person:
    return person(db, "U0MAYA", team=team, tz="Europe/Paris")


def test_the_target_must_be_a_move_the_framework_offers(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        cat, _ = catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
        with pytest.raises(GrowthError, match="From IC3 the framework offers: IC4"):
            set_level(
                session,
                person=maya,
                level_ref=f"{SE}/IC3",
                target_ref="engineering-management/EM1",
                catalogue=cat,
                now=NOW,
            )
        with pytest.raises(GrowthError, match="I don't know the level"):
            set_level(session, person=maya, level_ref=f"{SE}/IC9", target_ref=f"{SE}/IC4", catalogue=cat, now=NOW)
        where = set_level(
            session,
            person=maya,
            level_ref=f"{SE}/IC4",
            target_ref="engineering-management/EM1",
            catalogue=cat,
            now=NOW,
        )
        assert (where.level.id, where.target.level.id, where.target.kind) == ("IC4", "EM1", "diagonal")
    with db.session() as session:
        reloaded = session.get(Person, maya.id)
        assert position(reloaded, cat).target.ref == "engineering-management/EM1"


def test_an_assessment_keeps_the_version_it_used_after_a_reimport(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        cat, stored = catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
        where = set_level(session, person=maya, level_ref=f"{SE}/IC3", target_ref=f"{SE}/IC4", catalogue=cat, now=NOW)
        ratings = {"technical-direction": 1, "cross-team-leadership": 1, "mentoring": 2}
        recorded = record_assessment(
            session, person=maya, target=where.target, stored=stored[SE], ratings=ratings, now=NOW
        )
    assert [gap.competency.id for gap in recorded.delta.largest] == [
        "engineering-craft",
        "delivery",
        "operational-ownership",
    ]
    framework = stored[SE].framework
    craft = framework.competencies[0]
    harder = replace(craft, expectations={**craft.expectations, "IC4": Expectation(5, "Rewritten.")})
    revised = replace(framework, version="2026.2", competencies=(harder, *framework.competencies[1:]))
    with db.session() as session:
        import_framework(session, team_id="T1", framework=revised, source="v2.yaml", now=NOW)
    with db.session() as session:
        again = latest(session, person=maya)
    assert again is not None
    assert again.stored.framework.version == "2026.1"
    assert again.delta.gaps[0].expected == 4
    assert again.delta.total == recorded.delta.total


def test_answers_outside_the_target_or_the_scale_are_refused(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        cat, stored = catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
        where = set_level(session, person=maya, level_ref=f"{SE}/IC2", target_ref=f"{SE}/IC3", catalogue=cat, now=NOW)
        with pytest.raises(GrowthError, match="IC3 does not expect technical-direction"):
            record_assessment(
                session,
                person=maya,
                target=where.target,
                stored=stored[SE],
                ratings={"technical-direction": 2},
                now=NOW,
            )
        with pytest.raises(GrowthError, match="from 1 to 5"):
            record_assessment(
                session, person=maya, target=where.target, stored=stored[SE], ratings={"delivery": 6}, now=NOW
            )


def test_the_trend_lists_assessments_newest_first_and_stays_in_the_workspace(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        cat, stored = catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
        where = set_level(session, person=maya, level_ref=f"{SE}/IC3", target_ref=f"{SE}/IC4", catalogue=cat, now=NOW)
        for week, rating in enumerate((1, 2, 3)):
            ratings = {c.id: rating for c in stored[SE].framework.competencies if "IC4" in c.expectations}
            at = NOW + timedelta(weeks=week)
            record_assessment(session, person=maya, target=where.target, stored=stored[SE], ratings=ratings, now=at)
    with db.session() as session:
        points = trend(session, person=maya)
        other = trend(session, person=_maya(db, team="T2"))
    assert [point.total_gap for point in points] == [5, 13, 21]
    assert points[0].at > points[-1].at
    assert other == []
