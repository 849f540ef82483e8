"""What the simulator holds: the calls it was sent, the people, messages, views and files it keeps."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from slacksim.limits import Bucket

DEFAULT_TEAM = "T0TRELLIS"
BOT_USER = "U0TRELLISBOT"
BOT_ID = "B0TRELLIS"
# What a token is granted unless a test says otherwise (Trellis's manifest asks for these).
DEFAULT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "groups:write",
    "channels:read",
    "groups:read",
    "files:write",
)


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float
    # Set once the fake has answered it: what the call did (a view opened, a message posted) is then seen.
    answered: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)


@dataclass
class Failure:
    status: int
    error: str
    retry_after: int | None
    times: int | None  # None: until cleared


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    tz: str
    tz_offset: int
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    is_bot: bool = False
    status_text: str = ""
    status_emoji: str = ""
    status_expiration: int = 0

    def as_slack(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "real_name_normalized": self.real_name,
                "display_name_normalized": self.name,
                "status_text": self.status_text,
                "status_emoji": self.status_emoji,
                "status_expiration": self.status_expiration,
                "team": self.team_id,
            },
        }


@dataclass
class Channel:
    """A channel of the workspace that the app did not create (the growth channel, say)."""

    name: str
    private: bool = False
    bot_member: bool = True
    archived: bool = False


@dataclass
class State:
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    handed_out: dict[str, float] = field(default_factory=dict)  # response_url id -> when (perf_counter)
    response_delays: list[float] = field(default_factory=list)  # seconds from handed out to first answered
    uploads: dict[str, bytes] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)  # file id -> the name it was announced with
    file_teams: dict[str, str] = field(default_factory=dict)  # file id -> the workspace that uploaded it
    completed: set[str] = field(default_factory=set)  # files whose upload was completed (and not deleted)
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    users_by_id: dict[str, User] = field(default_factory=dict)
    buckets: dict[tuple[str, str], Bucket] = field(default_factory=dict)
    limited: int = 0  # calls answered 429 by the rate limit
    channels: dict[str, str] = field(default_factory=dict)  # channels the app created: id -> name
    members: dict[str, set[str]] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)  # method -> seconds each call is held before its answer
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # code -> team, name, org
    enterprises: dict[str, str] = field(default_factory=dict)  # team id -> its Enterprise Grid org
    installed: dict[str, str] = field(default_factory=dict)  # bot token -> team id
    workspace_channels: dict[str, Channel] = field(default_factory=dict)  # channel id -> channel
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # token -> scopes (default DEFAULT_SCOPES)
    revoked: set[str] = field(default_factory=set)  # tokens Slack answers token_revoked for
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> team id (token rotation)
