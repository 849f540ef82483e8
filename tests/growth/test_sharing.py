"""Where a win or an entry goes beyond the person's DM, and when it is taken down: growth decides."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from growth import asks, checkins, links, mentors, roadmap, sharing, wins
from growth.errors import GrowthError, NotAllowed
from growth.notices import EntryShared, RoomPost, WinLoggedFor, WinPublished, WinWithdrawn
from growth.visibility import Sees, Visibility
from growth.wins import Details
from growth.workspaces import set_growth_channel
from storage.db import Database
from storage.models import Person
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _with_a_mentor_room(db: Database, sees: set[Sees]) -> tuple[Person, int]:
    maya, ada = person(db, "U0MAYA"), person(db, "U0ADA")
    with db.session() as session:
        link = mentors.ask(session, person=maya, mentor=ada, now=NOW).mentorship
        mentors.answer(session, link_id=link.id, who=ada, confirm=True, now=NOW)
        mentors.choose_sees(session, person=maya, link_id=link.id, sees=sees)
        mentors.set_room(session, person=maya, link_id=link.id, channel_id="G0ROOM")
    return maya, link.id


def _log(db: Database, maya: Person, visibility: Visibility, key: str = "k") -> wins.Changed:
    with db.session() as session:
        return wins.log(
            session,
            person=maya,
            details=Details("Led the review", visibility=visibility),
            source="command",
            request_key=key,
            today=NOW.date(),
            now=NOW,
        )


def _kinds_of_notices(db: Database, maya: Person, win_id: int, visibility: Visibility) -> list[str]:
    """Who hears of `win_id` made `visibility`, by kind."""
    with db.session() as session:
        changed = wins.change_visibility(session, person=maya, win_id=win_id, visibility=visibility, now=NOW)
    return [type(notice).__name__ for notice in changed.notices]


def test_a_private_win_goes_nowhere_and_a_shared_one_to_the_rooms_that_see_wins(db: Database) -> None:
    maya, link = _with_a_mentor_room(db, {Sees.WINS})
    private = _log(db, maya, Visibility.PRIVATE, "a")
    assert private.notices == [] and private.note is None, "a new win has nothing posted to take down"
    shared = _log(db, maya, Visibility.SHARED, "b")
    assert shared.notices == [RoomPost(maya, link, "G0ROOM", shared.logged)]


def test_a_public_win_is_posted_in_the_growth_channel_or_the_person_is_told_why_not(db: Database) -> None:
    maya, _ = _with_a_mentor_room(db, {Sees.THREAD})  # this mentor does not see wins
    nowhere = _log(db, maya, Visibility.PUBLIC, "a")
    assert nowhere.note == sharing.NO_CHANNEL and nowhere.notices == []
    admin = person(db, "U0ADMIN", admin=True)
    with db.session() as session:
        set_growth_channel(session, person=admin, channel_id="C0GROWTH", now=NOW)
    posted = _log(db, maya, Visibility.PUBLIC, "b")
    assert posted.notices[-1] == WinPublished(maya, posted.logged, "C0GROWTH") and posted.note is None
    with db.session() as session:
        made_private = wins.change_visibility(
            session, person=maya, win_id=posted.logged.win.id, visibility=Visibility.PRIVATE, now=NOW
        )
        assert made_private.notices == [WinWithdrawn(maya, posted.logged.win.id)], "taken down, not posted again"
        assert wins.delete(session, person=maya, win_id=posted.logged.win.id) == [
            WinWithdrawn(maya, posted.logged.win.id)
        ]


def test_a_visibility_change_reads_the_wins_competencies_back_in_the_order_they_were_tagged(db: Database) -> None:
    maya = person(db, "U0MAYA")
    untagged, tagged = _log(db, maya, Visibility.PRIVATE, "a"), _log(db, maya, Visibility.PRIVATE, "b")
    with db.session() as session:
        wins.tag(session, person=maya, win_id=tagged.logged.win.id, competency_ids=["writing", "craft"], now=NOW)
        wins.tag(session, person=maya, win_id=tagged.logged.win.id, competency_ids=["ally"], now=NOW)
    with db.session() as session:
        shared = wins.change_visibility(
            session, person=maya, win_id=tagged.logged.win.id, visibility=Visibility.SHARED, now=NOW
        )
        bare = wins.change_visibility(
            session, person=maya, win_id=untagged.logged.win.id, visibility=Visibility.SHARED, now=NOW
        )
    assert shared.logged.competencies == ("writing", "craft", "ally")
    assert shared.logged.win.visibility == Visibility.SHARED.value
    assert bare.logged.competencies == ()


def test_a_managers_win_for_a_report_tells_the_report(db: Database) -> None:
    admin, maya, dev = person(db, "U0ADMIN", admin=True), person(db, "U0MAYA"), person(db, "U0DEV")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
        changed = wins.log_for(
            session,
            manager=dev,
            report=maya,
            details=Details("Unblocked the release"),
            source="modal",
            request_key="m",
            today=NOW.date(),
            now=NOW,
        )
    assert changed.notices[0] == WinLoggedFor(changed.logged, maya, dev)
    assert changed.logged.win.logged_by_id == dev.id and changed.logged.win.person_id == maya.id


def test_an_entry_is_shared_once_in_its_week_and_never_when_private(db: Database) -> None:
    maya, link = _with_a_mentor_room(db, {Sees.THREAD})
    with db.session() as session:
        checkins.change_settings(session, person=maya, settings=checkins.Settings(share=True), now=NOW)
        first = checkins.write_entry(session, person=maya, answers=checkins.Answers(learned="Queues"), now=NOW)
        edited = checkins.write_entry(session, person=maya, answers=checkins.Answers(learned="Queues!"), now=NOW)
    assert first.notices == [EntryShared(maya, first.checkin), RoomPost(maya, link, "G0ROOM", first.checkin)]
    assert edited.notices == [], "an edit is not posted again"
    with db.session() as session:
        private = checkins.write_entry(
            session,
            person=maya,
            answers=checkins.Answers(learned="Mine", private=True),
            now=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        )
    assert private.notices == [] and not private.share


def test_roadmap_changes_go_to_the_rooms_that_see_the_roadmap_each_as_its_own_post(db: Database) -> None:
    maya, link = _with_a_mentor_room(db, {Sees.ROADMAP})
    with db.session() as session:
        added = roadmap.add(session, person=maya, competency_id="mentoring", title="Mentor", due_on=None, now=NOW)
        moved = roadmap.set_status(
            session, person=maya, objective_id=added.objective.id, status=roadmap.Status.DONE, now=NOW
        )
    assert added.notices == [RoomPost(maya, link, "G0ROOM", added.objective)]
    assert moved.notices == [RoomPost(maya, link, "G0ROOM", moved.objective, f"done:{int(NOW.timestamp())}")]


def test_a_walked_away_win_and_a_check_in_made_win_are_shared_like_any_other(db: Database) -> None:
    maya, link = _with_a_mentor_room(db, {Sees.WINS})
    admin, dev = person(db, "U0ADMIN", admin=True), person(db, "U0DEV")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
        ask, _, _ = asks.create(
            session, person=maya, draft=asks.Draft("Decide", "Try it"), request_key="a", today=NOW.date(), now=NOW
        )
        asks.decide(session, ask_id=ask.id, manager=dev, verdict=asks.Status.APPROVED, note="", now=NOW)
        outcome = asks.log_outcome(session, person=maya, ask_id=ask.id, today=NOW.date(), now=NOW)
        entry = checkins.write_entry(session, person=maya, answers=checkins.Answers(operated="Led it"), now=NOW)
        made = checkins.make_win(session, person=maya, checkin_id=entry.checkin.id, defaults=(), now=NOW)
    assert RoomPost(maya, link, "G0ROOM", outcome.logged) in outcome.notices, "shared with the manager: the room too"
    assert RoomPost(maya, link, "G0ROOM", made.logged) in made.notices


def test_only_the_author_changes_who_sees_a_win_and_a_deleted_one_says_so(db: Database) -> None:
    maya, dev = person(db, "U0MAYA"), person(db, "U0DEV")
    logged = _log(db, maya, Visibility.PRIVATE).logged

    def change(who: Person, win_id: int | None) -> wins.Changed:
        assert win_id is not None
        with db.session() as session:
            return wins.change_visibility(session, person=who, win_id=win_id, visibility=Visibility.SHARED, now=NOW)

    with pytest.raises(NotAllowed, match=r"^Only the person whose win it is can change it"):
        change(dev, logged.win.id)
    shared = change(maya, logged.win.id)
    assert (shared.logged.win.visibility, shared.logged.win.updated_at) == ("shared", NOW)
    with db.session() as session:
        wins.delete(session, person=maya, win_id=logged.win.id or 0)
    with pytest.raises(GrowthError, match=r"^That win is gone: it was deleted"):
        change(maya, logged.win.id)
    with pytest.raises(GrowthError, match=r"^That win is gone"):
        change(maya, 2**31 - 1)


def test_only_a_win_that_may_be_in_the_growth_channel_is_taken_down_when_it_changes(db: Database) -> None:
    maya, admin = person(db, "U0MAYA"), person(db, "U0ADMIN", admin=True)
    win_id = _log(db, maya, Visibility.PRIVATE).logged.win.id
    assert win_id is not None

    def change(visibility: Visibility) -> list[str]:
        return _kinds_of_notices(db, maya, win_id, visibility)

    assert change(Visibility.PUBLIC) == [], "public, but no growth channel yet: nothing posted"
    assert change(Visibility.SHARED) == [], "so nothing to take down"
    with db.session() as session:
        set_growth_channel(session, person=admin, channel_id="C0GROWTH", now=NOW)
    assert change(Visibility.PUBLIC) == ["WinPublished"]
    assert change(Visibility.PUBLIC) == ["WinWithdrawn", "WinPublished"], "its post replaced by the new one"
    assert change(Visibility.PRIVATE) == ["WinWithdrawn"]
    assert change(Visibility.SHARED) == [], "taken down already: nothing looked for"


def test_a_win_in_a_mentorship_room_is_taken_down_when_made_private_or_deleted(db: Database) -> None:
    """The mentor never keeps a win its author took back; a change while it is still shared posts it again."""
    maya, _ = _with_a_mentor_room(db, {Sees.WINS})
    win_id = _log(db, maya, Visibility.SHARED).logged.win.id
    assert win_id is not None

    def change(visibility: Visibility) -> list[str]:
        return _kinds_of_notices(db, maya, win_id, visibility)

    assert change(Visibility.SHARED) == ["WinWithdrawn", "RoomPost"], "its room post replaced by the new one"
    assert change(Visibility.PRIVATE) == ["WinWithdrawn"]
    assert change(Visibility.PRIVATE) == [], "taken down already: nothing looked for"
    assert change(Visibility.SHARED) == ["RoomPost"]
    with db.session() as session:
        assert wins.delete(session, person=maya, win_id=win_id) == [WinWithdrawn(maya, win_id)]
