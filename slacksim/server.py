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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from slacksim.limits import Bucket
from slacksim.messages import MessageMethods
from slacksim.people import PeopleMethods
from slacksim.records import DEFAULT_SCOPES, DEFAULT_TEAM, Call, Channel, Failure, State, User
from slacksim.socket_mode import SocketModeEndpoint
from slacksim.surfaces import SurfaceMethods

RESPONSE_URL = "response_url"  # `fail(RESPONSE_URL, ...)`: the posts to response_urls fail


class FakeSlack(PeopleMethods, MessageMethods, SurfaceMethods):
    """The fake Web API server. Thread-safe; start() or use as a context manager."""

    def __init__(self, team_id: str = DEFAULT_TEAM, latency: float = 0.0) -> None:
        self.team_id = team_id
        self.latency = latency
        self._lock = threading.Lock()
        self._state = State()
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
            self._state = State()
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
        """Enforce a rate limit per workspace: for each method, calls a second (a second's worth at once,
        or a minute's for a rate under one a second); beyond it, 429 with the Retry-After Slack would
        give. `slack.limit(tiers(post_message=50))` is Slack's published table (`slacksim.limits`)."""
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
        """Make `method` fail: 429 (with Retry-After), a 5xx, or `ok: false` with `error` at status 200.
        `RESPONSE_URL` as the method: the next posts to any response_url answer `status`, `error` as text."""
        if status == 429 and retry_after is None:
            retry_after = 1
        code = error or {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}.get(
            status, "fatal_error"
        )
        with self._lock:
            self._state.failures.setdefault(method, []).append(Failure(status, code, retry_after, times))

    def slow(self, method: str, seconds: float) -> None:
        """Hold each call of `method` for `seconds` after it is recorded, before answering it: Slack being
        slow, and a moment in which a test can look at what the caller holds while it waits."""
        with self._lock:
            self._state.slow[method] = seconds

    def _slowness(self, method: str) -> float:
        with self._lock:
            return self._state.slow.get(method, 0.0)

    def clear_failures(self) -> None:
        with self._lock:
            self._state.failures.clear()

    def grant(
        self,
        code: str,
        *,
        team_id: str,
        team_name: str = "Another Team",
        enterprise_id: str | None = None,
        rotating: bool = False,
    ) -> str:
        """Make `code` a valid OAuth code for `team_id` (a workspace of the Enterprise Grid org
        `enterprise_id`, installed in that workspace only); returns the bot token it is exchanged for.
        With `rotating`, the app has token rotation on: the token comes with a refresh token and expires
        within the hour, so the app refreshes it before its first use."""
        token = f"xoxe.xoxb-{team_id}-installed" if rotating else f"xoxb-{team_id}-installed"
        with self._lock:
            self._state.grants[code] = (team_id, team_name, enterprise_id, rotating)
            self._state.installed[token] = team_id
            self._state.revoked.discard(token)
            if enterprise_id:
                self._state.enterprises[team_id] = enterprise_id
        return token

    def add_channel(
        self, channel_id: str, name: str, *, private: bool = False, bot_member: bool = True, archived: bool = False
    ) -> None:
        """A channel people made: posting in it needs the bot to be a member (else `not_in_channel`, or
        `channel_not_found` for a private one) and it not to be archived (`is_archived`)."""
        with self._lock:
            self._state.workspace_channels[channel_id] = Channel(name, private, bot_member, archived)

    def invite_bot(self, channel_id: str) -> None:
        """Someone typed `/invite @Trellis` in the channel."""
        with self._lock:
            self._state.workspace_channels[channel_id].bot_member = True

    def grant_scopes(self, token: str, scopes: list[str]) -> None:
        """The scopes `token` was granted (Slack lists them in every answer's `x-oauth-scopes` header)."""
        with self._lock:
            self._state.scopes[token] = tuple(scopes)

    def revoke(self, token: str) -> None:
        """The token is revoked (the app uninstalled): every call with it answers `token_revoked`."""
        with self._lock:
            self._state.revoked.add(token)

    def scopes_of(self, token: str | None) -> tuple[str, ...]:
        with self._lock:
            return self._state.scopes.get(token or "", DEFAULT_SCOPES)

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
        """A new response_url; the first post to it records how long after this call it came
        (`response_delays`: a click's redraw, as its user waits for it)."""
        url_id = str(next(self._ids))
        with self._lock:
            self._state.handed_out[url_id] = time.perf_counter()
        return f"{self.base_url}respond/{url_id}"

    def response_delays(self) -> list[float]:
        """Seconds from each response_url handed out to the first post to it, in the order they came."""
        with self._lock:
            return list(self._state.response_delays)

    def trigger_id(self) -> str:
        return f"{next(self._ids)}.{int(time.time())}.fake"

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, *, answered: bool = True) -> list[Call]:
        """Block until `method` was called `count` times, and each call answered (what it did is then
        seen: a call is recorded when it arrives, and a test reading views or messages the moment it
        appears could find them not made yet); return those calls. `answered=False`: only arrived, for a
        test that looks at the caller while the fake holds its answer (`slow`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls(method)
            if len(calls) >= count and (not answered or all(call.answered.is_set() for call in calls)):
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

    def _record(self, method: str, args: dict[str, Any], token: str | None) -> tuple[Call, Failure | None]:
        call = Call(method, args, token, time.time())
        with self._lock:
            self._state.calls.append(call)
        return call, self._next_failure(method)

    def _next_failure(self, method: str) -> Failure | None:
        with self._lock:
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
        if not token.startswith(("xoxb-", "xoxp-", "xapp-", "xoxe.xoxb-")):
            return 200, {"ok": False, "error": "invalid_auth"}
        with self._lock:
            if token in self._state.revoked:
                return 200, {"ok": False, "error": "token_revoked"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}
        return 200, handler(args, token)

    def _team_of(self, token: str | None) -> str:
        """The workspace a token belongs to: an installed one's, else the default workspace."""
        with self._lock:
            return self._state.installed.get(token or "", self.team_id)

    def _throttle(self, method: str, token: str | None) -> int | None:
        """Retry-After seconds when this call is over the workspace's limit for `method`, else None."""
        with self._lock:
            rate = self._limits.get(method)
            if rate is None:
                return None
            team = self._state.installed.get(token or "", self.team_id)
            now = time.monotonic()
            bucket = self._state.buckets.get((team, method))
            if bucket is None:
                bucket = self._state.buckets[(team, method)] = Bucket.full(rate, now)
            wait = bucket.take(now)
            if not wait:
                return None
            self._state.limited += 1
            return max(1, int(wait + 0.999))


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
        # An answer leaves in one write, head and body together, as Slack's servers send it: written in
        # two, a client that keeps its connection (urllib3's pool) waits out Nagle's delay against its own
        # delayed ACK, 40 ms an answer here. The handler flushes after each request.
        wbufsize = -1

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
                failure = fake._next_failure(RESPONSE_URL)
                if failure is not None:
                    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                    self._send(failure.status, failure.error.encode(), "text/plain", headers=headers)
                    return
                fake._store_response(json.loads(body or b"{}"), path.rsplit("/", 1)[1])
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
            call, failure = fake._record(method, args, token)
            try:
                slowness = fake._slowness(method)
                if slowness:
                    time.sleep(slowness)
                self._answer_call(method, args, token, failure)
            finally:
                call.answered.set()

        def _answer_call(self, method: str, args: dict[str, Any], token: str | None, failure: Failure | None) -> None:
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
            scopes = {"x-oauth-scopes": ",".join(fake.scopes_of(token))} if token else {}
            self._send(status, json.dumps(payload).encode(), headers=scopes)

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
