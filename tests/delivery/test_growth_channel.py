"""Posts to a growth channel Trellis cannot post in wait for it, and the admins hear once (both databases);
rows of a workspace that uninstalled the app are cancelled, not failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import Session, select

from bot.slack_client import SlackClients
from delivery.dispatcher import CALLING_AHEAD, Dispatcher
from delivery.kinds import GROWTH_POST
from delivery.outbound import Outbound
from delivery.senders import growth_channel
from growth import workspaces
from growth.channel import TRY_AGAIN_EVERY, WAIT_AT_MOST, problem_of
from growth.home import home_of
from growth.notices import Notice
from growth.personal_data import delete_data
from growth.settings import current, save
from growth.visibility import Visibility
from growth.wins import Details, change_visibility, log
from slacksim import FakeSlack
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, Person, Win
from tests.clock import Clock
from tests.factories import person

START = datetime.now(UTC).replace(microsecond=0)
OUTBOUND = Outbound(())


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _dispatcher(db: Database, slack: FakeSlack, clock: Clock, *, installed: bool = True) -> Dispatcher:
    clients = SlackClients(slack.api_url)

    def client_for_team(team_id: str, enterprise_id: str | None) -> WebClient | None:
        return clients.for_outbox(slack.install(team_id)) if installed else None

    return Dispatcher(db, client_for_team, clock=clock, senders=growth_channel.senders(db, OUTBOUND, clock))


@pytest.fixture
def admins(db: Database, slack: FakeSlack) -> tuple[Person, Person]:
    for user in ("U0ADMIN", "U0BOSS", "U0MAYA"):
        slack.add_user("T1", user, name=user[2:].title())
    admin, boss = person(db, "U0ADMIN", admin=True, now=START), person(db, "U0BOSS", admin=True, now=START)
    slack.add_channel("C0GROWTH", "growth", bot_member=False)
    with db.session() as session:
        workspaces.set_growth_channel(session, person=admin, channel_id="C0GROWTH", now=START)
    return admin, boss


def _public_win(db: Database, text: str, clock: Clock) -> None:
    maya = person(db, "U0MAYA", now=START)
    with db.session() as session:
        changed = log(
            session,
            person=maya,
            details=Details(text=text, visibility=Visibility.PUBLIC),
            source="command",
            request_key=text,
            today=clock().date(),
            now=clock(),
        )
        OUTBOUND.queue(session, changed.notices, now=clock())


def _posted(slack: FakeSlack, channel: str) -> list[str]:
    return [message["text"] for message in slack.posted(channel)]


def test_posts_wait_for_a_channel_trellis_is_not_in_and_go_once_it_is_invited(
    db: Database, slack: FakeSlack, clock: Clock, admins: tuple[Person, Person]
) -> None:
    admin, _ = admins
    dispatcher = _dispatcher(db, slack, clock)
    _public_win(db, "First win", clock)
    report = dispatcher.drain()
    assert (report.sent, report.waiting, report.failed) == (2, 1, 0), "the two admins' DMs went; the post waits"
    assert "waiting for the growth channel 1" in report.summary()
    told = [m["text"] for m in slack.posted() if m["channel"] in ("D0ADMIN", "D0BOSS")]
    assert len(told) == 2 and all("not a member" in t and "/invite @Trellis" in t for t in told)
    with db.session() as session:
        assert problem_of(session, team_id="T1").code == "not_in_channel"  # type: ignore[union-attr]
        home = home_of(session, person=admin, defaults=(), now=clock())
        assert home.channel_problem is not None and home.channel_problem.channel == "C0GROWTH"

    _public_win(db, "Second win", clock)
    assert dispatcher.drain().waiting == 1
    assert len([m for m in slack.posted() if m["channel"] in ("D0ADMIN", "D0BOSS")]) == 2, "told once"
    clock.advance(seconds=TRY_AGAIN_EVERY.total_seconds() - 5)
    assert dispatcher.drain().claimed == 0, "tried again only every ten minutes"

    slack.invite_bot("C0GROWTH")
    clock.advance(seconds=10)
    report = dispatcher.drain()
    assert report.sent == 2 and report.waiting == 0, "one got through, and the other went with it"
    assert [t.split(":")[0] for t in _posted(slack, "C0GROWTH")] == ["🌱 Maya logged a win"] * 2
    with db.session() as session:
        assert problem_of(session, team_id="T1") is None
        assert outbox.states(session).waiting == 0


def test_a_post_waits_at_most_a_week_then_gives_up(
    db: Database, slack: FakeSlack, clock: Clock, admins: tuple[Person, Person]
) -> None:
    dispatcher = _dispatcher(db, slack, clock)
    _public_win(db, "Old news", clock)
    assert dispatcher.drain().waiting == 1
    clock.advance(seconds=(WAIT_AT_MOST - timedelta(minutes=1)).total_seconds())
    assert dispatcher.drain().waiting == 1
    clock.advance(minutes=11)
    report = dispatcher.drain()
    assert (
        report.failed == 1
        and "gave up: the growth channel was unavailable for 7 days (not_in_channel)" in report.summary()
    )


def test_an_admin_choosing_another_channel_sends_the_waiting_posts_there(
    db: Database, slack: FakeSlack, clock: Clock, admins: tuple[Person, Person]
) -> None:
    admin, _ = admins
    dispatcher = _dispatcher(db, slack, clock)
    _public_win(db, "A win", clock)
    assert dispatcher.drain().waiting == 1
    slack.add_channel("C0WINS", "wins")
    with db.session() as session:
        unchanged = current(session, person=admin, now=clock()).checkin
        saved = save(session, person=admin, checkin=unchanged, channel="C0WINS", now=clock())
        OUTBOUND.queue(session, saved.notices, now=clock())
    assert dispatcher.drain().sent == 1, "due at once, not in ten minutes"
    assert len(_posted(slack, "C0WINS")) == 1 and _posted(slack, "C0GROWTH") == []


def test_an_archived_or_private_channel_waits_too_and_says_why(
    db: Database, slack: FakeSlack, clock: Clock, admins: tuple[Person, Person]
) -> None:
    slack.add_channel("C0GROWTH", "growth", archived=True)
    _public_win(db, "A win", clock)
    assert _dispatcher(db, slack, clock).drain().waiting == 1
    assert any("it is archived" in m["text"] and "unarchive it" in m["text"] for m in slack.posted())


def test_rows_of_a_workspace_that_uninstalled_the_app_are_cancelled_not_failed(
    db: Database, slack: FakeSlack, clock: Clock
) -> None:
    person(db, "U0MAYA", team="T1", now=START)
    person(db, "U0MAYA", team="T2", now=START)
    with db.session() as session:
        workspaces.uninstalled(session, team_id="T1", now=clock())
        for team in ("T1", "T2", "T3"):
            outbox.enqueue(
                session,
                team_id=team,
                key="dm",
                method="chat.postMessage",
                payload={"channel": "U0MAYA", "text": "hi"},
                now=clock(),
            )
    report = _dispatcher(db, slack, clock, installed=False).drain()
    assert (report.cancelled, report.failed) == (1, 2), "T2 is installed but has no token, T3 was never installed"
    assert "cancelled (uninstalled) 1" in report.summary()
    with db.session() as session:
        rows = {row.team_id: row for row in session.exec(select(OutboxMessage)).all()}
    assert rows["T1"].cancelled_at is not None and rows["T1"].failed_at is None
    assert rows["T1"].last_error == outbox.UNINSTALLED and rows["T2"].last_error == "not_installed"


def test_a_revoked_token_cancels_the_rows_of_an_uninstalled_workspace(
    db: Database, slack: FakeSlack, clock: Clock
) -> None:
    slack.add_user("T1", "U0MAYA", name="Maya")
    person(db, "U0MAYA", team="T1", now=START)
    slack.revoke(slack.install("T1"))
    with db.session() as session:
        outbox.enqueue(
            session,
            team_id="T1",
            key="before",
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": "x"},
            now=clock(),
        )
    assert _dispatcher(db, slack, clock).drain().failed == 1, "not known to be uninstalled: a failure worth a look"
    with db.session() as session:
        workspaces.uninstalled(session, team_id="T1", now=clock())
        outbox.enqueue(
            session,
            team_id="T1",
            key="after",
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": "x"},
            now=clock(),
        )
    assert _dispatcher(db, slack, clock).drain().cancelled == 1


def _made_private(session: Session, person: Person, win_id: int, now: datetime) -> list[Notice]:
    changed = change_visibility(session, person=person, win_id=win_id, visibility=Visibility.PRIVATE, now=now)
    return changed.notices


def _data_deleted(session: Session, person: Person, win_id: int, now: datetime) -> list[Notice]:
    return delete_data(session, person=person, now=now).notices


def _after_the_first_post(
    db: Database,
    dispatcher: Dispatcher,
    clock: Clock,
    taking_back: Callable[[Session, Person, int, datetime], list[Notice]],
    text: str,
) -> None:
    """The growth channel's sender makes its first post, then the win `text` is taken back by its author
    (before the sender records that post)."""
    with db.session() as session:
        win = session.exec(select(Win).where(Win.text == text)).one()
        author = session.get(Person, win.person_id)
    assert author is not None and win.id is not None
    post, taken = dispatcher.senders[GROWTH_POST], []

    def first_then_taken_back(client: WebClient, row: outbox.Claimed) -> Any:
        answer = post(client, row)
        if not taken:
            taken.append(True)
            with db.session() as session:
                OUTBOUND.queue(session, taking_back(session, author, win.id, clock()), now=clock())
        return answer

    dispatcher.senders[GROWTH_POST] = first_then_taken_back


@pytest.mark.parametrize("taking_back", [_made_private, _data_deleted])
def test_a_post_taken_back_while_it_is_on_its_way_is_deleted_at_once(
    db: Database,
    slack: FakeSlack,
    clock: Clock,
    admins: tuple[Person, Person],
    taking_back: Callable[[Session, Person, int, datetime], list[Notice]],
) -> None:
    """The win made private, or its author's data deleted, after Slack answered the post and before the
    sender recorded it: the sender finds the row taken back, and deletes the post."""
    slack.invite_bot("C0GROWTH")
    dispatcher = _dispatcher(db, slack, clock)
    _public_win(db, "Shipped the fix", clock)
    _after_the_first_post(db, dispatcher, clock, taking_back, "Shipped the fix")
    report = dispatcher.drain()
    assert (report.sent, report.taken_down, report.failed) == (2, 1, 0), "the post, then its deletion"
    assert report.summary().startswith("sent 2, rescheduled 0, gave up on 0 (1 of them deleting posts taken back")
    (deleted,) = slack.calls("chat.delete")
    assert deleted.args["channel"] == "C0GROWTH"
    assert _posted(slack, "C0GROWTH") == []
    assert dispatcher.drain().claimed == 0, "deleted once"


@pytest.mark.parametrize("taking_back", [_made_private, _data_deleted])
def test_a_post_taken_back_after_its_claim_and_before_its_call_is_never_posted(
    db: Database,
    slack: FakeSlack,
    clock: Clock,
    admins: tuple[Person, Person],
    taking_back: Callable[[Session, Person, int, datetime], list[Notice]],
) -> None:
    """One batch claims several posts and sends them one after another: a win made private (or its
    author's data deleted) while the posts before its own are sent is left out, not posted and deleted."""
    slack.invite_bot("C0GROWTH")
    dispatcher = _dispatcher(db, slack, clock)
    texts = [f"Shipped fix number {n}" for n in range(CALLING_AHEAD + 1)]
    for text in texts:
        _public_win(db, text, clock)
    # The batch's first post made: the last one is claimed, and not marked as calling yet.
    _after_the_first_post(db, dispatcher, clock, taking_back, texts[-1])
    report = dispatcher.drain()
    assert not any(texts[-1] in str(call.args.get("text")) for call in slack.calls("chat.postMessage"))
    assert report.withdrawn == 1
    assert "taken back before sending 1" in report.summary()
    kept = texts[:-1] if taking_back is _made_private else []  # deleting the data takes all of Maya's posts
    assert [text for text in texts if any(text in posted for posted in _posted(slack, "C0GROWTH"))] == kept
