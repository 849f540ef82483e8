"""SQLModel tables. Every workspace-owned row carries `team_id`; every query filters on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _timestamp(**kwargs: object) -> object:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kwargs)


class Workspace(SQLModel, table=True):
    __tablename__ = "workspaces"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(unique=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=255)
    growth_channel_id: str | None = Field(default=None, max_length=32)  # where public wins are posted
    directory_refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # users.list, hourly
    # Slack said the app was uninstalled (or its bot token revoked): the data is kept for the retention
    # period, then deleted; None while installed
    uninstalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A post to the growth channel failed in a way only an admin can fix (not_in_channel, ...): the code,
    # and since when; the admins were told when it was first seen. None while posts go through.
    growth_channel_problem: str | None = Field(default=None, max_length=32)
    growth_channel_problem_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Person(SQLModel, table=True):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id", name="uq_people_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    slack_user_id: str = Field(max_length=32)
    display_name: str = Field(default="", max_length=255)
    tz: str | None = Field(default=None, max_length=64)
    is_admin: bool = False
    is_bot: bool = False  # Slack says it is an app's user: never asked for anything
    deleted: bool = False
    profile_refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_text: str | None = Field(default=None, max_length=150)  # their Slack status, as last seen
    status_emoji: str | None = Field(default=None, max_length=100)
    status_expiration: int | None = None  # Unix time; 0 or None: until cleared
    level_ref: str | None = Field(default=None, max_length=100)  # "framework/LEVEL"
    target_ref: str | None = Field(default=None, max_length=100)
    digest_week: str | None = Field(default=None, max_length=8)  # as a manager, the week of the last digest queued
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


# An outbox row still to be sent: neither sent, failed nor cancelled (storage.outbox's `_pending`).
OUTBOX_PENDING = "sent_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL"


class OutboxMessage(SQLModel, table=True):
    """A Slack call to make later than the immediate reply, written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_outbox_team_key"),
        Index("ix_outbox_team_subject", "team_id", "subject"),
        # Only the rows still to be sent, in the order they are claimed: a claim reads a few entries
        # however many sent rows the table has kept (migration 0027).
        Index(
            "ix_outbox_pending",
            "next_attempt_at",
            "id",
            postgresql_where=text(OUTBOX_PENDING),
            sqlite_where=text(OUTBOX_PENDING),
        ),
        # Only the rows a sender holds: its claim reads them back, its heartbeat renews them.
        Index(
            "ix_outbox_leased",
            "lease_owner",
            postgresql_where=text("lease_owner IS NOT NULL"),
            sqlite_where=text("lease_owner IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    key: str = Field(max_length=255)
    subject: str | None = Field(default=None, max_length=64)  # what it is about ("win:12"): its posts, found again
    method: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    due_at: datetime = _timestamp()
    next_attempt_at: datetime = _timestamp()
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=255)
    response: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The sender had begun its Slack call when it was last heard of (it finishes with this off again).
    calling: bool = False
    # Claimed again after a sender died mid-call: Slack may already have it, so look first.
    in_doubt: bool = False
    # Stopped before it was sent, and never to be sent (the app was uninstalled from the workspace).
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Since when it has been waiting for the growth channel to work again (it is tried again now and then).
    waiting_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _timestamp()


class EventReceipt(SQLModel, table=True):
    """One row per Events API delivery acted on, so Slack's retries never act twice."""

    __tablename__ = "event_receipts"
    __table_args__ = (UniqueConstraint("team_id", "event_id", name="uq_event_receipts_team_event"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    received_at: datetime = _timestamp(index=True)


class JobRun(SQLModel, table=True):
    """When a scheduler last started with each job, and last ran it: `trellis doctor` tells a running
    scheduler from none, and one of an older version (a job it does not have) from this one."""

    __tablename__ = "job_runs"

    name: str = Field(primary_key=True, max_length=32)
    registered_at: datetime = Field(sa_type=UTCDateTime)
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FrameworkVersion(SQLModel, table=True):
    """One imported version of a framework for a workspace. Rows are only ever added, never changed."""

    __tablename__ = "framework_versions"
    __table_args__ = (
        UniqueConstraint("team_id", "name", "revision", name="uq_framework_versions_team_name_revision"),
        # Every request reads its workspace's newest version (id and time) with its person: an index
        # away each, however many versions other workspaces imported (migration 0028).
        Index("ix_framework_versions_team_id_id", "team_id", "id"),
        Index("ix_framework_versions_team_id_imported_at", "team_id", "imported_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=64)
    revision: int
    version: str = Field(max_length=32)
    title: str = Field(max_length=80)
    checksum: str = Field(max_length=64)
    source: str = Field(max_length=255)
    content: str = Field(sa_column=Column(Text, nullable=False))
    imported_at: datetime = _timestamp()


class Assessment(SQLModel, table=True):
    """A self-assessment against a target level, with the framework version it used. Never rewritten."""

    __tablename__ = "assessments"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    person_id: int = Field(foreign_key="people.id", index=True)
    framework_version_id: int = Field(foreign_key="framework_versions.id")
    target_ref: str = Field(max_length=100)
    total_gap: int
    created_at: datetime = _timestamp()


class AssessmentAnswer(SQLModel, table=True):
    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "competency_id", name="uq_assessment_answers_competency"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessments.id", index=True)
    competency_id: str = Field(max_length=64)
    expected: int
    rated: int


class ExpectationFlag(SQLModel, table=True):
    """Someone found an expectation sentence unclear and said why: feedback for the framework's owners."""

    __tablename__ = "expectation_flags"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    framework_version_id: int = Field(foreign_key="framework_versions.id")
    level_id: str = Field(max_length=32)
    competency_id: str = Field(max_length=64)
    person_id: int = Field(foreign_key="people.id")
    comment: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _timestamp()


class Win(SQLModel, table=True):
    """A moment someone operated at the next level. The full text is kept, whatever Slack can show."""

    __tablename__ = "wins"
    __table_args__ = (UniqueConstraint("team_id", "request_key", name="uq_wins_team_request"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    person_id: int = Field(foreign_key="people.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    what: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    how: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    why: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    evidence_url: str | None = Field(default=None, max_length=1000)
    happened_on: date
    visibility: str = Field(default="private", max_length=16)
    source: str = Field(max_length=16)
    request_key: str = Field(max_length=128)  # one Slack request or modal: a retry never logs twice
    logged_by_id: int | None = Field(default=None, foreign_key="people.id")  # a manager, for a report
    objective_id: int | None = Field(default=None, foreign_key="objectives.id")  # the roadmap objective it serves
    # A post of it may be in the growth channel or a mentorship room (queued or sent): a change takes it
    # down first. A win never posted, most of them, is changed without looking for posts (growth.sharing).
    in_channel: bool = False
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class WinCompetency(SQLModel, table=True):
    __tablename__ = "win_competencies"
    __table_args__ = (UniqueConstraint("win_id", "competency_id", name="uq_win_competencies"),)

    id: int | None = Field(default=None, primary_key=True)
    win_id: int = Field(foreign_key="wins.id", index=True)
    competency_id: str = Field(max_length=64)


class ManagerLink(SQLModel, table=True):
    """Who manages whom: it counts only once the manager confirmed it (or a workspace admin set it)."""

    __tablename__ = "manager_links"
    # The digest tick reads the confirmed managers every minute, past ended and declined links.
    __table_args__ = (Index("ix_manager_links_status_manager_id", "status", "manager_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    report_id: int = Field(foreign_key="people.id", index=True)
    manager_id: int = Field(foreign_key="people.id", index=True)
    status: str = Field(max_length=16)  # pending, confirmed, declined, ended
    requested_by_id: int = Field(foreign_key="people.id")
    created_at: datetime = _timestamp()
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Objective(SQLModel, table=True):
    """A roadmap objective: a concrete project or outcome tied to a competency, with a due date."""

    __tablename__ = "objectives"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    person_id: int = Field(foreign_key="people.id", index=True)
    competency_id: str = Field(max_length=64)
    title: str = Field(max_length=300)
    due_on: date | None = None
    status: str = Field(default="planned", max_length=16)  # planned, in_progress, done, dropped
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class CheckinPlan(SQLModel, table=True):
    """When and how a person is nudged for their weekly growth-thread entry (in their own time zone)."""

    __tablename__ = "checkin_plans"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    person_id: int = Field(foreign_key="people.id", unique=True)
    weekday: int = 4  # Monday 0 … Sunday 6, in the person's time zone
    hour: int = 15
    paused_until: date | None = None  # no nudges in weeks before the one holding this date
    skip_week: str | None = Field(default=None, max_length=8)  # "2026-W48"
    opted_out: bool = False
    share: bool = False  # post entries under the person's thread in the growth channel
    next_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)  # None: not scheduled
    dm_channel_id: str | None = Field(default=None, max_length=32)
    thread_channel_id: str | None = Field(default=None, max_length=32)  # the growth-channel thread, once posted
    thread_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Checkin(SQLModel, table=True):
    """One person's week in their growth thread: the nudge and what they wrote. One row per ISO week."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("person_id", "week", name="uq_checkins_person_week"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    week: str = Field(max_length=8)  # ISO week in the person's time zone, "2026-W48"
    status: str = Field(max_length=16)  # queued, sent, away, skipped, paused, left, answered
    nudge: str | None = Field(default=None, max_length=8)  # full, light, none (what was sent)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    learned: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    operated: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    blockers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    replies: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # plain thread replies
    private: bool = False  # kept from the manager's digest and 1:1 prep
    objective_id: int | None = Field(default=None, foreign_key="objectives.id")
    win_id: int | None = Field(default=None, foreign_key="wins.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Ask(SQLModel, table=True):
    """A "walk away with a win" ask: a decision the person brings to their manager with a recommendation."""

    __tablename__ = "asks"
    __table_args__ = (UniqueConstraint("team_id", "request_key", name="uq_asks_team_request"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    manager_id: int = Field(foreign_key="people.id", index=True)  # the confirmed manager when it was asked
    decision: str = Field(sa_column=Column(Text, nullable=False))
    options: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recommendation: str = Field(sa_column=Column(Text, nullable=False))
    two_way: str = Field(max_length=8)  # yes, no, not_sure
    needed_by: date | None = None
    competency_id: str | None = Field(default=None, max_length=64)
    status: str = Field(default="open", max_length=16)  # open, approved, talk, declined
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the manager's
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_win_id: int | None = Field(default=None, foreign_key="wins.id")
    request_key: str = Field(max_length=128)  # the modal it came from: a retry never asks twice
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class OneOnOne(SQLModel, table=True):
    """A 1:1 marked as held: what the next one's preparation starts from."""

    __tablename__ = "one_on_ones"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    manager_id: int = Field(foreign_key="people.id")
    report_id: int = Field(foreign_key="people.id", index=True)
    held_at: datetime = _timestamp()
    marked_by_id: int = Field(foreign_key="people.id")


class MentorLink(SQLModel, table=True):
    """A mentor: counts once the mentor confirms. The person chooses what the mentor sees."""

    __tablename__ = "mentor_links"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    mentor_id: int = Field(foreign_key="people.id", index=True)
    status: str = Field(max_length=16)  # pending, confirmed, declined, ended
    sees: str = Field(default="wins", max_length=64)  # comma-separated: wins, thread, roadmap
    room_channel_id: str | None = Field(default=None, max_length=32)  # the private mentorship room
    created_at: datetime = _timestamp()
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FeedbackRound(SQLModel, table=True):
    """A request for feedback against the target level, about one person, to the people they asked.

    Kept with the framework version it asked against; anonymous answers are released only when it
    closes, and only when at least `min_answers` people (the manager apart) answered."""

    __tablename__ = "feedback_rounds"
    __table_args__ = (
        UniqueConstraint("team_id", "request_key", name="uq_feedback_rounds_team_request"),
        # The feedback job looks for the open rounds due every minute, past every round closed.
        Index("ix_feedback_rounds_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    person_id: int = Field(foreign_key="people.id", index=True)  # whose growth it is about
    asked_by_id: int = Field(foreign_key="people.id")  # the person, or their confirmed manager
    framework_version_id: int = Field(foreign_key="framework_versions.id")
    target_ref: str = Field(max_length=100)
    competencies: str = Field(sa_column=Column(Text, nullable=False))  # ids, comma-separated, in order
    anonymous: bool = False
    min_answers: int = 3  # TRELLIS_ANONYMITY_MIN when it was asked
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    due_at: datetime = Field(sa_type=UTCDateTime)  # the end of the due date, the person's time
    status: str = Field(default="open", max_length=16)  # open, closed
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    shared_with_id: int | None = Field(default=None, foreign_key="people.id")  # the manager it was shared with
    opened_again: bool = False  # closed once with too few answers, then extended or someone more asked
    request_key: str = Field(max_length=128)  # the modal it came from: a retry never asks twice
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class FeedbackRequest(SQLModel, table=True):
    """One person asked in a round: only for reminders and their own "answered / not yet"."""

    __tablename__ = "feedback_requests"
    __table_args__ = (UniqueConstraint("round_id", "responder_id", name="uq_feedback_requests_round_responder"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    round_id: int = Field(foreign_key="feedback_rounds.id", index=True)
    responder_id: int = Field(foreign_key="people.id", index=True)
    is_manager: bool = False  # the person's confirmed manager when asked: never pooled with peers
    status: str = Field(default="asked", max_length=16)  # asked, answered, declined
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class FeedbackAnswer(SQLModel, table=True):
    """What one responder said. In an anonymous round the link to its request (so to its author) is cut
    when the round closes, for everyone but the manager."""

    __tablename__ = "feedback_answers"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    round_id: int = Field(foreign_key="feedback_rounds.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="feedback_requests.id", unique=True)
    from_manager: bool = False
    biggest_gap: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    next_step: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class FeedbackRating(SQLModel, table=True):
    """One competency in an answer: how consistently the person operates at what the level expects."""

    __tablename__ = "feedback_ratings"
    __table_args__ = (UniqueConstraint("answer_id", "competency_id", name="uq_feedback_ratings_competency"),)

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="feedback_answers.id", index=True)
    competency_id: str = Field(max_length=64)
    rating: str | None = Field(default=None, max_length=16)  # consistently, sometimes, not_yet, not_seen
    example: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Picture(SQLModel, table=True):
    """A picture on a person's App Home: the Slack file last uploaded for it, and the checksum of what it
    drew. Drawn and uploaded again only when what it shows changed."""

    __tablename__ = "pictures"
    __table_args__ = (UniqueConstraint("person_id", "kind", name="uq_pictures_person_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    person_id: int = Field(foreign_key="people.id")
    kind: str = Field(max_length=32)  # readiness, gap-trend
    checksum: str = Field(max_length=64)
    file_id: str = Field(max_length=32)
    updated_at: datetime = _timestamp()
