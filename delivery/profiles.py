"""What Slack says about people, in Trellis's terms: users.info for one person, users.list for a workspace.

One users.list page carries 200 people, so a workspace of thousands costs a handful of calls where
users.info would cost one (Tier 4) call per person at check-in time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from growth.people import Profile

PAGE = 200
PATIENCE = 30  # 429s waited out in one directory read before it gives up until the next tick


def slack_profile(client: WebClient, *, team_id: str, user_id: str, logger: logging.Logger) -> Profile | None:
    """users.info in our terms, or None when Slack cannot tell us now (the caller uses what it has)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, SlackClientError, URLError, OSError) as error:
        logger.warning("users.info failed for team=%s user=%s (%s)", team_id, user_id, error)
        return None
    return profile_from_user(user)


def profile_from_user(user: dict[str, Any]) -> Profile:
    """Slack's user object (users.info, users.list), in our terms."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    return Profile(
        display_name=str(name or ""),
        tz=user.get("tz"),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        deleted=bool(user.get("deleted")),
        status_text=str(profile.get("status_text") or ""),
        status_emoji=str(profile.get("status_emoji") or ""),
        status_expiration=_whole(profile.get("status_expiration")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
    )


def directory(client: WebClient) -> Iterator[dict[str, Profile]]:
    """The client's workspace, one users.list page at a time: each page's people (no bots) by user id,
    waiting out users.list's Retry-After (Tier 2: some 20 pages a minute). A page at a time, so that
    a workspace of 100,000 is never held whole. Raises SlackApiError, SlackClientError or OSError, at
    the page that failed."""
    patient = WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=PATIENCE)],
    )
    cursor = None
    while True:
        page = patient.users_list(limit=PAGE, cursor=cursor) if cursor else patient.users_list(limit=PAGE)
        yield {
            member["id"]: profile_from_user(member)
            for member in page.get("members") or []
            if not member.get("is_bot") and member.get("id")
        }
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return


def _whole(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0
