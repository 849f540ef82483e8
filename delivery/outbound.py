"""The one way out: notices become outbox rows here, in the transaction of the change that caused them.

Every outbox key, payload and workspace of a row is made in this module and nowhere else. A key names
the intent (the ask's DM to its manager, Maya's check-in of week 49), so writing the same intent twice
queues it once. Each row carries the team and the Enterprise Grid id of the person it is for, so the
installation that sends it is found on a Grid install too. Messages whose reason to be sent may go away
before they are due (a check-in answered first, a reminder for an ask decided since) are rows of a
Trellis kind (`delivery.kinds`), composed by their sender when they are sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from functools import singledispatch
from typing import Any

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from blocks.asks import ask_for_manager, decided_for_person, withdrawn_for_manager
from blocks.career import result_message
from blocks.channel import problem_message
from blocks.checkins import shared_entry
from blocks.feedback import answered_message, asked_message, started_for_you
from blocks.links import outcome_for_manager, outcome_for_report
from blocks.links import request_message as link_request
from blocks.mentors import outcome_for_mentor, outcome_for_person
from blocks.mentors import request_message as mentor_request
from blocks.roadmap import roadmap_change
from blocks.text import escape, escape_within, one_line
from blocks.wins import public_post, win_answer
from delivery.kinds import (
    ASK_FOLLOW_UP,
    ASK_REMINDER,
    ASSESSMENT_CHART,
    CHECKIN,
    DIGEST,
    FEEDBACK_CHART,
    FEEDBACK_REMINDER,
    FEEDBACK_RESULTS,
    GROWTH_POST,
    PACKET,
    PERSONAL_DATA,
    PICTURE,
    SHARE,
)
from growth.frameworks.model import Framework
from growth.levels import competency_names
from growth.links import Link
from growth.notices import (
    Answered,
    AskBrought,
    AskDecided,
    Asked,
    AskFollowUpDue,
    AskReminderDue,
    AskWithdrawn,
    AssessmentRecorded,
    CheckinDue,
    CheckinReminderDue,
    DataExportRequested,
    DigestDue,
    Ended,
    EntryShared,
    FeedbackAnswered,
    FeedbackAsked,
    FeedbackClosed,
    FeedbackReminderDue,
    FeedbackShared,
    FeedbackStarted,
    GrowthChannelBroken,
    GrowthChannelChanged,
    LinkRemoved,
    LinkSet,
    Notice,
    PacketRequested,
    PersonForgotten,
    PictureDue,
    RoomArchived,
    RoomPost,
    Uninstalled,
    WinLoggedFor,
    WinPublished,
    WinWithdrawn,
)
from growth.vocabulary import win_vocabulary
from growth.wins import LoggedWin
from storage import outbox
from storage.db import Database
from storage.models import Checkin, Person

POST = "chat.postMessage"


@dataclass(frozen=True)
class Row:
    team_id: str
    enterprise_id: str | None
    key: str
    method: str
    payload: dict[str, Any]
    due_at: datetime | None = None  # None: at once
    subject: str | None = None  # what the call is about, for those taken back later (`outbox.withdraw`)


@dataclass(frozen=True)
class Writing:
    """What a row maker may need: the transaction, its clock, the frameworks a workspace starts on."""

    session: Session
    now: datetime
    frameworks: tuple[Framework, ...]


class Outbound:
    """Turns notices into outbox rows (see the module docstring)."""

    def __init__(self, frameworks: tuple[Framework, ...]) -> None:
        self.frameworks = frameworks

    def queue(self, session: Session, notices: Iterable[Notice], *, now: datetime) -> list[int]:
        """Write the rows of `notices` in `session`'s transaction; the ids of the rows this call wrote
        (an intent queued before is not queued again, and is not this call's to send)."""
        writing = Writing(session, now, self.frameworks)
        rows = [row for notice in notices for row in rows_of(notice, writing)]
        return outbox.enqueue_many(session, [asdict(row) for row in rows], now=now)


def _dm(person: Person, key: str, text: str, blocks: list[Block] | None = None) -> Row:
    payload: dict[str, Any] = {"channel": person.slack_user_id, "text": text}
    if blocks:
        payload["blocks"] = [block.to_dict() for block in blocks]
    return Row(person.team_id, person.enterprise_id, key, POST, payload)


def _post(person: Person, key: str, payload: dict[str, Any], *, method: str = POST) -> Row:
    return Row(person.team_id, person.enterprise_id, key, method, payload)


def unposting(team_id: str, enterprise_id: str | None, key: str, where: dict[str, Any]) -> Row | None:
    """The row that deletes a message Slack posted, `where` being Slack's answer to the post (its channel
    and ts); None when the answer does not say where the message is."""
    if not where.get("channel") or not where.get("ts"):
        return None
    return Row(team_id, enterprise_id, key, "chat.delete", {"channel": where["channel"], "ts": where["ts"]})


def _about_win(win_id: int | None) -> str:
    return f"win:{win_id}"


def _stamp(now: datetime) -> int:
    return int(now.timestamp())


def _publication(now: datetime) -> int:
    """A win's post after each change is its own (the one before is taken down): its key carries this."""
    return int(now.timestamp() * 1000)


@singledispatch
def rows_of(notice: Notice, writing: Writing) -> list[Row]:
    raise TypeError(f"no outbox rows are made for {type(notice).__name__}")


# -- manager links and mentorships ---------------------------------------------------------------


@rows_of.register
def _asked(notice: Asked, writing: Writing) -> list[Row]:
    relation = notice.relation
    if isinstance(relation, Link):
        text, blocks = link_request(relation)
        return [_dm(relation.manager, f"link-ask:{relation.id}", text, blocks)]
    text, blocks = mentor_request(relation)
    return [_dm(relation.mentor, f"mentor-ask:{relation.id}", text, blocks)]


@rows_of.register
def _answered(notice: Answered, writing: Writing) -> list[Row]:
    relation = notice.relation
    if isinstance(relation, Link):
        return [_dm(relation.report, f"link-answer:{relation.id}", outcome_for_report(relation))]
    return [_dm(relation.person, f"mentor-answer:{relation.id}", outcome_for_person(relation))]


@rows_of.register
def _ended(notice: Ended, writing: Writing) -> list[Row]:
    relation, told = notice.relation, notice.told
    if isinstance(relation, Link):
        return [_dm(told, f"link-end:{relation.id}", outcome_for_manager(relation))]
    said = outcome_for_mentor(relation) if told.id == relation.mentor.id else outcome_for_person(relation)
    return [_dm(told, f"mentor-end:{relation.id}", said)]


@rows_of.register
def _link_set(notice: LinkSet, writing: Writing) -> list[Row]:
    link = notice.link
    return [
        _dm(link.report, f"link-set:{link.id}", outcome_for_report(link)),
        _dm(link.manager, f"link-set-manager:{link.id}", outcome_for_manager(link)),
    ]


@rows_of.register
def _link_removed(notice: LinkRemoved, writing: Writing) -> list[Row]:
    key = f"link-removed:{notice.report.id}:{_stamp(writing.now)}"
    return [_dm(notice.report, key, "A workspace admin removed your manager link.")]


@rows_of.register
def _room_archived(notice: RoomArchived, writing: Writing) -> list[Row]:
    key = f"mentor-room-archive:{notice.link_id}"
    return [_post(notice.person, key, {"channel": notice.channel}, method="conversations.archive")]


@rows_of.register
def _room_post(notice: RoomPost, writing: Writing) -> list[Row]:
    about, who = notice.about, escape(one_line(notice.person.display_name, 60))
    if isinstance(about, LoggedWin):  # posted again after each change, as in the growth channel
        win_id, text = about.win.id, f"🏆 {who} logged a win: {escape_within(about.win.text, 2500)}"
        key = f"room-win:{win_id}:{_publication(writing.now)}:{notice.link_id}"
        return [
            replace(_post(notice.person, key, {"channel": notice.channel, "text": text}), subject=_about_win(win_id))
        ]
    if isinstance(about, Checkin):
        key, text = f"room-entry:{about.id}", f"📓 {who}'s growth thread\n{shared_entry(about)}"
    else:
        change = f":{notice.change}" if notice.change else ""
        key, text = f"room-objective:{about.id}{change}", roadmap_change(notice.person.display_name, about)
    return [_post(notice.person, f"{key}:{notice.link_id}", {"channel": notice.channel, "text": text})]


# -- wins ----------------------------------------------------------------------------------------


@rows_of.register
def _win_logged_for(notice: WinLoggedFor, writing: Writing) -> list[Row]:
    report = notice.report
    vocabulary = win_vocabulary(writing.session, person=report, defaults=writing.frameworks, now=writing.now)
    who = escape(notice.manager.display_name or "Your manager")
    note = f"{who} logged this win for you. It is yours to edit or delete."
    text, blocks = win_answer(notice.logged, vocabulary, note=note)
    return [_dm(report, f"win-for:{notice.logged.win.id}", text, blocks)]


@rows_of.register
def _win_published(notice: WinPublished, writing: Writing) -> list[Row]:
    """Posted to the growth channel as it is when sent: one that could not be posted in may be replaced."""
    person = notice.person
    names = competency_names(writing.session, team_id=person.team_id, defaults=writing.frameworks, now=writing.now)
    payload = public_post(notice.logged, person.display_name, names, notice.channel)
    win_id = notice.logged.win.id
    post = _post(person, f"win-post:{win_id}:{_publication(writing.now)}", payload, method=GROWTH_POST)
    return [replace(post, subject=_about_win(win_id))]


@rows_of.register
def _win_withdrawn(notice: WinWithdrawn, writing: Writing) -> list[Row]:
    """Cancel a queued post of the win, and delete each one already in the channel."""
    person = notice.person
    posted = outbox.withdraw(
        writing.session, team_id=person.team_id, subject=_about_win(notice.win_id), now=writing.now
    )
    deletions = [
        unposting(person.team_id, person.enterprise_id, f"win-unpost:{notice.win_id}:{message.get('ts')}", message)
        for message in posted
    ]
    return [row for row in deletions if row is not None]


# -- levels, gaps and the packet -----------------------------------------------------------------


@rows_of.register
def _assessment(notice: AssessmentRecorded, writing: Writing) -> list[Row]:
    key = f"assessment:{notice.recorded.assessment_id}"
    text, blocks = result_message(notice.recorded, notice.target)
    chart = {"assessment_id": notice.recorded.assessment_id}
    return [_dm(notice.person, key, text, blocks), _post(notice.person, f"{key}:chart", chart, method=ASSESSMENT_CHART)]


PACKET_FORMATS = ("md", "html", "pdf")


@rows_of.register
def _packet(notice: PacketRequested, writing: Writing) -> list[Row]:
    """What the packet shows is asked again when it is made (`growth.packet.audience`)."""
    subject, viewer = notice.subject, notice.viewer
    return [
        _post(
            viewer,
            f"packet:{subject.id}:{notice.request}:{kind}",
            {"person_id": subject.id, "format": kind, "to": viewer.slack_user_id},
            method=PACKET,
        )
        for kind in PACKET_FORMATS
    ]


@rows_of.register
def _picture(notice: PictureDue, writing: Writing) -> list[Row]:
    """One row per picture and data: opening the App Home again before it is drawn queues nothing more."""
    payload = {"person_id": notice.person.id, "kind": notice.kind}
    key = f"picture:{notice.person.id}:{notice.kind}:{notice.checksum[:32]}"
    return [_post(notice.person, key, payload, method=PICTURE)]


# -- asks ----------------------------------------------------------------------------------------


@rows_of.register
def _ask_brought(notice: AskBrought, writing: Writing) -> list[Row]:
    text, blocks = ask_for_manager(notice.parties, notice.competency)
    return [_dm(notice.parties.manager, f"ask:{notice.parties.ask.id}", text, blocks)]


@rows_of.register
def _ask_reminder(notice: AskReminderDue, writing: Writing) -> list[Row]:
    ask, manager = notice.parties.ask, notice.parties.manager
    return [replace(_post(manager, f"ask-remind:{ask.id}", {"ask_id": ask.id}, method=ASK_REMINDER), due_at=notice.at)]


@rows_of.register
def _ask_decided(notice: AskDecided, writing: Writing) -> list[Row]:
    return [_dm(notice.parties.person, f"ask-decided:{notice.parties.ask.id}", decided_for_person(notice.parties))]


@rows_of.register
def _ask_follow_up(notice: AskFollowUpDue, writing: Writing) -> list[Row]:
    ask, person = notice.parties.ask, notice.parties.person
    row = _post(person, f"ask-follow-up:{ask.id}", {"ask_id": ask.id}, method=ASK_FOLLOW_UP)
    return [replace(row, due_at=notice.at)]


# -- the growth thread ---------------------------------------------------------------------------


@rows_of.register
def _entry_shared(notice: EntryShared, writing: Writing) -> list[Row]:
    return [_post(notice.person, f"share:{notice.entry.id}", {"checkin_id": notice.entry.id}, method=SHARE)]


# The weekly DMs, all but a few of the outbox's rows (every person's check-in, every week: about 5 million
# rows a year for 100,000 people), are forgotten this long after they were sent. Nothing reads them once
# sent (unlike a growth channel post or an ask's DM, which a deleted win, a withdrawn ask or a person's
# erasure takes down through the row's answer), and no key of theirs is written again: a check-in is queued
# only with its week's new row in `checkins` (one per person and week), a reminder names its day, and the
# digest tick looks at this week only.
WEEKLY_DMS_KEPT = timedelta(days=35)
_WEEKLY_DMS = ("checkin:", "checkin-remind:", "digest:")


def forget_weekly_dms(db: Database, *, now: datetime) -> int:
    """Delete the outbox rows of weekly DMs sent more than `WEEKLY_DMS_KEPT` ago. How many."""
    return outbox.forget_sent(db, before=now - WEEKLY_DMS_KEPT, prefixes=_WEEKLY_DMS)


@rows_of.register
def _checkin_due(notice: CheckinDue, writing: Writing) -> list[Row]:
    key = f"checkin:{notice.person_id}:{notice.week}"
    return [Row(notice.team_id, notice.enterprise_id, key, CHECKIN, {"checkin_id": notice.checkin_id})]


@rows_of.register
def _checkin_reminder(notice: CheckinReminderDue, writing: Writing) -> list[Row]:
    key = f"checkin-remind:{notice.checkin_id}:{notice.at:%Y-%m-%d}"
    payload = {"checkin_id": notice.checkin_id, "reminder": True}
    person = notice.person
    return [Row(person.team_id, person.enterprise_id, key, CHECKIN, payload, due_at=notice.at)]


@rows_of.register
def _digest(notice: DigestDue, writing: Writing) -> list[Row]:
    key = f"digest:{notice.manager_id}:{notice.week}"
    payload = {"manager_id": notice.manager_id, "week": notice.week}
    return [Row(notice.team_id, notice.enterprise_id, key, DIGEST, payload)]


# -- feedback ------------------------------------------------------------------------------------


@rows_of.register
def _feedback_asked(notice: FeedbackAsked, writing: Writing) -> list[Row]:
    round, request = notice.round, notice.request
    person = writing.session.get(Person, round.person_id)
    assert person is not None and request.id is not None
    text, blocks = asked_message(
        round, request.id, person=person, asker=notice.asker, responder=notice.responder, manager=request.is_manager
    )
    return [_dm(notice.responder, f"feedback-ask:{request.id}", text, blocks)]


@rows_of.register
def _feedback_reminder(notice: FeedbackReminderDue, writing: Writing) -> list[Row]:
    request, due = notice.request, notice.round.due_at
    payload = {"request_id": request.id, "which": notice.which, "due_at": due.isoformat()}
    key = f"feedback-remind:{request.id}:{due:%Y%m%d%H%M}:{notice.which}"  # a new date: new reminders
    row = _post(notice.responder, key, payload, method=FEEDBACK_REMINDER)
    return [replace(row, due_at=notice.at)]


@rows_of.register
def _feedback_answered(notice: FeedbackAnswered, writing: Writing) -> list[Row]:
    assert notice.request.id is not None
    text, blocks = answered_message(notice.round, notice.request.id, notice.person, notice.responder)
    payload = {"channel": notice.channel, "ts": notice.ts, "text": text, "blocks": [b.to_dict() for b in blocks]}
    key = f"feedback-answered:{notice.request.id}:{int(notice.at.timestamp() * 1000)}"
    return [_post(notice.responder, key, payload, method="chat.update")]


@rows_of.register
def _feedback_started(notice: FeedbackStarted, writing: Writing) -> list[Row]:
    text = started_for_you(notice.round, notice.person, notice.manager, notice.asked)
    return [_dm(notice.person, f"feedback-started:{notice.round.id}", text)]


def _results(round_id: int | None, stamp: datetime | None, to: Person) -> list[Row]:
    """The results (and their picture) for `to`, composed when sent: the round may have opened again."""
    key = f"{round_id}:{int(stamp.timestamp()) if stamp else 0}:{to.slack_user_id}"
    payload = {"round_id": round_id, "to": to.slack_user_id}
    return [
        _post(to, f"feedback-results:{key}", payload, method=FEEDBACK_RESULTS),
        _post(to, f"feedback-chart:{key}", payload, method=FEEDBACK_CHART),
    ]


@rows_of.register
def _feedback_closed(notice: FeedbackClosed, writing: Writing) -> list[Row]:
    return _results(notice.round.id, notice.round.closed_at, notice.person)


@rows_of.register
def _feedback_shared(notice: FeedbackShared, writing: Writing) -> list[Row]:
    return _results(notice.round.id, notice.round.closed_at, notice.manager)


# -- the workspace -------------------------------------------------------------------------------


@rows_of.register
def _uninstalled(notice: Uninstalled, writing: Writing) -> list[Row]:
    """Nothing queued for the workspace is sent any more: every row is cancelled (not failed)."""
    outbox.cancel_workspace(writing.session, team_id=notice.team_id, now=writing.now, reason=outbox.UNINSTALLED)
    return []


@rows_of.register
def _growth_channel_broken(notice: GrowthChannelBroken, writing: Writing) -> list[Row]:
    key = f"channel-problem:{notice.channel}:{_stamp(notice.since)}:{notice.admin.id}"
    return [_dm(notice.admin, key, problem_message(notice.channel, notice.code))]


@rows_of.register
def _growth_channel_changed(notice: GrowthChannelChanged, writing: Writing) -> list[Row]:
    """The posts waiting for the growth channel are due now (each goes to the channel of the moment)."""
    outbox.release_waiting(writing.session, team_id=notice.team_id, now=writing.now)
    return []


# -- a person's own data -------------------------------------------------------------------------


@rows_of.register
def _data_export(notice: DataExportRequested, writing: Writing) -> list[Row]:
    person = notice.person
    payload = {"person_id": person.id, "to": person.slack_user_id}
    return [_post(person, f"data-export:{person.id}:{notice.request}", payload, method=PERSONAL_DATA)]


@rows_of.register
def _ask_withdrawn(notice: AskWithdrawn, writing: Writing) -> list[Row]:
    """The manager's DM of the ask (once sent) now says only that it was withdrawn."""
    key = f"ask:{notice.ask_id}"
    sent = [found.response for found in outbox.matching(writing.session, team_id=notice.team_id, keys=[key])]
    text, blocks = withdrawn_for_manager()
    return [
        Row(
            notice.team_id,
            notice.enterprise_id,
            f"ask-withdrawn:{notice.ask_id}",
            "chat.update",
            {"channel": where["channel"], "ts": where["ts"], "text": text, "blocks": [b.to_dict() for b in blocks]},
        )
        for where in sent
        if where and where.get("channel") and where.get("ts")
    ]


# The rows Trellis posted in a channel (the growth channel, a mentorship room) about a person's things,
# by the start of their keys: taken down when the person deletes their data.
_POSTS = ("win-post:", "room-win:", "share:", "room-entry:", "room-objective:")


@rows_of.register
def _forgotten(notice: PersonForgotten, writing: Writing) -> list[Row]:
    """A person's data was deleted: every row about it is forgotten (its payload held their words), and
    what of it Trellis posted in a channel is deleted there."""
    found = outbox.matching(
        writing.session,
        team_id=notice.team_id,
        keys=_keys_about(notice),
        prefixes=[
            f"{kind}:{notice.person_id}:"
            for kind in ("checkin", "packet", "link-removed", "digest", "data-export", "picture")
        ],
        families=_families_about(notice),
        mentioning=notice.user_id,
    )
    removed = outbox.delete_rows(writing.session, [row.id for row in found])
    posted = [row.response for row in removed if row.key.startswith(_POSTS) and row.response]
    if notice.thread is not None:
        posted.append({"channel": notice.thread[0], "ts": notice.thread[1]})
    team, org = notice.team_id, notice.enterprise_id
    deletions = [
        unposting(team, org, f"forget-unpost:{where.get('channel')}:{where.get('ts')}", where) for where in posted
    ]
    return [row for row in deletions if row is not None] + [
        Row(notice.team_id, notice.enterprise_id, f"forget-file:{file_id}", "files.delete", {"file": file_id})
        for file_id in notice.picture_files
    ]


def _keys_about(notice: PersonForgotten) -> list[str]:
    def each(pattern: str, ids: list[int]) -> list[str]:
        return [pattern.format(i) for i in ids]

    return [
        *each("win-for:{}", notice.win_ids),
        *each("share:{}", notice.checkin_ids),
        *each("assessment:{}", notice.assessment_ids),
        *each("assessment:{}:chart", notice.assessment_ids),
        *[
            key
            for pattern in ("ask:{}", "ask-remind:{}", "ask-decided:{}", "ask-follow-up:{}")
            for key in each(pattern, notice.ask_ids)
        ],
        *[
            key
            for pattern in ("link-ask:{}", "link-answer:{}", "link-end:{}", "link-set:{}", "link-set-manager:{}")
            for key in each(pattern, notice.link_ids)
        ],
        *[
            key
            for pattern in ("mentor-ask:{}", "mentor-answer:{}", "mentor-end:{}")
            for key in each(pattern, notice.mentor_link_ids)
        ],
        *each("feedback-started:{}", notice.round_ids),
        *each("feedback-ask:{}", notice.request_ids),
    ]


def _families_about(notice: PersonForgotten) -> dict[str, list[int]]:
    """The keys that start with a kind, one of these ids, then a colon (a stamp or a room follows)."""
    return {
        "win-post:": notice.win_ids,
        "room-win:": notice.win_ids,
        "room-entry:": notice.checkin_ids,
        "checkin-remind:": notice.checkin_ids,
        "room-objective:": notice.objective_ids,
        "feedback-results:": notice.round_ids,
        "feedback-chart:": notice.round_ids,
        "feedback-remind:": notice.request_ids,
        "feedback-answered:": notice.request_ids,
    }
