"""What a manager or mentor may see of a person: one rule, used by every view of someone else's record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from growth import links, mentors
from growth.visibility import MANAGER, OWNER, STRANGER, WORKSPACE, Role, Sees, Visibility, mentor_sight, sight
from growth.wins import Details, log_of, log_win
from storage.db import Database
from storage.models import Checkin, Person, Win
from tests.factories import person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _world(db: Database) -> dict[str, Person]:
    people = {name: person(db, f"U0{name.upper()}") for name in ("maya", "dev", "uma", "ada", "ray")}
    people["admin"] = person(db, "U0ADMIN", admin=True)
    people["elsewhere"] = person(db, "U0DEV", team="T2")
    with db.session() as session:
        links.admin_set(session, admin=people["admin"], report=people["maya"], manager=people["dev"], now=NOW)
        links.ask(session, report=people["maya"], manager=people["uma"], now=NOW)  # never confirmed
        asked = mentors.ask(session, person=people["maya"], mentor=people["ada"], now=NOW).mentorship
        mentors.answer(session, link_id=asked.id, who=people["ada"], confirm=True, now=NOW)
        for visibility in Visibility:
            log_win(
                session,
                person=people["maya"],
                details=Details(f"A {visibility.value} win", visibility=visibility),
                source="command",
                request_key=visibility.value,
                today=NOW.date(),
                now=NOW,
            )
    return people


@pytest.mark.parametrize(
    ("viewer", "role", "wins"),
    [
        ("maya", Role.OWNER, {"private", "shared", "public"}),
        ("dev", Role.MANAGER, {"shared", "public"}),
        ("ada", Role.MENTOR, {"shared", "public"}),
        ("uma", Role.WORKSPACE, {"public"}),
        ("ray", Role.WORKSPACE, {"public"}),
        ("elsewhere", Role.STRANGER, set()),
    ],
)
def test_each_viewer_sees_only_what_the_person_shared_with_them(
    db: Database, viewer: str, role: Role, wins: set[str]
) -> None:
    people = _world(db)
    with db.session() as session:
        seen = sight(session, viewer=people[viewer], person=people["maya"])
        shown = {logged.win.visibility for logged in log_of(session, person=people["maya"], seen=seen)}
    assert (seen.role, shown) == (role, wins)


def test_a_mentor_sees_what_the_person_chose_and_a_private_entry_never(db: Database) -> None:
    entry, private = Checkin(private=False), Checkin(private=True)
    wins_only = mentor_sight({Sees.WINS})
    assert wins_only.shows_win(Win(visibility="shared")) and not wins_only.entries and not wins_only.roadmap
    thread = mentor_sight({Sees.THREAD})
    assert not thread.shows_win(Win(visibility="shared")) and thread.shows_win(Win(visibility="public"))
    assert thread.shows_entry(entry) and not thread.shows_entry(private)
    assert MANAGER.shows_entry(entry) and not MANAGER.shows_entry(private)
    assert OWNER.shows_entry(private), "only the person sees their private entries"
    assert not WORKSPACE.shows_entry(entry) and not STRANGER.shows_win(Win(visibility="public"))


def test_a_manager_link_counts_for_sight_only_once_confirmed_and_until_it_ends(db: Database) -> None:
    people = _world(db)
    with db.session() as session:
        assert sight(session, viewer=people["dev"], person=people["maya"]).role is Role.MANAGER
        links.end(session, report=people["maya"], now=NOW)
    with db.session() as session:
        assert sight(session, viewer=people["dev"], person=people["maya"]).role is Role.WORKSPACE
