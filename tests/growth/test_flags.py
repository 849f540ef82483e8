from datetime import UTC, datetime, timedelta

import pytest

from growth.errors import GrowthError
from growth.frameworks.flags import COMMENT_LIMIT, flag, flagged
from growth.frameworks.shipped import shipped
from growth.frameworks.versions import catalogue
from storage.db import Database
from storage.models import Person
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _person(db: Database, user: str, team: str = "T1") -> Person:
    return person(db, user, team=team)


def _version(db: Database, team: str = "T1") -> int:
    with db.session() as session:
        _, stored = catalogue(session, team_id=team, defaults=shipped(), source="shipped", now=NOW)
    return stored["software-engineering"].id


def test_flags_are_grouped_per_expectation_most_flagged_first_without_names(db: Database) -> None:
    version = _version(db)
    maya, sam = _person(db, "U0MAYA"), _person(db, "U0SAM")
    with db.session() as session:
        flag(
            session,
            person=maya,
            version_id=version,
            level_id="IC4",
            competency_id="cross-team-leadership",
            comment="What counts as cross-team?",
            now=NOW,
        )
        flag(
            session,
            person=sam,
            version_id=version,
            level_id="IC4",
            competency_id="cross-team-leadership",
            comment="  Two teams in one group:   does it count?  ",
            now=NOW + timedelta(hours=1),
        )
        flag(
            session,
            person=maya,
            version_id=version,
            level_id="IC3",
            competency_id="delivery",
            comment="How long is multi-week?",
            now=NOW,
        )
    with db.session() as session:
        items = flagged(session, team_id="T1")
        assert flagged(session, team_id="T2") == []
    assert [(i.level_id, i.competency, len(i.comments)) for i in items] == [
        ("IC4", "Cross-team leadership", 2),
        ("IC3", "Delivery", 1),
    ]
    assert items[0].comments[0][1] == "Two teams in one group:   does it count?"
    assert items[0].expectation.startswith("Leads a cross-team project to delivery")
    assert (items[0].framework, items[0].revision) == ("software-engineering", 1)


@pytest.mark.parametrize(
    ("level", "competency", "comment", "message"),
    [
        ("IC4", "delivery", "   ", "Say in a few words what is unclear"),
        ("IC4", "delivery", "x" * (COMMENT_LIMIT + 1), r"Keep it under 1000 characters \(1001 now\)\."),
        ("IC3", "technical-direction", "?", "not in this framework version any more"),
    ],
)
def test_a_flag_needs_a_comment_of_sane_length_on_a_real_expectation(
    db: Database, level: str, competency: str, comment: str, message: str
) -> None:
    version = _version(db)
    maya = _person(db, "U0MAYA")
    with db.session() as session, pytest.raises(GrowthError, match=message):
        flag(
            session, person=maya, version_id=version, level_id=level, competency_id=competency, comment=comment, now=NOW
        )


def test_a_flag_cannot_point_at_another_workspaces_framework(db: Database) -> None:
    theirs = _version(db, team="T2")
    maya = _person(db, "U0MAYA")
    with db.session() as session, pytest.raises(GrowthError, match="not in this framework version"):
        flag(session, person=maya, version_id=theirs, level_id="IC4", competency_id="delivery", comment="?", now=NOW)
