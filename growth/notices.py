"""Notices: what a use case says happened that someone should hear of later, or somewhere else.

A use case decides who is told and when (the rules live in growth); it returns notices, and
`delivery.outbound` turns each into outbox rows in the same transaction: the message, its key, its
workspace. A notice names people and rows, never a Slack payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from storage.models import Checkin, FeedbackRequest, FeedbackRound, Objective, Person

if TYPE_CHECKING:
    from growth.asks import Parties
    from growth.assessments import Recorded
    from growth.frameworks.catalogue import Target
    from growth.links import Link
    from growth.mentors import Mentorship
    from growth.visibility import Sight
    from growth.wins import LoggedWin

    Relation = Link | Mentorship


class Notice:
    """Something happened that someone should hear of."""


# -- manager links and mentorships ---------------------------------------------------------------


@dataclass(frozen=True)
class Asked(Notice):
    """The person asked to confirm gets the request, with Confirm and Not me."""

    relation: Relation


@dataclass(frozen=True)
class Answered(Notice):
    """The one who asked hears the answer."""

    relation: Relation


@dataclass(frozen=True)
class Ended(Notice):
    """`told`, the other side, hears that it has ended."""

    relation: Relation
    told: Person


@dataclass(frozen=True)
class LinkSet(Notice):
    """A workspace admin set a manager link: both people hear of it."""

    link: Link


@dataclass(frozen=True)
class LinkRemoved(Notice):
    """A workspace admin removed the report's manager link."""

    report: Person


@dataclass(frozen=True)
class RoomArchived(Notice):
    """A mentorship ended: its private room is archived."""

    person: Person  # whose mentorship it was
    link_id: int
    channel: str


@dataclass(frozen=True)
class RoomPost(Notice):
    """Something the person's mentor sees goes to their mentorship room."""

    person: Person
    link_id: int
    channel: str
    about: LoggedWin | Checkin | Objective
    change: str = ""  # for an objective: what changed, so each change is its own post


# -- wins ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WinLoggedFor(Notice):
    """A manager logged a win for their report: the report is told, and the win is theirs."""

    logged: LoggedWin
    report: Person
    manager: Person


@dataclass(frozen=True)
class WinPublished(Notice):
    """A public win goes to the growth channel."""

    person: Person
    logged: LoggedWin
    channel: str


@dataclass(frozen=True)
class WinWithdrawn(Notice):
    """A win's posts (growth channel, mentorship rooms) are taken down: a queued one is cancelled, a sent
    one deleted."""

    person: Person
    win_id: int


# -- levels, gaps and the packet -----------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRecorded(Notice):
    """The person's DM gets where they stand, and the chart of it."""

    person: Person
    recorded: Recorded
    target: Target


@dataclass(frozen=True)
class PacketRequested(Notice):
    """A packet (Markdown, printable HTML and PDF) for `viewer`'s DM, showing what `sight` allows."""

    subject: Person
    viewer: Person
    sight: Sight
    request: str  # the Slack request it answers: asking twice in one request sends it once


@dataclass(frozen=True)
class PictureDue(Notice):
    """An App Home picture whose data changed: draw it, upload it, show it on the person's App Home."""

    person: Person
    kind: str
    checksum: str  # of the data it draws: the same data is drawn once


# -- asks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskBrought(Notice):
    """The manager gets the ask, with Try it out, Let's talk and Not this time."""

    parties: Parties
    competency: str | None


@dataclass(frozen=True)
class AskReminderDue(Notice):
    """Reminded once, at `at`, if it is still undecided then."""

    parties: Parties
    at: datetime


@dataclass(frozen=True)
class AskDecided(Notice):
    """The person who asked hears the decision."""

    parties: Parties


@dataclass(frozen=True)
class AskFollowUpDue(Notice):
    """At `at`, the person is asked how trying it out went (unless the outcome is logged by then)."""

    parties: Parties
    at: datetime


@dataclass(frozen=True)
class AskWithdrawn(Notice):
    """The person who brought the ask deleted their data: its manager's DM says it was withdrawn."""

    ask_id: int
    team_id: str
    enterprise_id: str | None


# -- the growth thread ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryShared(Notice):
    """Learning in public: the entry goes under the person's own thread in the growth channel."""

    person: Person
    entry: Checkin


@dataclass(frozen=True)
class CheckinDue(Notice):
    """The week's check-in DM (composed when it is sent: the person may answer before)."""

    team_id: str
    enterprise_id: str | None
    person_id: int
    checkin_id: int
    week: str


@dataclass(frozen=True)
class CheckinReminderDue(Notice):
    """ "Remind me tomorrow": the check-in comes back at `at`."""

    person: Person
    checkin_id: int
    at: datetime


@dataclass(frozen=True)
class DigestDue(Notice):
    """A manager's weekly digest (composed when it is sent)."""

    team_id: str
    enterprise_id: str | None
    manager_id: int
    week: str


# -- feedback ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackAsked(Notice):
    """The person asked gets a DM with one sentence of context, Give feedback and Can't this time."""

    round: FeedbackRound
    request: FeedbackRequest
    responder: Person
    asker: Person


@dataclass(frozen=True)
class FeedbackReminderDue(Notice):
    """At `at`, a reminder, unless they answered or declined, or the round closed (composed when sent)."""

    round: FeedbackRound
    request: FeedbackRequest
    responder: Person
    at: datetime
    which: str  # soon, today


@dataclass(frozen=True)
class FeedbackAnswered(Notice):
    """The DM the answer came from (the responder's own) says it was answered, and can still be changed.
    Through the outbox: under a Friday's many answers, `chat.update` (Tier 3) waits its turn there."""

    round: FeedbackRound
    request: FeedbackRequest
    person: Person
    responder: Person
    channel: str
    ts: str
    at: datetime


@dataclass(frozen=True)
class FeedbackStarted(Notice):
    """A manager started a round for their report: the report is told (the results are theirs)."""

    round: FeedbackRound
    person: Person
    manager: Person
    asked: int


@dataclass(frozen=True)
class FeedbackClosed(Notice):
    """The results go to the person's DM, with their picture (both composed when sent)."""

    round: FeedbackRound
    person: Person


@dataclass(frozen=True)
class FeedbackShared(Notice):
    """The person shared a round's results with their confirmed manager."""

    round: FeedbackRound
    person: Person
    manager: Person


# -- the workspace -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uninstalled(Notice):
    """The app was uninstalled from the workspace (or its bot token revoked): nothing queued is sent."""

    team_id: str


@dataclass(frozen=True)
class GrowthChannelBroken(Notice):
    """A workspace admin hears, once, that Trellis cannot post in the growth channel, and how to fix it."""

    admin: Person
    channel: str
    code: str  # Slack's answer: not_in_channel, channel_not_found, is_archived
    since: datetime


@dataclass(frozen=True)
class GrowthChannelChanged(Notice):
    """An admin chose the growth channel again: the posts waiting for it go now (to the one chosen)."""

    team_id: str


# -- a person's own data -------------------------------------------------------------------------


@dataclass(frozen=True)
class DataExportRequested(Notice):
    """A JSON file of everything Trellis holds about the person goes to their DM (made when sent)."""

    person: Person
    request: str  # the Slack request that asked: asking twice in one request sends it once


@dataclass(frozen=True)
class PersonForgotten(Notice):
    """A person's data was deleted: what Trellis posted of it comes down, and nothing queued about it goes."""

    team_id: str
    enterprise_id: str | None
    user_id: str  # their Slack id, as it was
    person_id: int
    win_ids: list[int] = field(default_factory=list)
    checkin_ids: list[int] = field(default_factory=list)
    objective_ids: list[int] = field(default_factory=list)
    assessment_ids: list[int] = field(default_factory=list)
    ask_ids: list[int] = field(default_factory=list)
    link_ids: list[int] = field(default_factory=list)
    mentor_link_ids: list[int] = field(default_factory=list)
    round_ids: list[int] = field(default_factory=list)  # feedback about them
    request_ids: list[int] = field(default_factory=list)  # feedback asked of them, and in their rounds
    thread: tuple[str, str] | None = None  # (channel, ts) of their growth thread in the growth channel
    picture_files: list[str] = field(default_factory=list)  # their App Home's pictures, as Slack files
