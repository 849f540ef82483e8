"""The one place WebClients are made: every client points at SLACK_API_URL and retries deliberately.

Clients that serve a request (the Bolt app's) retry a dropped connection and one 5xx, and wait out a
429 only when Slack asks for a short pause: a request thread never sleeps for long. The outbox's client
retries nothing itself: the dispatcher reschedules the row, honouring Retry-After, without blocking.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from delivery.dispatcher import retry_after_seconds
from delivery.responding import LONGEST_WAIT_IN_A_REQUEST_SECONDS

REQUEST_TIMEOUT_SECONDS = 10


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, but only when Retry-After is short enough to wait inside a request."""

    def __init__(self, longest_wait_seconds: int = LONGEST_WAIT_IN_A_REQUEST_SECONDS) -> None:
        super().__init__(max_retry_count=1)
        self.longest_wait_seconds = longest_wait_seconds

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return retry_after_seconds(response.headers) <= self.longest_wait_seconds


def request_retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=1),
        ServerErrorRetryHandler(max_retry_count=1),
        ShortRateLimitRetryHandler(),
    ]


class SlackClients:
    """Makes every WebClient the bot uses, all against one base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._outbox_clients: dict[str, WebClient] = {}

    def for_requests(self, token: str | None = None) -> WebClient:
        return WebClient(
            token=token,
            base_url=self.base_url,
            timeout=REQUEST_TIMEOUT_SECONDS,
            retry_handlers=request_retry_handlers(),
        )

    def for_outbox(self, token: str) -> WebClient:
        """A client that reports every failure at once, for the dispatcher to reschedule."""
        client = self._outbox_clients.get(token)
        if client is None:
            client = WebClient(token=token, base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS, retry_handlers=[])
            self._outbox_clients[token] = client
        return client
