"""Where a win or a growth-thread entry is posted beyond the person's own DM, and when it is taken down.

- A win shared with "my manager and mentors" (or public) goes to each mentorship room whose mentor sees
  the wins the person shares.
- A public win is posted in the workspace's growth channel. Without a growth channel nothing is posted
  there, and the person is told why.
- Whenever the win changes, its posts (growth channel and rooms) are taken down (a queued one cancelled,
  a sent one deleted) and posted again where it still goes; a win made private or deleted stays down, so
  a mentor never keeps a win its author took back.
- A growth-thread entry goes, the first time it is written in a week, to the person's own thread in the
  growth channel when they opted into learning in public and did not keep it to themselves, and to
  each mentorship room whose mentor sees the growth thread (never a private entry).
- An objective added or moved on goes to each room whose mentor sees the roadmap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session

from growth.mentors import rooms
from growth.notices import EntryShared, Notice, RoomPost, WinPublished, WinWithdrawn
from growth.visibility import BEYOND_ME, Sees, Visibility
from growth.workspaces import growth_channel
from storage.models import Checkin, CheckinPlan, Objective, Person, Win

if TYPE_CHECKING:
    from growth.wins import LoggedWin

NO_CHANNEL = "Public wins are posted once a workspace admin chooses a growth channel in `/trellis settings`."


@dataclass(frozen=True)
class Shared:
    """Who hears of a change, and a line for the person when something could not be posted."""

    notices: list[Notice] = field(default_factory=list)
    note: str | None = None


def win_changed(session: Session, *, person: Person, logged: LoggedWin) -> Shared:
    """After a win was logged or changed, in the change's own transaction."""
    win = logged.win
    assert win.id is not None
    # A change takes down what may be posted of it; a win stored just now, or never posted (most), has
    # nothing to take down, and nothing is looked up.
    notices: list[Notice] = [WinWithdrawn(person, win.id)] if win.in_channel and not logged.created else []
    visibility = Visibility(win.visibility)
    in_rooms: list[Notice] = []
    if visibility in BEYOND_ME:
        in_rooms = [
            RoomPost(person, link_id, channel, logged)
            for link_id, channel in rooms(session, person=person, showing=Sees.WINS)
        ]
    notices += in_rooms
    channel = growth_channel(session, team_id=person.team_id) if visibility is Visibility.PUBLIC else None
    _in_channel(session, win, channel is not None or bool(in_rooms))
    if visibility is not Visibility.PUBLIC:
        return Shared(notices)
    if channel is None:
        return Shared(notices, NO_CHANNEL)
    return Shared([*notices, WinPublished(person, logged, channel)])


def _in_channel(session: Session, win: Win, posted: bool) -> None:
    """What the win's posts are after this change: queued (growth channel, rooms), or all taken down."""
    if win.in_channel != posted:
        win.in_channel = posted
        session.add(win)


def win_deleted(person: Person, win_id: int) -> list[Notice]:
    return [WinWithdrawn(person, win_id)]


def entry_written(session: Session, *, person: Person, entry: Checkin, first: bool, share: bool) -> list[Notice]:
    """After a growth-thread entry was written; `share` is the person's learning-in-public choice."""
    if not first or entry.private:
        return []
    notices: list[Notice] = [EntryShared(person, entry)] if share else []
    notices += [
        RoomPost(person, link_id, channel, entry)
        for link_id, channel in rooms(session, person=person, showing=Sees.THREAD)
    ]
    return notices


def entry_still_shared(entry: Checkin, plan: CheckinPlan) -> bool:
    """Just before the growth-channel post goes: the person may have made the entry private, or stopped
    sharing, since it was queued."""
    return plan.share and not entry.private


def objective_changed(session: Session, *, person: Person, objective: Objective, change: str = "") -> list[Notice]:
    """`change` tells one change from the next (a status and when), so each is posted."""
    return [
        RoomPost(person, link_id, channel, objective, change)
        for link_id, channel in rooms(session, person=person, showing=Sees.ROADMAP)
    ]
