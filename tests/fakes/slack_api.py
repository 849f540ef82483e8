"""A local fake of the Slack Web API, owned by the project: for the tests, the benchmarks and the demo.

An HTTP server on 127.0.0.1 (an ephemeral port) that answers the methods the bot calls with Slack's
response shapes, records every call, and can be told to answer 429 with Retry-After, 500, or a Slack
error for chosen methods. It also takes the file uploads of the files upload v2 flow and the posts
to `response_url`s, which it hands out itself, and serves Socket Mode (`socket_mode`).

    with FakeSlack() as slack:
        slack.add_user("T1", "U1", name="Maya", tz="Europe/Paris")
        slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
        ... point SLACK_API_URL at slack.api_url ...
        slack.calls("chat.postMessage")
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fakes.socket_mode import SocketModeEndpoint

DEFAULT_TEAM = "T0TRELLIS"
BOT_USER = "U0TRELLISBOT"
BOT_ID = "B0TRELLIS"


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float


@dataclass
class _Bucket:
    """Slack's rate limits, simplified: per workspace and method, `rate` calls a second, `burst` at once."""

    rate: float
    burst: float
    tokens: float
    checked: float

    def take(self, now: float) -> float:
        """0 when a call may go now (and takes its token), else the seconds until one may."""
        self.tokens = min(self.burst, self.tokens + (now - self.checked) * self.rate)
        self.checked = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


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
class _State:
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)  # file id -> the name it was announced with
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    users_by_id: dict[str, User] = field(default_factory=dict)
    buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    limited: int = 0  # calls answered 429 by the rate limit
    channels: dict[str, str] = field(default_factory=dict)  # channels the app created: id -> name
    members: dict[str, set[str]] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, tuple[str, str]] = field(default_factory=dict)
    installed: dict[str, str] = field(default_factory=dict)  # bot token -> team id


class FakeSlack:
    """The fake Web API server. Thread-safe; start() or use as a context manager."""

    def __init__(self, team_id: str = DEFAULT_TEAM, latency: float = 0.0) -> None:
        self.team_id = team_id
        self.latency = latency
        self._lock = threading.Lock()
        self._state = _State()
        self._limits: dict[str, float] = {}  # method -> calls a second per workspace
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)
        self.socket_mode = SocketModeEndpoint()

    # -- lifecycle -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be."""
        return self.base_url + "api/"

    def start(self) -> FakeSlack:
        self._thread.start()
        self.socket_mode.start()
        return self

    def stop(self) -> None:
        self.socket_mode.stop()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget calls, failures, users and views (between tests)."""
        with self._lock:
            self._state = _State()
            self._limits = {}

    # -- arranging -------------------------------------------------------------------------------

    def add_user(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str,
        tz: str = "Europe/London",
        tz_offset: int = 0,
        real_name: str | None = None,
        **flags: Any,
    ) -> User:
        user = User(
            id=user_id,
            team_id=team_id,
            name=name,
            real_name=real_name or name,
            tz=tz,
            tz_offset=tz_offset,
            **flags,
        )
        with self._lock:
            self._state.users[(team_id, user_id)] = user
            self._state.users_by_id[user_id] = user
        return user

    def install(self, team_id: str) -> str:
        """A bot token the fake treats as installed in `team_id` (for rate limits per workspace)."""
        token = f"xoxb-{team_id}-installed"
        with self._lock:
            self._state.installed[token] = team_id
        return token

    def limit(self, methods: dict[str, float]) -> None:
        """Enforce a rate limit per workspace: for each method, calls a second (a second's worth at once);
        beyond it, 429 with the Retry-After Slack would give."""
        with self._lock:
            self._limits = dict(methods)
            self._state.buckets.clear()

    @property
    def limited(self) -> int:
        with self._lock:
            return self._state.limited

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> None:
        """Make `method` fail: 429 (with Retry-After), a 5xx, or `ok: false` with `error` at status 200."""
        if status == 429 and retry_after is None:
            retry_after = 1
        code = error or {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}.get(
            status, "fatal_error"
        )
        with self._lock:
            self._state.failures.setdefault(method, []).append(Failure(status, code, retry_after, times))

    def clear_failures(self) -> None:
        with self._lock:
            self._state.failures.clear()

    def grant(self, code: str, *, team_id: str, team_name: str = "Another Team") -> str:
        """Make `code` a valid OAuth code for `team_id`; returns the bot token it will be exchanged for."""
        token = f"xoxb-{team_id}-installed"
        with self._lock:
            self._state.grants[code] = (team_id, team_name)
            self._state.installed[token] = team_id
        return token

    # -- observing -------------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._state.calls if method is None or c.method == method]

    def responses(self) -> list[dict[str, Any]]:
        """Bodies posted to the response_urls this fake handed out, in order."""
        with self._lock:
            return list(self._state.responses)

    def views(self, callback_id: str | None = None) -> list[dict[str, Any]]:
        """The views the app opened, updated or published, as the fake holds them (with id and hash)."""
        with self._lock:
            held = list(self._state.views.values())
        return [view for view in held if callback_id is None or view.get("callback_id") == callback_id]

    def response_url(self) -> str:
        return f"{self.base_url}respond/{next(self._ids)}"

    def trigger_id(self) -> str:
        return f"{next(self._ids)}.{int(time.time())}.fake"

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `method` was called `count` times (answered or not); return those calls."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls(method)
            if len(calls) >= count:
                return calls
            time.sleep(0.01)
        raise AssertionError(f"{method} called {len(self.calls(method))} times, expected {count}")

    def wait_for_home(self, user_id: str, containing: str, timeout: float = 10.0) -> dict[str, Any]:
        """The latest App Home published for `user_id` whose JSON contains `containing` (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in reversed(self.calls("views.publish")):
                if call.args.get("user_id") == user_id and containing in json.dumps(
                    call.args["view"], ensure_ascii=False
                ):
                    return call.args["view"]
            time.sleep(0.01)
        raise AssertionError(f"no home for {user_id} containing {containing!r}")

    def wait_for_response(self, containing: str, timeout: float = 10.0) -> dict[str, Any]:
        """The latest response_url post whose JSON contains `containing` (waits for it; a bot that outlives
        a test may still answer an earlier test's click, so tests that can wait for content should)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in reversed(self.responses()):
                if containing in json.dumps(body, ensure_ascii=False):
                    return body
            time.sleep(0.01)
        raise AssertionError(f"no response_url post containing {containing!r}")

    def wait_for_responses(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            responses = self.responses()
            if len(responses) >= count:
                return responses
            time.sleep(0.01)
        raise AssertionError(f"{len(self.responses())} response_url posts, expected {count}")

    # -- answering -------------------------------------------------------------------------------

    def _record(self, method: str, args: dict[str, Any], token: str | None) -> Failure | None:
        with self._lock:
            self._state.calls.append(Call(method, args, token, time.time()))
            queue = self._state.failures.get(method)
            if not queue:
                return None
            failure = queue[0]
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
            return failure

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any]]:
        if method == "oauth.v2.access":
            return 200, self._oauth_v2_access(args)
        if not token:
            return 200, {"ok": False, "error": "not_authed"}
        if not token.startswith(("xoxb-", "xoxp-", "xapp-")):
            return 200, {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}
        if method in ("auth.test", "apps.connections.open", "users.list"):
            return 200, handler(args, token)
        return 200, handler(args)

    def _new_ts(self) -> str:
        return f"{time.time():.6f}"

    def _user(self, user_id: str) -> User | None:
        with self._lock:
            return self._state.users_by_id.get(user_id)

    def _throttle(self, method: str, token: str | None) -> int | None:
        """Retry-After seconds when this call is over the workspace's limit for `method`, else None."""
        with self._lock:
            rate = self._limits.get(method)
            if rate is None:
                return None
            team = self._state.installed.get(token or "", self.team_id)
            now = time.monotonic()
            bucket = self._state.buckets.setdefault((team, method), _Bucket(rate, max(1.0, rate), max(1.0, rate), now))
            wait = bucket.take(now)
            if not wait:
                return None
            self._state.limited += 1
            return max(1, int(wait + 0.999))

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """Exchange a code from `grant` (the client id and secret come as HTTP Basic auth)."""
        if not args.get("client_id") and not args.get("_basic_auth"):
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            grant = self._state.grants.pop(str(args.get("code", "")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team_id, team_name = grant
        return {
            "ok": True,
            "app_id": "A0TRELLIS",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "commands,chat:write,im:write,im:history,users:read,groups:write",
            "token_type": "bot",
            "access_token": f"xoxb-{team_id}-installed",
            "bot_user_id": BOT_USER,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _m_auth_test(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        with self._lock:
            team_id = self._state.installed.get(token or "", self.team_id)
        return {
            "ok": True,
            "url": "https://trellis-demo.slack.com/",
            "team": "Trellis Demo",
            "user": "trellis",
            "team_id": team_id,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.as_slack()}

    def _m_users_list(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        """The workspace's members (of the token's team), `limit` at a time, with a cursor."""
        with self._lock:
            team = self._state.installed.get(token or "", self.team_id)
            members = [user for (team_id, _), user in self._state.users.items() if team_id == team]
        start = int(str(args.get("cursor") or "0").removeprefix("next:") or 0)
        limit = int(args.get("limit") or 100)
        page = members[start : start + limit]
        cursor = f"next:{start + limit}" if start + limit < len(members) else ""
        return {
            "ok": True,
            "members": [user.as_slack() for user in page],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": cursor},
        }

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if not users[0]:
            return {"ok": False, "error": "users_list_not_supplied"}
        for user_id in users:
            user = self._user(user_id)
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            if user.deleted:
                return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": "D" + users[0].lstrip("UW")}}

    def _message(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = str(args.get("channel", ""))
        if not channel:
            return "channel_not_found"
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks:
            return "no_text"
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is not None and len(blocks) > 50:
            return "invalid_blocks"
        if text and len(str(text)) > 40000:
            return "msg_too_long"
        if channel.startswith(("U", "W")):
            user = self._user(channel)
            if user is None:
                return "channel_not_found"
            channel = "D" + channel.lstrip("UW")
        if channel.startswith("D"):
            user = self._user("U" + channel[1:])
            if user is not None and user.deleted:
                return "user_disabled"

        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        return {"channel": channel, "text": text or "", "blocks": blocks or [], "metadata": metadata}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._message(args)
        if isinstance(message, str):
            return {"ok": False, "error": message}
        ts = self._new_ts()
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        with self._lock:
            self._state.messages[(message["channel"], ts)] = message
        reply = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts, **message}
        if args.get("thread_ts"):
            reply["thread_ts"] = args["thread_ts"]
        return {"ok": True, "channel": message["channel"], "ts": ts, "message": reply}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            held = sorted(
                ((ts, message) for (where, ts), message in self._state.messages.items() if where == channel),
                key=lambda item: float(item[0]),
                reverse=True,
            )
        messages = []
        for ts, message in held[:limit]:
            shown = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts, "text": message["text"]}
            if with_metadata and message.get("metadata"):
                shown["metadata"] = message["metadata"]
            messages.append(shown)
        return {"ok": True, "messages": messages, "has_more": len(held) > limit}

    def _m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args.get("name") or "")
        if not name or len(name) > 80 or name != name.lower() or " " in name:
            return {"ok": False, "error": "invalid_name"}
        with self._lock:
            if name in self._state.channels.values():
                return {"ok": False, "error": "name_taken"}
            channel = f"G{next(self._ids):08d}"
            self._state.channels[channel] = name
        private = str(args.get("is_private", "")).lower() in ("1", "true")
        return {"ok": True, "channel": {"id": channel, "name": name, "is_private": private, "is_archived": False}}

    def _m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        with self._lock:
            if channel not in self._state.channels:
                return {"ok": False, "error": "channel_not_found"}
            self._state.members.setdefault(channel, set()).update(str(args.get("users") or "").split(","))
        return {"ok": True, "channel": {"id": channel}}

    def _m_conversations_archive(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        with self._lock:
            if channel not in self._state.channels:
                return {"ok": False, "error": "channel_not_found"}
            if channel in self._state.archived:
                return {"ok": False, "error": "already_archived"}
            self._state.archived.add(channel)
        return {"ok": True}

    def room(self, channel: str) -> tuple[str, set[str], bool]:
        """A channel the app created: (name, members invited, archived)."""
        with self._lock:
            return (
                self._state.channels[channel],
                set(self._state.members.get(channel, set())),
                channel in self._state.archived,
            )

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages the app posted (and has not deleted), oldest first, with their channel and ts."""
        with self._lock:
            held = [{**message, "ts": ts} for (_, ts), message in self._state.messages.items()]
        held.sort(key=lambda message: float(message["ts"]))
        return [message for message in held if channel is None or message["channel"] == channel]

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        message = self._message(args)
        if isinstance(message, str):
            return {"ok": False, "error": message}
        return {"ok": True, "message_ts": self._new_ts()}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        with self._lock:
            if (channel, ts) not in self._state.messages:
                return {"ok": False, "error": "message_not_found"}
        message = self._message(args)
        if isinstance(message, str):
            return {"ok": False, "error": message}
        with self._lock:
            self._state.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        with self._lock:
            if self._state.messages.pop((channel, ts), None) is None:
                return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://trellis-demo.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _view(self, args: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict) or "type" not in view:
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"{time.time():.6f}", "team_id": self.team_id}
        with self._lock:
            self._state.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view(args)

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._m_views_open(args)

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        with self._lock:
            known = view_id in self._state.views
        if not known:
            return {"ok": False, "error": "not_found"}
        return self._view(args, view_id=str(view_id))

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view(args)

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not args.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._state.filenames[file_id] = str(args["filename"])
        return {"ok": True, "upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not files:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            missing = [f["id"] for f in files if f["id"] not in self._state.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def _m_apps_connections_open(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        """App-level tokens get the Socket Mode endpoint; a token containing "refused" is refused."""
        if not (token or "").startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if "refused" in (token or ""):
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.socket_mode.url}

    def wait_for_file(self, named: Callable[[str], bool], timeout: float = 10.0) -> tuple[str, bytes]:
        """(file id, content) of the first uploaded file whose name satisfies `named` (waits for it).

        Chooses by name, not by order: a bot that outlives a test may still finish an earlier upload."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for file_id, name in self._state.filenames.items():
                    if named(name) and file_id in self._state.uploads:
                        return file_id, self._state.uploads[file_id]
            time.sleep(0.01)
        raise AssertionError("no uploaded file with such a name")

    def completion_of(self, file_id: str, timeout: float = 10.0) -> Call:
        """The files.completeUploadExternal call that shared `file_id` (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls("files.completeUploadExternal"):
                files = call.args.get("files")
                if file_id in (files if isinstance(files, str) else json.dumps(files)):
                    return call
            time.sleep(0.01)
        raise AssertionError(f"{file_id} was never shared")

    def uploaded(self, file_id: str) -> bytes:
        with self._lock:
            return self._state.uploads[file_id]

    def _store_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            self._state.uploads[file_id] = content

    def _store_response(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._state.responses.append(body)


def _parse_args(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    query = {k: v[0] for k, v in parse_qs(urlparse(handler.path).query).items()}
    content_type = handler.headers.get("Content-Type", "")
    if body and "json" in content_type:
        return {**query, **json.loads(body)}
    if body:
        return {**query, **{k: v[0] for k, v in parse_qs(body.decode()).items()}}
    return query


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._api(b"")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlparse(self.path).path
            if path.startswith("/upload/"):
                fake._store_upload(path.rsplit("/", 1)[1], body)
                self._send(200, f"OK - {len(body)}".encode(), "text/plain")
            elif path.startswith("/respond/"):
                fake._store_response(json.loads(body or b"{}"))
                self._send(200, b"ok", "text/plain")
            else:
                self._api(body)

        def _api(self, body: bytes) -> None:
            path = urlparse(self.path).path
            if not path.startswith("/api/"):
                self._send(404, b"not found", "text/plain")
                return
            method = path[len("/api/") :]
            args = _parse_args(self, body)
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                args["_basic_auth"] = auth.removeprefix("Basic ")
                auth = ""
            token = auth.removeprefix("Bearer ").strip() or args.pop("token", None)
            if fake.latency:
                time.sleep(fake.latency)
            failure = fake._record(method, args, token)
            retry_after = fake._throttle(method, token) if failure is None else None
            if retry_after is not None:
                body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                self._send(429, body, headers={"Retry-After": str(retry_after)})
                return
            if failure is not None:
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                self._send(
                    failure.status,
                    json.dumps({"ok": False, "error": failure.error}).encode(),
                    headers=headers,
                )
                return
            status, payload = fake._answer(method, args, token)
            self._send(status, json.dumps(payload).encode())

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str = "application/json; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
