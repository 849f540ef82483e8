"""The growth channel, when Trellis cannot post in it.

- Slack answers `not_in_channel` (a public channel the bot was never invited to), `channel_not_found`
  (a private channel it is not in, or one deleted) or `is_archived`: only a workspace admin can fix it.
- The first such failure tells the workspace's admins how to fix it: a DM each, and a line on their App
  Home for as long as it lasts. Nobody is told again until the channel has worked once.
- The posts wait instead of failing: each is tried again every `TRY_AGAIN_EVERY`, and they all go as
  soon as one gets through (the bot invited, the channel unarchived) or an admin saves the growth
  channel in `/trellis settings` (another one, or the same once fixed). A post still waiting after
  `WAIT_AT_MOST` is given up: by then it is old news.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from growth.notices import GrowthChannelBroken, Notice
from storage.models import Person, Workspace

PROBLEMS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
TRY_AGAIN_EVERY = timedelta(minutes=10)
WAIT_AT_MOST = timedelta(days=7)


@dataclass(frozen=True)
class Problem:
    channel: str
    code: str
    since: datetime


def problem_of(session: Session, *, team_id: str) -> Problem | None:
    """What stops Trellis posting in the workspace's growth channel, if anything does."""
    workspace = _workspace(session, team_id)
    if workspace is None or workspace.growth_channel_problem is None or workspace.growth_channel_id is None:
        return None
    since = workspace.growth_channel_problem_since or workspace.updated_at
    return Problem(workspace.growth_channel_id, workspace.growth_channel_problem, since)


def failed(session: Session, *, team_id: str, channel_id: str, code: str, now: datetime) -> list[Notice]:
    """A post to `channel_id` was refused with `code` (one of PROBLEMS). The first time, the admins are
    told; after that nobody is, until it works again."""
    workspace = _workspace(session, team_id)
    if workspace is None or workspace.growth_channel_id != channel_id or workspace.growth_channel_problem:
        return []
    workspace.growth_channel_problem, workspace.growth_channel_problem_since = code, now
    session.add(workspace)
    admins = session.exec(
        select(Person)
        .where(Person.team_id == team_id, Person.is_admin, ~Person.deleted, ~Person.is_bot)  # type: ignore[arg-type]
        .order_by(Person.id)  # type: ignore[arg-type]
    ).all()
    return [GrowthChannelBroken(admin, channel_id, code, now) for admin in admins]


def worked(session: Session, *, team_id: str) -> bool:
    """A post got through: the problem is over. True when there was one (posts may be waiting)."""
    workspace = _workspace(session, team_id)
    if workspace is None or workspace.growth_channel_problem is None:
        return False
    _clear(workspace)
    session.add(workspace)
    return True


def _clear(workspace: Workspace) -> None:
    workspace.growth_channel_problem = workspace.growth_channel_problem_since = None


def _workspace(session: Session, team_id: str) -> Workspace | None:
    return session.exec(select(Workspace).where(Workspace.team_id == team_id)).first()
