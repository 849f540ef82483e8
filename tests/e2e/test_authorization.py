"""Who may read and press what, over HTTP against the running bot, on both databases.

Maya's things (her win, her roadmap objective, her check-in, her ask to Dev, her packet and 1:1 prep)
meet six people: Maya herself, Dev (her confirmed manager), Uma (asked to be her manager, never
confirmed), Ray (another of Dev's reports), Ada (her mentor, who sees everything she lets her see) and
Dev again but from another workspace. Everyone not
allowed is refused with a sentence and changes nothing; the one allowed then succeeds."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from sqlmodel import select

from growth import asks, checkins, levels, links, mentors, roadmap
from growth.frameworks.shipped import shipped
from growth.wins import Details, log_win
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Ask, Checkin, MentorLink, Objective, OneOnOne, OutboxMessage, Person, Win, WinCompetency
from tests.e2e.conftest import SIGNING_SECRET, RunningBot
from tests.e2e.steps import SE, eventually
from tests.factories import person

ELSEWHERE = "T0ELSEWHERE"
NOW = datetime.now(UTC)


@dataclass
class World:
    maya: Person
    win_id: int
    objective_id: int
    checkin_id: int
    ask_id: int


@pytest.fixture
def world(db: Database, slack: FakeSlack) -> World:
    team = slack.team_id
    for user_id, name in (("U0UMA", "Uma"), ("U0RAY", "Ray"), ("U0ADMIN", "Admin"), ("U0ADA", "Ada")):
        slack.add_user(team, user_id, name=name)
    admin = person(db, "U0ADMIN", team=team, admin=True, now=NOW)
    maya, dev, uma, ray, ada = (
        person(db, user, team=team, now=NOW) for user in ("U0MAYA", "U0DEV", "U0UMA", "U0RAY", "U0ADA")
    )
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
        links.admin_set(session, admin=admin, report=ray, manager=dev, now=NOW)
        links.ask(session, report=maya, manager=uma, now=NOW)  # never confirmed
        mentorship = mentors.ask(session, person=maya, mentor=ada, now=NOW).mentorship
        mentors.answer(session, link_id=mentorship.link.id, who=ada, confirm=True, now=NOW)
        mentors.choose_sees(session, person=maya, link_id=mentorship.link.id, sees=set(mentors.Sees))
        win = log_win(
            session,
            person=maya,
            details=Details(text="Mine"),
            source="command",
            request_key="w",
            today=NOW.date(),
            now=NOW,
        )
        objective = roadmap.add(
            session, person=maya, competency_id="mentoring", title="Mentor", due_on=None, now=NOW
        ).objective
        checkins.enrol(session, person=maya, now=NOW - timedelta(days=8))
        ask, _, _ = asks.create(
            session, person=maya, draft=asks.Draft("Decide", "Recommend"), request_key="a", today=NOW.date(), now=NOW
        )
    with db.session() as session:
        plan = checkins.plan_of(session, maya)
        plan.next_at = NOW - timedelta(minutes=1)
        plan.weekday, plan.hour = 0, 0
        session.add(plan)
    with db.session() as session:
        (queued,) = checkins.due_checkins(session, now=NOW).queued
    return World(maya, win.win.id, objective.id, queued.checkin_id, ask.id)


ACTORS = {
    "self": ("U0MAYA", None),
    "confirmed manager": ("U0DEV", None),
    "unconfirmed manager": ("U0UMA", None),
    "another report": ("U0RAY", None),
    "mentor": ("U0ADA", None),
    "another workspace": ("U0DEV", ELSEWHERE),
}


def _as(running_bot: RunningBot, slack: FakeSlack, actor: str) -> tuple[SlackSender, str]:
    user, team = ACTORS[actor]
    return SlackSender(running_bot.events_url, SIGNING_SECRET, slack, team_id=team or slack.team_id), user


def _said(slack: FakeSlack, step: Callable[[], Any], user: str) -> str:
    """Do `step` and return what the app said back to `user` (response_url, ephemeral, or a DM to them)."""
    before = (len(slack.responses()), len(slack.calls("chat.postEphemeral")), len(slack.calls("chat.postMessage")))
    step()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        responses = slack.responses()[before[0] :]
        ephemerals = slack.calls("chat.postEphemeral")[before[1] :]
        messages = slack.calls("chat.postMessage")[before[2] :]
        mine = [c for c in ephemerals if c.args.get("user") == user] + [
            c for c in messages if c.args.get("channel") == user
        ]
        said = [r.get("text", "") for r in responses] + [c.args.get("text", "") for c in mine]
        if said:
            return said[0]
        time.sleep(0.02)
    raise AssertionError("the app said nothing")


def _click(
    sender: SlackSender, user: str, action_id: str, *, value: str = "", block_id: str = "b", **extra: Any
) -> None:
    sender.block_action(
        user_id=user, action={"action_id": action_id, "block_id": block_id, "type": "button", "value": value, **extra}
    )


def _check(
    running_bot: RunningBot,
    slack: FakeSlack,
    allowed: set[str],
    act: Callable[[SlackSender, str], None],
    state: Callable[[], Any],
    refused_with: Callable[[str], bool],
    actors: list[str] | None = None,
    *,
    shown: Callable[[str], bool] | None = None,
    reset: Callable[[], None] | None = None,
) -> None:
    """Everyone outside `allowed` is refused and changes nothing; then each allowed actor's change really
    happens (`state` moves), or for what only reads, what they asked for is `shown`. `reset` puts the
    state back before the next allowed actor, for a change that can happen once."""
    everyone = actors or list(ACTORS)
    for actor in [a for a in everyone if a not in allowed] + [a for a in everyone if a in allowed]:
        sender, user = _as(running_bot, slack, actor)
        before = state()
        said = _said(slack, partial(act, sender, user), user)
        if actor not in allowed:
            assert refused_with(said), f"{actor} was not refused: {said}"
            assert state() == before, f"{actor} changed something"
            continue
        assert not refused_with(said), f"{actor} was refused: {said}"
        if shown is not None:
            assert shown(said), f"{actor} was not shown what they asked for: {said}"
        else:
            eventually(lambda before=before: state() != before)  # the change is made before the answer
        if reset is not None:
            reset()


def _refusal(said: str) -> bool:
    return said.startswith("Only ") or (said.startswith("That ") and ("gone" in said or "not in Trellis" in said))


def test_a_win_and_an_objective_are_only_their_owners(
    running_bot: RunningBot, slack: FakeSlack, db: Database, world: World
) -> None:
    def visibility() -> str:
        with db.session() as session:
            return session.get(Win, world.win_id).visibility

    shared = {
        "selected_option": {"value": "shared", "text": {"type": "plain_text", "text": "x"}},
        "type": "static_select",
    }
    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "win_visibility", block_id=f"win:{world.win_id}", **shared),
        visibility,
        _refusal,
    )

    def status() -> str:
        with db.session() as session:
            return session.get(Objective, world.objective_id).status

    started = {
        "selected_option": {"value": "in_progress", "text": {"type": "plain_text", "text": "x"}},
        "type": "static_select",
    }
    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "objective_status", block_id=f"objective:{world.objective_id}", **started),
        status,
        _refusal,
    )


def test_a_check_in_is_only_its_owners(running_bot: RunningBot, slack: FakeSlack, db: Database, world: World) -> None:
    def status() -> str:
        with db.session() as session:
            return session.get(Checkin, world.checkin_id).status

    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "checkin_skip", value=str(world.checkin_id)),
        status,
        _refusal,
    )


def test_only_the_confirmed_manager_decides_an_ask_and_only_the_asker_logs_its_outcome(
    running_bot: RunningBot, slack: FakeSlack, db: Database, world: World
) -> None:
    def decided() -> tuple[str, int | None]:
        with db.session() as session:
            ask = session.get(Ask, world.ask_id)
            return ask.status, ask.outcome_win_id

    for note_first in ("ask_decline", "ask_talk"):  # the manager gets a note modal; nobody else gets that far
        others = [actor for actor in ACTORS if actor != "confirmed manager"]
        _check(
            running_bot,
            slack,
            set(),
            lambda s, u, a=note_first: _click(s, u, a, value=str(world.ask_id)),
            decided,
            _refusal,
            actors=others,
        )
    _check(
        running_bot,
        slack,
        {"confirmed manager"},
        lambda s, u: _click(s, u, "ask_approve", value=str(world.ask_id)),
        decided,
        _refusal,
    )
    assert decided()[0] == "approved"
    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "ask_outcome", value=str(world.ask_id)),
        decided,
        _refusal,
    )
    assert decided()[1] is not None


def test_packets_and_1on1_prep_are_for_the_person_and_their_confirmed_manager(
    running_bot: RunningBot, slack: FakeSlack, db: Database, world: World
) -> None:
    def packets() -> list[str]:
        """Who packets of Maya's were queued for."""
        with db.session() as session:
            rows = session.exec(select(OutboxMessage).where(OutboxMessage.key.startswith("packet:"))).all()  # type: ignore[attr-defined]
            return sorted(json.loads(row.payload)["to"] for row in rows)

    def packet(sender: SlackSender, user: str) -> None:
        reply = sender.command("/trellis", "packet <@U0MAYA|maya>", user_id=user).json()
        slack._store_response(reply)  # the command's own answer, where `_said` looks

    with db.session() as session:
        maya = session.get(Person, world.maya.id)
        levels.choose_level(
            session, person=maya, level_ref=f"{SE}/IC3", target_ref=f"{SE}/IC4", defaults=shipped(), now=NOW
        )
    _check(running_bot, slack, {"self", "confirmed manager"}, packet, packets, _refusal)
    assert packets() == ["U0DEV"] * 3 + ["U0MAYA"] * 3, "a Markdown, an HTML and a PDF file for each of them"

    def nothing() -> int:
        return 0

    def prep(sender: SlackSender, user: str) -> None:
        slack._store_response(sender.command("/trellis", "1on1 <@U0MAYA|maya>", user_id=user).json())

    _check(
        running_bot,
        slack,
        {"self", "confirmed manager"},
        prep,
        nothing,
        _refusal,
        shown=lambda said: said.startswith("1:1 prep: Maya with Dev"),
    )

    def held() -> int:
        with db.session() as session:
            return len(session.exec(select(OneOnOne)).all())

    _check(
        running_bot,
        slack,
        {"self", "confirmed manager"},
        lambda s, u: _click(s, u, "one_on_one_held", value=str(world.maya.id)),
        held,
        _refusal,
    )
    assert held() == 2


def test_every_other_button_on_a_win_a_check_in_and_a_mentorship(
    running_bot: RunningBot, slack: FakeSlack, db: Database, world: World
) -> None:
    def win_state() -> tuple[int, ...]:
        with db.session() as session:
            return (len(session.exec(select(Win)).all()), len(session.exec(select(WinCompetency)).all()))

    win = str(world.win_id)
    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "win_tag", value=f"{win}:mentoring"),
        win_state,
        _refusal,
    )
    others = [actor for actor in ACTORS if actor != "self"]  # for Maya these open a modal (tested elsewhere)
    for opens_a_form in ("win_edit", "win_see_all"):
        _check(
            running_bot,
            slack,
            set(),
            lambda s, u, a=opens_a_form: _click(s, u, a, value=win),
            win_state,
            _refusal,
            actors=others,
        )
    for opens_a_form in ("checkin_write", "checkin_win"):
        _check(
            running_bot,
            slack,
            set(),
            lambda s, u, a=opens_a_form: _click(s, u, a, value=str(world.checkin_id)),
            win_state,
            _refusal,
            actors=others,
        )

    def reminders() -> int:
        with db.session() as session:
            return len(session.exec(select(OutboxMessage).where(OutboxMessage.key.startswith("checkin-remind:"))).all())  # type: ignore[attr-defined]

    with db.session() as session:
        sent = session.get(Checkin, world.checkin_id)
        sent.status = "sent"
        session.add(sent)
    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "checkin_remind", value=str(world.checkin_id)),
        reminders,
        _refusal,
    )
    _check(running_bot, slack, {"self"}, lambda s, u: _click(s, u, "win_undo", value=win), win_state, _refusal)

    with db.session() as session:
        link = session.exec(select(MentorLink)).one()

    def mentorship() -> tuple[str, str, str | None]:
        with db.session() as session:
            row = session.get(MentorLink, link.id)
            return row.status, row.sees, row.room_channel_id

    sees = {"type": "checkboxes", "selected_options": [{"value": "roadmap"}]}
    _check(
        running_bot,
        slack,
        {"self"},
        lambda s, u: _click(s, u, "mentor_sees", block_id=f"mentor:{link.id}", **sees),
        mentorship,
        _refusal,
    )
    _check(
        running_bot, slack, {"self"}, lambda s, u: _click(s, u, "mentor_room", value=str(link.id)), mentorship, _refusal
    )

    def confirmed_again() -> None:
        with db.session() as session:
            row = session.get(MentorLink, link.id)
            row.status, row.ended_at = "confirmed", None
            session.add(row)

    # either side may end a mentorship
    _check(
        running_bot,
        slack,
        {"self", "mentor"},
        lambda s, u: _click(s, u, "mentor_end", value=str(link.id)),
        mentorship,
        _refusal,
        reset=confirmed_again,
    )
