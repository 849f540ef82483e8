from datetime import UTC, datetime

import pytest

from growth import mentors
from growth.errors import GrowthError, NotAllowed
from growth.mentors import Sees, Status
from storage.db import Database
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_mentor_counts_once_confirmed_and_the_person_chooses_what_they_see(db: Database) -> None:
    maya, ada, sam = person(db, "U0MAYA"), person(db, "U0ADA"), person(db, "U0SAM")
    with db.session() as session:
        asked = mentors.ask(session, person=maya, mentor=ada, now=NOW)
        assert mentors.ask(session, person=maya, mentor=ada, now=NOW).link.id == asked.link.id, "asking twice: once"
        assert mentors.rooms(session, person=maya, showing=Sees.WINS) == []
        with pytest.raises(GrowthError, match="yourself"):
            mentors.ask(session, person=maya, mentor=maya, now=NOW)
    with db.session() as session, pytest.raises(NotAllowed):
        mentors.answer(session, link_id=asked.link.id, mentor=sam, confirm=True, now=NOW)
    with db.session() as session:
        found, changed = mentors.answer(session, link_id=asked.link.id, mentor=ada, confirm=True, now=NOW)
        again, twice = mentors.answer(session, link_id=asked.link.id, mentor=ada, confirm=False, now=NOW)
    assert changed and not twice and again.link.status == Status.CONFIRMED
    assert found.sees == {Sees.WINS}, "by default a mentor sees only the wins shared with them"
    with db.session() as session, pytest.raises(NotAllowed):
        mentors.choose_sees(session, person=ada, link_id=asked.link.id, sees={Sees.THREAD})
    with db.session() as session:
        mentors.choose_sees(session, person=maya, link_id=asked.link.id, sees={Sees.THREAD, Sees.ROADMAP})
        mentors.set_room(session, person=maya, link_id=asked.link.id, channel_id="G0ROOM")
    with db.session() as session:
        assert mentors.rooms(session, person=maya, showing=Sees.THREAD) == [(asked.link.id, "G0ROOM")]
        assert mentors.rooms(session, person=maya, showing=Sees.WINS) == []


def test_either_side_ends_it_and_no_one_else(db: Database) -> None:
    maya, ada, sam = person(db, "U0MAYA"), person(db, "U0ADA"), person(db, "U0SAM")
    with db.session() as session:
        asked = mentors.ask(session, person=maya, mentor=ada, now=NOW)
        mentors.answer(session, link_id=asked.link.id, mentor=ada, confirm=True, now=NOW)
    with db.session() as session, pytest.raises(NotAllowed):
        mentors.end(session, who=sam, link_id=asked.link.id, now=NOW)
    with db.session() as session:
        found, changed = mentors.end(session, who=ada, link_id=asked.link.id, now=NOW)
        _, again = mentors.end(session, who=maya, link_id=asked.link.id, now=NOW)
    assert changed and not again and found.link.status == Status.ENDED
    with db.session() as session:
        assert mentors.mentorships(session, person=maya) == []
        with pytest.raises(GrowthError, match="ended"):
            mentors.choose_sees(session, person=maya, link_id=asked.link.id, sees={Sees.WINS})
    stranger = person(db, "U0ADA", team="T2")
    with db.session() as session, pytest.raises(GrowthError, match="gone"):
        mentors.end(session, who=stranger, link_id=asked.link.id, now=NOW)
