"""Sends requests to the bot exactly as Slack does: signed, over real HTTP, in Slack's shapes.

Slash commands are form bodies, interactive payloads are `payload=<json>` form bodies, the Events API
is JSON; every request carries X-Slack-Request-Timestamp and the v0 HMAC signature of the raw body.
Shapes follow Slack's documentation and bolt-python's own test fixtures.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from slacksim.records import DEFAULT_TEAM
from slacksim.server import FakeSlack

APP_ID = "A0TRELLIS"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer; header names are lower-case."""

    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Signs and posts to `url` (the bot's /slack/events) as Slack would, with response_urls on `fake`.

    With `enterprise_id`, the workspace belongs to that Enterprise Grid org (installed in the workspace,
    not org-wide): every payload names the org as Slack's do."""

    def __init__(
        self,
        url: str,
        signing_secret: str,
        fake: FakeSlack,
        team_id: str = DEFAULT_TEAM,
        enterprise_id: str | None = None,
    ) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id
        self.enterprise_id = enterprise_id

    # -- the shapes ------------------------------------------------------------------------------

    def command(self, command: str, text: str = "", *, user_id: str, user_name: str = "", **extra: Any) -> Reply:
        body = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "team_domain": "trellis-demo",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(),
            "trigger_id": self.fake.trigger_id(),
            **({"enterprise_id": self.enterprise_id, "enterprise_name": "Grid Org"} if self.enterprise_id else {}),
            **extra,
        }
        return self.post(urlencode(body).encode(), "application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any]) -> Reply:
        team = {"id": self.team_id, "domain": "trellis-demo"}
        if self.enterprise_id:
            team["enterprise_id"] = self.enterprise_id
        base = {
            "team": team,
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "is_enterprise_install": False,
            "enterprise": {"id": self.enterprise_id, "name": "Grid Org"} if self.enterprise_id else None,
        }
        body = urlencode({"payload": json.dumps({**base, **payload})}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def _user(self, user_id: str) -> dict[str, str]:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": self.team_id}

    def block_action(
        self, *, user_id: str, action: dict[str, Any], view: dict[str, Any] | None = None, **extra: Any
    ) -> Reply:
        """A click or a selection. In a modal or the App Home, `view` is the view as Slack holds it; in a
        message, `container` (extra) names the message, else a DM's placeholder."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "trigger_id": self.fake.trigger_id(),
            "actions": [{"action_ts": f"{time.time():.6f}", "block_id": action.get("action_id", ""), **action}],
            **extra,
        }
        if view is not None:
            payload["view"] = {"state": {"values": {}}, **view}
            payload["container"] = {"type": "view", "view_id": view.get("id")}
        else:
            payload["response_url"] = self.fake.response_url()
            payload.setdefault("container", {"type": "message", "channel_id": "D" + user_id[1:], "message_ts": "1.2"})
        return self.interactive(payload)

    def view_submission(self, *, user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> Reply:
        """Submitting `view` (as Slack holds it) with `values`: {block_id: {action_id: state}}."""
        submitted = {**view, "state": {"values": values}, "root_view_id": view.get("id"), "previous_view_id": None}
        payload = {
            "type": "view_submission",
            "user": self._user(user_id),
            "trigger_id": self.fake.trigger_id(),
            "view": submitted,
            "response_urls": [],
        }
        return self.interactive(payload)

    def message_shortcut(self, callback_id: str, *, user_id: str, message: dict[str, Any], channel: str) -> Reply:
        return self.interactive(
            {
                "type": "message_action",
                "callback_id": callback_id,
                "trigger_id": self.fake.trigger_id(),
                "response_url": self.fake.response_url(),
                "user": {"id": user_id, "name": user_id.lower(), "team_id": self.team_id},
                "channel": {"id": channel, "name": "eng"},
                "message_ts": message["ts"],
                "message": message,
            }
        )

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None) -> Reply:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "api_app_id": APP_ID,
            "event": {"event_ts": f"{time.time():.6f}", **event},
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": self.enterprise_id,
                    "team_id": self.team_id,
                    "user_id": "U0TRELLISBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + uuid.uuid4().hex,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope).encode(), "application/json", headers=headers)

    def app_home_opened(self, user_id: str, **kwargs: Any) -> Reply:
        return self.event(
            {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id[1:], "tab": "home"},
            **kwargs,
        )

    def url_verification(self, challenge: str) -> Reply:
        body = {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}
        return self.post(json.dumps(body).encode(), "application/json")

    # -- the wire --------------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp: str | None = None,
        signature: str | None = None,
        timeout: float = 10.0,
    ) -> Reply:
        """POST `body` signed with the secret; `timestamp` and `signature` override for forgery tests."""
        stamp = str(int(time.time())) if timestamp is None else timestamp
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if stamp != "":
            all_headers["X-Slack-Request-Timestamp"] = stamp
            all_headers["X-Slack-Signature"] = signature or self.sign(body, stamp)
        elif signature is not None:
            all_headers["X-Slack-Signature"] = signature
        return http(self.url, data=body, headers=all_headers, timeout=timeout)

    def sign(self, body: bytes, timestamp: str) -> str:
        signature = SignatureVerifier(self.signing_secret).generate_signature(timestamp=timestamp, body=body)
        assert signature is not None
        return signature


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 10.0) -> Reply:
    """One HTTP request; any status comes back as a Reply instead of an exception."""
    request = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data is not None else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read(), _lower(response.headers.items()))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read(), _lower(error.headers.items()))


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}
