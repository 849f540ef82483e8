from datetime import UTC, datetime

import pytest

from growth import mentors
from growth.errors import GrowthError, NotAllowed
from growth.mentors import Sees, Status
from growth.notices import Answered, Asked, Ended, RoomArchived
from storage.db import Database
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_mentor_counts_once_confirmed_and_the_person_chooses_what_they_see(db: Database) -> None:
    maya, ada, sam = person(db, "U0MAYA"), person(db, "U0ADA"), person(db, "U0SAM")
    with db.session() as session:
        requested = mentors.ask(session, person=maya, mentor=ada, now=NOW)
        asked = requested.mentorship
        assert requested.notices == [Asked(asked)], "the mentor gets the request"
        assert mentors.ask(session, person=maya, mentor=ada, now=NOW).mentorship.id == asked.id, "asking twice: once"
        assert mentors.rooms(session, person=maya, showing=Sees.WINS) == []
        with pytest.raises(GrowthError, match="yourself"):
            mentors.ask(session, person=maya, mentor=maya, now=NOW)
    with db.session() as session, pytest.raises(NotAllowed):
        mentors.answer(session, link_id=asked.link.id, who=sam, confirm=True, now=NOW)
    with db.session() as session:
        answered = mentors.answer(session, link_id=asked.link.id, who=ada, confirm=True, now=NOW)
        again = mentors.answer(session, link_id=asked.link.id, who=ada, confirm=False, now=NOW)
    assert answered.changed and not again.changed and again.relation.link.status == Status.CONFIRMED
    assert answered.notices == [Answered(answered.relation)] and again.notices == [], "Maya is told once"
    assert answered.relation.sees == {Sees.WINS}, "by default a mentor sees only the wins shared with them"
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
        asked = mentors.ask(session, person=maya, mentor=ada, now=NOW).mentorship
        mentors.answer(session, link_id=asked.link.id, who=ada, confirm=True, now=NOW)
        mentors.set_room(session, person=maya, link_id=asked.link.id, channel_id="G0ROOM")
    with db.session() as session, pytest.raises(NotAllowed):
        mentors.end(session, who=sam, link_id=asked.link.id, now=NOW)
    with db.session() as session:
        ended = mentors.end(session, who=ada, link_id=asked.link.id, now=NOW)
        again = mentors.end(session, who=maya, link_id=asked.link.id, now=NOW)
    assert ended.changed and not again.changed and ended.mentorship.link.status == Status.ENDED
    assert ended.notices == [
        Ended(ended.mentorship, told=maya),
        RoomArchived(maya, asked.id, "G0ROOM"),
    ], "Maya is told, and the room is archived"
    assert again.notices == []
    with db.session() as session:
        assert mentors.mentorships(session, person=maya) == []
        with pytest.raises(GrowthError, match="ended"):
            mentors.choose_sees(session, person=maya, link_id=asked.link.id, sees={Sees.WINS})
    stranger = person(db, "U0ADA", team="T2")
    with db.session() as session, pytest.raises(GrowthError, match="gone"):
        mentors.end(session, who=stranger, link_id=asked.link.id, now=NOW)
