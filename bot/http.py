"""The WSGI application served in HTTP mode: Slack's requests through Bolt's adapter, and a health check."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.app import Bot
from storage.db import DatabaseUnavailable
from storage.migrate import SchemaOutOfDate, ensure_current

log = logging.getLogger("trellis.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000

StartResponse = Callable[..., Any]


class TrellisWSGI:
    """Bolt's WSGI adapter with the guards Bolt leaves out.

    Bolt answers 500 when the timestamp header is not a number and when it cannot parse a body (or
    build its context from one), and slack_sdk's signature check raises on a body that is not UTF-8;
    those get 401 and 400, and touch nothing.
    """

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.slack = SlackRequestHandler(bot.app, path=EVENTS_PATH)
        secret = bot.settings.slack_signing_secret
        self.verifier = SignatureVerifier(secret) if secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return self._health(start_response)
        if path == EVENTS_PATH and method == "POST":
            return self._slack(environ, start_response)
        return self.slack(environ, start_response)

    def _slack(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            return _plain(start_response, "413 Payload Too Large", "request body too large")
        body = environ["wsgi.input"].read(length) if length else b""
        if not _utf8(body):  # Slack sends UTF-8; slack_sdk's signature check and Bolt's parser decode it
            log.info("rejected a request whose body is not UTF-8")
            return _plain(start_response, "400 Bad Request", "Bad Request: body is not UTF-8")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        if not timestamp.isdigit():
            log.info("rejected a request without a numeric X-Slack-Request-Timestamp")
            return _plain(start_response, "401 Unauthorized", "invalid request")
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            return self.slack(environ, start_response)
        except Exception:  # App.dispatch answers its own errors; what escapes is Bolt parsing the body
            signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
            if self.verifier is None or not self.verifier.is_valid(body, timestamp, signature):
                return _plain(start_response, "401 Unauthorized", "invalid request")
            log.warning("rejected a signed request whose body does not parse")
            return _plain(start_response, "400 Bad Request", "Bad Request: body does not parse")

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            ensure_current(self.bot.db)
        except (DatabaseUnavailable, SchemaOutOfDate) as error:
            return _json(start_response, "503 Service Unavailable", {"ok": False, "database": str(error)})
        return _json(start_response, "200 OK", {"ok": True, "database": "ok"})


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _plain(start_response: StartResponse, status: str, text: str) -> Iterable[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
