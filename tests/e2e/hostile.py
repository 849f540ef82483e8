"""Hostile input for every listener, derived from `handlers.routes.ROUTES`: a route added there is fuzzed
without a change here. Shared by the suite (tests/e2e/test_hostile_input.py) and its larger run
(bench/hostile_input.py).

Each request is signed and shaped as Slack shapes it, with what a forged, stale or garbled one holds:
wrong types, missing keys, other people's ids, huge numbers, 100 KB strings, NUL and control
characters, RTL overrides, ZWJ emoji, mrkdwn and mentions. What must hold for every one of them
(`Judge`): a clear answer or a 400, never a 500 and never silence; no traceback logged at ERROR; no row
written for a request refused with a 4xx; nothing of someone else's shown to the sender; no change to
someone else's data.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlmodel import SQLModel, func, select

from blocks.ids import ActionId, BlockId, CallbackId
from growth import asks, checkins, links, mentors, roadmap
from growth.frameworks.shipped import shipped
from growth.levels import choose_level
from growth.wins import Details, log_win
from handlers.commands import SUBCOMMANDS
from handlers.routes import ANYTHING, ROUTES, Route, Surface
from slacksim import FakeSlack, Reply, SlackSender
from storage.db import Database
from storage.models import (
    Ask,
    Checkin,
    CheckinPlan,
    FeedbackRound,
    ManagerLink,
    MentorLink,
    Objective,
    Person,
    Win,
)
from tests.factories import person

SECRET = "SECRET-of-"  # in every private thing of Dev's and Ray's: never shown to anyone else
SE = "software-engineering"


# -- the world the requests land in -------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Maya (who sends most requests), her confirmed manager Dev, her confirmed report Sam, Dev's other
    report Ray, and Ada, Maya's mentor. Dev and Ray hold private things no request of the others may show
    or change; every row's id is offered to the fuzzer as "someone's id"."""

    team: str
    actors: tuple[str, ...]  # who sends the requests
    others: tuple[str, ...]  # whose data must stay untouched and unseen
    users: tuple[str, ...]  # every user id the fuzzer may name
    row_ids: tuple[int, ...]
    triggers: tuple[str, ...]  # trigger ids others' rows were made from (a replay must show nothing)
    others_ids: tuple[int, ...] = ()  # the Person ids of `others`


def seed(db: Database, slack: FakeSlack, *, now: datetime | None = None) -> World:
    now = now or datetime.now(UTC)
    team = slack.team_id
    for user_id, name in (("U0SAM", "Sam"), ("U0RAY", "Ray"), ("U0ADA", "Ada"), ("U0BOSS", "Boss")):
        slack.add_user(team, user_id, name=name)
    slack.add_user(team, "U0ADMIN", name="Admin", is_admin=True)
    admin = person(db, "U0ADMIN", team=team, admin=True, now=now)
    maya, dev, sam, ray, ada, boss = (
        person(db, user, team=team, now=now) for user in ("U0MAYA", "U0DEV", "U0SAM", "U0RAY", "U0ADA", "U0BOSS")
    )
    triggers = ("9001.1.devtrigger", "9002.1.raytrigger")
    with db.session() as session:
        for who in (maya, dev, ray, sam):
            choose_level(
                session, person=who, level_ref=f"{SE}/IC3", target_ref=f"{SE}/IC4", defaults=shipped(), now=now
            )
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=now)
        links.admin_set(session, admin=admin, report=ray, manager=dev, now=now)
        links.admin_set(session, admin=admin, report=sam, manager=maya, now=now)
        links.admin_set(session, admin=admin, report=dev, manager=boss, now=now)
        mentorship = mentors.ask(session, person=maya, mentor=ada, now=now).mentorship
        mentors.answer(session, link_id=mentorship.link.id, who=ada, confirm=True, now=now)
        mentors.ask(session, person=ray, mentor=dev, now=now)
        for who, trigger in ((dev, triggers[0]), (ray, triggers[1]), (maya, "9003.1.mayatrigger")):
            mine = f"{SECRET}{who.slack_user_id}" if who is not maya else "Maya's own"
            log_win(
                session,
                person=who,
                details=Details(text=f"{mine} win"),
                source="command",
                request_key=f"command:{trigger}",
                today=now.date(),
                now=now,
            )
            roadmap.add(session, person=who, competency_id="mentoring", title=f"{mine} objective", due_on=None, now=now)
            checkins.enrol(session, person=who, now=now - timedelta(days=8))
        for who in (maya, dev, ray):
            secret = f"{SECRET}{who.slack_user_id}" if who is not maya else "Maya's own"
            asks.create(
                session,
                person=who,
                draft=asks.Draft(f"{secret} decision", f"{secret} recommendation"),
                request_key=f"modal:{who.slack_user_id}",
                today=now.date(),
                now=now,
            )
    with db.session() as session:
        for plan in session.exec(select(CheckinPlan)).all():
            plan.next_at = now - timedelta(minutes=1)
            session.add(plan)
    with db.session() as session:
        checkins.due_checkins(session, now=now)
        for row in session.exec(select(Checkin)).all():
            owner = session.get(Person, row.person_id)
            assert owner is not None
            row.status, row.channel_id, row.message_ts = "sent", "D" + owner.slack_user_id[1:], f"{row.id}.000100"
            if owner.slack_user_id in ("U0DEV", "U0RAY"):
                row.learned = f"{SECRET}{owner.slack_user_id} learned"
            session.add(row)
    ids: set[int] = set()
    with db.session() as session:
        for model in (Win, Objective, Checkin, Ask, ManagerLink, MentorLink, FeedbackRound, Person):
            ids.update(row for row in session.exec(select(model.id)).all() if row is not None)  # type: ignore[attr-defined]
        others_ids = tuple(
            session.exec(select(Person.id).where(Person.slack_user_id.in_(["U0DEV", "U0RAY"]))).all()  # type: ignore[attr-defined]
        )
    return World(
        team=team,
        actors=("U0MAYA", "U0MAYA", "U0MAYA", "U0SAM", "U0EVE"),
        others=("U0DEV", "U0RAY"),
        users=("U0MAYA", "U0DEV", "U0SAM", "U0RAY", "U0ADA", "U0BOSS", "U0ADMIN", "U0EVE", "W0GRID", "U0NOBODY"),
        row_ids=tuple(sorted(ids)),
        triggers=triggers,
        others_ids=others_ids,  # type: ignore[arg-type]
    )


# -- what hostile values look like ------------------------------------------------------------------

HUGE = 100_000
NASTY_TEXT = (
    "",
    " ",
    "\x00",
    "Led the review\x00 across teams",
    "tab\there\x07bell\x1bescape\x7fdel",
    "\u202eOFNI\u202c right-to-left override",
    "\u200f\u200e\u2066isolate\u2069",
    "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽",
    "<!channel> <!here|here> <!everyone>",
    "<@U0DEV> and <@U0DEV|dev> and <#C0GENERAL|general>",
    "*bold* _it_ ~strike~ `code` ```block``` > quote",
    "&amp; &lt; &gt; <https://evil.example|click>",
    "\ud800 lone surrogate",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "null",
    "{}",
    "[]",
    '{"k": "x"}',
    "../../etc/passwd",
    "'; DROP TABLE wins; --",
    "%s %d {0} {name}",
    "\r\n\r\nInjected: header",
)
NASTY_IDS = (
    "",
    "U0DEV",
    "U" + "X" * 100,
    "U0MAYA\x00",
    "u0maya",
    "T0ELSEWHERE",
    "W0GRID",
    "B0TRELLIS",
    "USLACKBOT",
    "U0NOBODY",
    "<@U0DEV>",
)
NASTY_NUMBERS: tuple[Any, ...] = (0, -1, 1, 2**31, 2**31 - 1, 2**63, 10**30, -(10**30), 1.5, float("1e308"))


def _huge(character: str) -> str:
    """100 KB of one character, made when drawn: a literal would sit in every strategy's repr."""
    return character * (HUGE // len(character.encode()))


@cache
def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_TEXT),
        st.builds(_huge, st.sampled_from(("x", "é", "👩‍👩‍👧‍👦", "\x00", "<!channel> "))),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn", "So"]), max_size=20),
    )


def _same(value: Any) -> Any:
    return value


def mostly_empty(extra: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(*[st.just({}).map(_same) for _ in range(7)], extra)


def mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`good`, and now and then a value of the wrong type (which Slack never sends: a 400)."""
    return st.one_of(*[good.map(_same) for _ in range(7)], json_values())  # one_of would merge equal branches


@cache
def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.sampled_from(NASTY_NUMBERS), st.integers(), texts(), st.sampled_from(NASTY_IDS)
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=6,
    )


@cache
def row_ids(world: World) -> st.SearchStrategy[Any]:
    """An id as a button or form carries it: someone's row, none, or not a number at all."""
    return st.one_of(
        st.sampled_from(world.row_ids).map(str),
        st.sampled_from(NASTY_NUMBERS).map(str),
        st.sampled_from(("", "abc", "1:2", " 7", "007", "٣", "²", "1" * 30)),
    )


@cache
def user_ids(world: World) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(world.users), st.sampled_from(NASTY_IDS))


@cache
def scalar_values(world: World) -> st.SearchStrategy[Any]:
    """What a button's `value` or an option's `value` may hold."""
    ids_with_suffix = st.tuples(st.sampled_from(world.row_ids), texts()).map(lambda pair: f"{pair[0]}:{pair[1]}")
    return st.one_of(row_ids(world), user_ids(world), texts(), ids_with_suffix, st.sampled_from(_ENUM_VALUES))


_ENUM_VALUES = (
    "private",
    "shared",
    "public",
    "planned",
    "in_progress",
    "done",
    "dropped",
    "wins",
    "thread",
    "roadmap",
    "yes",
    "no",
    "not_sure",
    "named",
    "anonymous",
    "consistently",
    "sometimes",
    "not_yet",
    "not_seen",
    "mentoring",
    "technical-direction",
    f"{SE}/IC3",
    f"{SE}/IC4",
    f"{SE}/EM1",
    "1",
    "5",
)


@cache
def block_ids(world: World) -> st.SearchStrategy[str]:
    prefixes = ("win:", "objective:", "mentor:", "gap:", "rating:", "example:")
    prefixed = st.tuples(st.sampled_from(prefixes), scalar_values(world).map(str)).map("".join)
    return st.one_of(st.sampled_from([str(b) for b in BlockId]), prefixed, st.just("b"), texts())


def option(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return value.map(lambda v: {"value": v, "text": {"type": "plain_text", "text": "x"}})


@cache
def element_state(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """One input's state in a view submission: any of Slack's keys, with good, foreign or garbled values."""
    values = scalar_values(world)
    keys = {
        "type": st.sampled_from(
            ("plain_text_input", "static_select", "multi_static_select", "datepicker", "checkboxes", "radio_buttons")
        ),
        "value": mostly(texts()),
        "selected_option": mostly(option(values)),
        "selected_options": mostly(st.lists(option(values), max_size=4)),
        "selected_users": mostly(st.lists(user_ids(world), max_size=4)),
        "selected_user": mostly(user_ids(world)),
        "selected_channel": mostly(st.sampled_from(("C0GROWTH", "C" + "X" * 80, "", "U0DEV", "C0GROWTH\x00"))),
        "selected_conversation": mostly(st.just("C0GROWTH")),
        "selected_date": mostly(st.one_of(st.dates().map(str), st.sampled_from(("", "2026-02-30", "tomorrow")))),
        "selected_time": mostly(st.sampled_from(("09:00", "25:61", ""))),
    }
    return st.fixed_dictionaries({}, optional=keys)


@cache
def state_values(world: World) -> st.SearchStrategy[Any]:
    inputs = st.dictionaries(
        block_ids(world),
        mostly(st.dictionaries(st.sampled_from([str(a) for a in ActionId]), element_state(world), max_size=2)),
        max_size=8,
    )
    return mostly(inputs)


@cache
def private_metadata(world: World) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(("k", "w", "c", "r", "p", "v", "t", "l", "i", "s", "person", "version", "target"))
    dumped = st.dictionaries(keys, mostly(scalar_values(world)), max_size=5).map(json.dumps)
    triggered = st.sampled_from(world.triggers).map(lambda t: json.dumps({"k": f"command:{t}"}))
    return mostly(st.one_of(dumped, triggered, row_ids(world), texts()))


# -- the requests, one strategy per surface -----------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """One request: which route it aims at, and how to send it."""

    route: str
    actor: str
    send: Callable[[SlackSender], Reply]
    about: str  # a short description for a failing example
    answered: bool = True  # someone asked and must be answered (an event answers nobody)

    def __repr__(self) -> str:
        return f"Hostile({self.route} as {self.actor}: {self.about[:600]})"


def _view(world: World, callback_id: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "id": mostly(st.sampled_from(("V0NOTHERE", "V0NOTHERE", ""))),
            "type": st.just("modal"),
            "callback_id": callback_id,
            "private_metadata": private_metadata(world),
            "hash": st.just("1.1"),
        },
        optional={
            "blocks": mostly(st.just([])),
            "state": st.fixed_dictionaries({"values": state_values(world)}),
        },
    )


def _command(route: Route, world: World) -> st.SearchStrategy[Hostile]:
    words = st.just("") if route.matches != "/trellis" else st.sampled_from(["", "help", *SUBCOMMANDS])
    mention = st.one_of(st.just(""), st.sampled_from(world.users).map(lambda user: f"<@{user}|x>"))
    text = st.tuples(words, texts(), mention).map(lambda parts: " ".join(p for p in parts if p))
    extra = st.fixed_dictionaries(
        {},
        optional={
            "trigger_id": st.one_of(st.sampled_from(world.triggers), texts()),
            "channel_id": st.one_of(st.sampled_from(NASTY_IDS), texts()),
            "user_name": texts(),
            "enterprise_id": st.sampled_from(NASTY_IDS),
        },
    )
    command = str(route.matches) if route.matches is not ANYTHING else "/growth"

    def build(actor: str, typed: str, more: dict[str, Any]) -> Hostile:
        # A form body is UTF-8: a lone surrogate cannot be in one (only JSON can carry it, escaped).
        typed = typed.encode("utf-8", "replace").decode()
        more = {key: str(value).encode("utf-8", "replace").decode() for key, value in more.items()}
        return Hostile(
            str(route.matches),
            actor,
            lambda s: s.command(command, typed, user_id=actor, **more),
            f"{command} {typed[:200]!r} {more!r}"[:600],
        )

    return st.builds(build, st.sampled_from(world.actors), text, extra)


def _action(route: Route, world: World) -> st.SearchStrategy[Hostile]:
    values = scalar_values(world)
    action = st.fixed_dictionaries(
        {"action_id": st.just(str(route.matches))},
        optional={
            "block_id": block_ids(world),
            "type": st.sampled_from(("button", "static_select", "checkboxes", "users_select", "overflow")),
            "value": mostly(values),
            "selected_option": mostly(option(values)),
            "selected_options": mostly(st.lists(option(values), max_size=3)),
            "selected_user": user_ids(world),
            "selected_users": st.lists(user_ids(world), max_size=3),
            "selected_date": st.one_of(st.dates().map(str), texts()),
        },
    )
    where = st.one_of(
        st.none(),  # in a message (a DM)
        _view(world, st.sampled_from([str(c) for c in CallbackId] + ["", "home"])),  # in some modal, or not its own
        st.just({"id": "V0HOME", "type": "home", "callback_id": "", "private_metadata": ""}),
    )
    extra = st.fixed_dictionaries(
        {},
        optional={
            "trigger_id": st.one_of(st.sampled_from(world.triggers), texts()),
            "container": mostly(st.just({"type": "message", "channel_id": "D0MAYA", "message_ts": "1.2"})),
            "channel": mostly(st.just({"id": "C0GENERAL"})),
            "message": mostly(st.just({"ts": "1.2", "text": "hi"})),
            "response_url": st.one_of(st.just(""), texts()),
            "user": st.one_of(st.sampled_from(world.users), json_values()),  # `user` as a string, or worse
            "actions": st.lists(json_values(), max_size=2),  # non-objects
        },
    )

    def build(actor: str, act: dict[str, Any], view: dict[str, Any] | None, more: dict[str, Any]) -> Hostile:
        def send(sender: SlackSender) -> Reply:
            return sender.block_action(user_id=actor, action=act, view=view, **more)

        about = json.dumps({"action": act, "view": view, **more}, ensure_ascii=True, default=str)
        return Hostile(str(route.matches), actor, send, about)

    return st.builds(build, st.sampled_from(world.actors), action, where, mostly_empty(extra))


def _submission(route: Route, world: World) -> st.SearchStrategy[Hostile]:
    view = _view(world, st.just(str(route.matches)))
    missing = st.sets(st.sampled_from(("blocks", "state", "private_metadata", "id", "hash")), max_size=2)

    def build(actor: str, held: dict[str, Any], values: Any, dropped: set[str]) -> Hostile:
        def send(sender: SlackSender) -> Reply:
            payload = {
                "type": "view_submission",
                "user": {"id": actor, "username": actor.lower(), "name": actor.lower(), "team_id": world.team},
                "trigger_id": sender.fake.trigger_id(),
                "view": {k: v for k, v in {**held, "state": {"values": values}}.items() if k not in dropped},
                "response_urls": [],
            }
            return sender.interactive(payload)

        about = json.dumps({"view": held, "values": values, "dropped": sorted(dropped)}, default=str)
        return Hostile(str(route.matches), actor, send, about)

    return st.builds(build, st.sampled_from(world.actors), view, state_values(world), missing)


def _shortcut(route: Route, world: World) -> st.SearchStrategy[Hostile]:
    message = st.fixed_dictionaries(
        {"ts": st.one_of(st.just("1.000200"), texts())},
        optional={"text": texts(), "user": user_ids(world), "blocks": mostly(st.just([]))},
    )
    callback = str(route.matches) if route.matches is not ANYTHING else "not_ours"

    def build(actor: str, held: Any, channel: Any) -> Hostile:
        def send(sender: SlackSender) -> Reply:
            payload = {
                "type": "message_action",
                "callback_id": callback,
                "trigger_id": sender.fake.trigger_id(),
                "response_url": sender.fake.response_url(),
                "user": {"id": actor, "name": actor.lower(), "team_id": world.team},
                "channel": channel,
                "message_ts": held.get("ts") if isinstance(held, dict) else None,
                "message": held,
            }
            return sender.interactive(payload)

        return Hostile(callback, actor, send, json.dumps({"message": held, "channel": channel}, default=str)[:600])

    channel = mostly(st.just({"id": "C0GENERAL", "name": "eng"}))
    return st.builds(build, st.sampled_from(world.actors), mostly(message), channel)


def _event(route: Route, world: World) -> st.SearchStrategy[Hostile]:
    fields = {
        "user": user_ids(world),
        "channel": mostly(st.one_of(st.sampled_from(("D0MAYA", "D0DEV", "C0GENERAL")), texts())),
        "channel_type": st.sampled_from(("im", "channel", "group", "")),
        "tab": st.sampled_from(("home", "messages", "")),
        "text": texts(),
        "ts": st.one_of(st.just("1.000300"), texts()),
        "thread_ts": mostly(st.one_of(st.sampled_from([f"{n}.000100" for n in world.row_ids]), texts())),
        "subtype": st.sampled_from(("message_changed", "bot_message", "")),
        "bot_id": st.sampled_from(("", "B0TRELLIS")),
    }
    event = st.fixed_dictionaries({"type": st.just(str(route.matches))}, optional=fields)
    event_id = st.one_of(st.none(), st.sampled_from(("Ev" + "X" * 100, "Ev\x00", "", "Ev0SAME")))

    def build(actor: str, held: dict[str, Any], chosen_id: str | None) -> Hostile:
        held = {"user": actor, **held}

        def send(sender: SlackSender) -> Reply:
            return sender.event(held, event_id=chosen_id)

        about = json.dumps({"event": held, "id": chosen_id}, default=str)
        return Hostile(str(route.matches), actor, send, about, answered=False)

    return st.builds(build, st.sampled_from(world.actors), event, event_id)


SURFACES: dict[Surface, Callable[[Route, World], st.SearchStrategy[Hostile]]] = {
    Surface.COMMAND: _command,
    Surface.ACTION: _action,
    Surface.VIEW: _submission,
    Surface.SHORTCUT: _shortcut,
    Surface.EVENT: _event,
}


def requests(world: World) -> st.SearchStrategy[Hostile]:
    """A hostile request for any route of the table."""
    return st.one_of([SURFACES[route.surface](route, world) for route in ROUTES])


# -- what must hold -------------------------------------------------------------------------------------

TRACEBACK_PLACE = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
# What a row of Dev's or Ray's may gain from someone else's request: the profile Slack gives when they are
# named, and the Enterprise Grid org any signed request of the workspace states (growth.people backfills
# it onto the people a request names).
NOT_THEIRS = {"profile_refreshed_at", "updated_at", "display_name", "tz", "enterprise_id"}
REJECTED = re.compile(r"not shaped like Slack's: (.+)")
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\w+) ", re.MULTILINE)


@dataclass
class Tally:
    """What a run found: answers by status, tracebacks at ERROR and where they were raised."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    tracebacks: int = 0
    places: Counter[str] = field(default_factory=Counter)
    leaks: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)  # why signed requests got 400
    silent: list[str] = field(default_factory=list)  # acknowledged, and nothing said to anyone
    written: list[str] = field(default_factory=list)  # refused with a 4xx, and yet a row was written


def error_tracebacks(log: str) -> list[str]:
    """The innermost place of each traceback logged with an ERROR (or CRITICAL) record."""
    places = []
    starts = [(m.start(), m.group(1)) for m in LOG_RECORD.finditer(log)] + [(len(log), "")]
    for (start, level), (end, _) in itertools.pairwise(starts):
        record = log[start:end]
        if level not in ("ERROR", "CRITICAL") or "Traceback (most recent call last)" not in record:
            continue
        frames = TRACEBACK_PLACE.findall(record)
        if frames:
            path, line, function = frames[-1]
            places.append(f"{_short(path)}:{line} in {function}")
    return places


def _short(path: str) -> str:
    for marker in ("site-packages/", "/wt12-hardening/", "/trellis/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name


class Judge:
    """Watches one running bot: its log, what it sent to Slack, and the data of the people it must not touch."""

    def __init__(self, log: Path, slack: FakeSlack, db: Database, world: World) -> None:
        self.log, self.slack, self.db, self.world = log, slack, db, world
        self.offset = self._size()
        self.calls_seen = len(slack.calls())
        self.responses_seen = len(slack.responses())
        self.before = self.fingerprint()

    def _size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def new_log(self) -> str:
        with self.log.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode(errors="replace")
        self.offset += len(text.encode(errors="replace"))
        return text

    def fingerprint(self) -> str:
        """Every row that belongs to Dev or Ray (and so may change only by their hand), in one string."""
        others = list(self.world.others_ids)
        owned = (
            (Win, Win.person_id),
            (Objective, Objective.person_id),
            (Checkin, Checkin.person_id),
            (Ask, Ask.person_id),
            (CheckinPlan, CheckinPlan.person_id),
            (FeedbackRound, FeedbackRound.person_id),
            (ManagerLink, ManagerLink.report_id),
            (MentorLink, MentorLink.person_id),
            (Person, Person.id),
        )
        rows = []
        with self.db.session() as session:
            for model, column in owned:
                for row in session.exec(select(model).where(column.in_(others)).order_by(model.id)).all():  # type: ignore[attr-defined]
                    kept = row.model_dump(exclude=NOT_THEIRS)
                    rows.append(f"{model.__name__}:{kept}")
        return "\n".join(rows)

    def leaked(self, reply: Reply | None) -> list[str]:
        """Anything of Dev's or Ray's the bot showed a sender since the last look: in an answer, a modal, a
        response_url post, a channel, or a DM or App Home of one of the senders. (A DM or a home of
        someone else, such as Dev's own or his manager's, is theirs to see; an event may name anyone.)"""
        shown = [reply.text] if reply is not None else []
        calls = self.slack.calls()[self.calls_seen :]
        self.calls_seen += len(calls)
        responses = self.slack.responses()[self.responses_seen :]
        self.responses_seen += len(responses)
        senders = {actor[1:] for actor in self.world.actors}
        for call in calls:
            to = str(call.args.get("channel") or call.args.get("user_id") or call.args.get("user") or "")
            if to[:1] in ("U", "W", "D") and to[1:] not in senders:
                continue
            shown.append(json.dumps(call.args, ensure_ascii=False, default=str))
        shown += [json.dumps(body, ensure_ascii=False) for body in responses]
        return [text[max(0, text.find(SECRET) - 80) :][:300] for text in shown if SECRET in text]

    def run(self, sender: SlackSender, hostile: Hostile, tally: Tally) -> Reply:
        """Send `hostile` and judge what followed."""
        said_before, rows_before = self._said(), self.rows()
        reply = send(sender, hostile)
        tally.requests += 1
        tally.statuses[reply.status] += 1
        if reply.status >= 500:
            tally.server_errors.append(repr(hostile))
        if 400 <= reply.status < 500 and self.rows() != rows_before:
            tally.written.append(repr(hostile))
        if hostile.answered and reply.status == 200 and not reply.body and not self._answered(said_before):
            tally.silent.append(repr(hostile))
        self.settle(tally, reply)
        now = self.fingerprint()
        if now != self.before:
            changed = [line for line in now.splitlines() if line not in self.before.splitlines()]
            tally.changed.append(f"{hostile!r} changed {changed[:3]}")
            self.before = now
        return reply

    def rows(self) -> dict[str, int]:
        """How many rows each table holds (a request refused with a 4xx writes none)."""
        with self.db.engine.connect() as connection:
            return {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables
            }

    def _said(self) -> int:
        return len(self.slack.calls()) + len(self.slack.responses())

    def _answered(self, before: int, patience: float = 2.0) -> bool:
        """Whether the bot said anything (a view, a message, a response_url post) after acknowledging."""
        deadline = time.monotonic() + patience
        while self._said() == before:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def settle(self, tally: Tally, reply: Reply | None = None) -> None:
        log = self.new_log()
        tally.rejected.update(REJECTED.findall(log))
        places = error_tracebacks(log)
        tally.tracebacks += len(places)
        tally.places.update(places)
        tally.leaks += self.leaked(reply)


def send(sender: SlackSender, hostile: Hostile) -> Reply:
    """Send it. A body over the bot's limit is answered 413 before it is read, and the connection closed
    while the sender still writes: that is the bot's answer, not a failure."""
    try:
        return hostile.send(sender)
    except OSError as error:
        if "Broken pipe" in str(error) or "Connection reset" in str(error):
            return Reply(413, b"closed while the body was being sent", {})
        raise
