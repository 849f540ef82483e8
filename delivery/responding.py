"""`respond()` over kept-alive connections: a redrawn message costs a request, not a new connection.

Bolt's `Respond` makes a `slack_sdk.webhook.WebhookClient` for every call, and WebhookClient posts with
urllib, which opens a connection per post and closes it after: a TCP handshake, and against
hooks.slack.com a TLS one, for every button that redraws its message. slack_sdk has no pooled webhook
client, so this is Bolt's `Respond` posting through one urllib3 `PoolManager` per process (urllib3 keeps
the connections and is thread-safe); the message is shaped by Bolt's own `_build_message`, so Slack gets
the body Bolt's `respond` would send, and the answer comes back as the `WebhookResponse` Bolt returns.

Retries are those of the clients that serve a request (`bot.slack_client`): a dropped connection once,
a 5xx once, and a 429 once when its Retry-After is short enough to wait in a request thread. A post
that may have reached Slack (a read that timed out) is not repeated: a new message would appear twice.
The retry waits until after the request's answer (`delivery.unit.after_answer`): a listener run in the
request's own thread (`handlers.answering`) redraws its message there, and its answer is not held for
a pause Slack asked for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import urllib3
from slack_bolt.context.respond import Respond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse

from delivery.dispatcher import retry_after_seconds
from delivery.unit import after_answer

TIMEOUT_SECONDS = 10.0
# The longest Retry-After a thread serving a request waits out, here and in bot.slack_client's clients.
LONGEST_WAIT_IN_A_REQUEST_SECONDS = 3
RETRIED_STATUSES = frozenset({500, 502, 503, 504})


class Responder:
    """The process's connections to response_urls; `for_url` is the `respond` for one request."""

    def __init__(self, *, connections: int = 16) -> None:
        self.pool = urllib3.PoolManager(
            num_pools=4,  # hosts: hooks.slack.com (and a test's fake)
            maxsize=connections,  # kept per host: as many as listeners can post at once
            timeout=urllib3.Timeout(total=TIMEOUT_SECONDS),
            retries=urllib3.Retry(total=1, connect=1, read=0, status=0, redirect=0, other=0, raise_on_status=False),
        )

    def for_url(self, response_url: str) -> PooledRespond:
        return PooledRespond(response_url=response_url, responder=self)

    def post(self, url: str, message: dict[str, Any], *, after: float = 0) -> WebhookResponse:
        """One post of `message`, `after` seconds from now."""
        time.sleep(after)
        answer = self.pool.request(
            "POST", url, body=json.dumps(message).encode(), headers={"Content-Type": "application/json;charset=utf-8"}
        )
        return WebhookResponse(
            url=url,
            status_code=answer.status,
            body=answer.data.decode("utf-8", "replace"),
            headers=dict(answer.headers),
        )

    @staticmethod
    def retry_in(answer: WebhookResponse) -> float | None:
        """Seconds until the post is tried again, or None: a 5xx at once, a 429 after a short Retry-After."""
        if answer.status_code in RETRIED_STATUSES:
            return 0
        if answer.status_code == 429:
            wait = retry_after_seconds(answer.headers)
            return wait if wait <= LONGEST_WAIT_IN_A_REQUEST_SECONDS else None
        return None


class NotShown(Exception):
    """Slack refused an answer posted to a response_url, even after the retry: the person saw nothing."""

    def __init__(self, refused: WebhookResponse) -> None:
        super().__init__(f"Slack answered {refused.status_code} to the response_url")


class PooledRespond(Respond):
    """Bolt's `respond`, posting through the process's `Responder`."""

    def __init__(self, *, response_url: str, responder: Responder) -> None:
        super().__init__(response_url=response_url)
        self.responder = responder
        # The first post Slack refused even after its retry: the person saw nothing of it. Bolt's
        # `respond` returns such an answer rather than raising, and so does this one; whoever ran the
        # listener reads it afterwards (`handlers.answering`) and tells the person another way.
        self.refused: WebhookResponse | None = None

    def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if isinstance(text, dict):  # Bolt's respond takes the whole message as one dict, too
            return self._post(_build_message(**text))
        message = _build_message(
            text=text,
            blocks=blocks,
            attachments=attachments,
            response_type=response_type,
            replace_original=replace_original,
            delete_original=delete_original,
            unfurl_links=unfurl_links,
            unfurl_media=unfurl_media,
            thread_ts=thread_ts,
            metadata=metadata,
        )
        return self._post(message)

    def _post(self, message: dict[str, Any]) -> WebhookResponse:
        """Posted at once; a retry waits until after the request's answer (`delivery.unit.after_answer`):
        in a listener thread that is now, and its answer is returned; in a request's own thread
        (`handlers.answering`) it runs in the pool, so a slow Slack does not hold the answer."""
        assert self.response_url is not None
        url = self.response_url
        answer = self.responder.post(url, message)
        wait = self.responder.retry_in(answer)
        if wait is None:
            return self._noted(answer)
        retried: list[WebhookResponse] = []
        after_answer(lambda: retried.append(self._noted(self.responder.post(url, message, after=wait))))
        return retried[0] if retried else answer

    def _noted(self, answer: WebhookResponse) -> WebhookResponse:
        if answer.status_code != 200 and self.refused is None:
            self.refused = answer
        return answer
