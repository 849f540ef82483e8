"""Slack's rate limits, as the simulator enforces them (per workspace and method).

The tiers and the methods in them are Slack's published ones: "Rate limits",
https://docs.slack.dev/apis/web-api/rate-limits (Tier 1: 1+ a minute, Tier 2: 20+, Tier 3: 50+,
Tier 4: 100+), and each method's page in https://docs.slack.dev/reference/methods, as of 2026-12.
`chat.postMessage` is the "special" tier: about one a second per channel with a workspace-wide limit
Slack does not publish, so a test or a benchmark chooses that workspace rate. A method missing from
the table is not limited (auth.test, oauth.v2.access and the like are allowed thousands an hour).

`conversations.history` and `conversations.replies` are 1 a minute (15 messages a call) for apps that
are distributed commercially outside the Marketplace since 2025-05-29; internal and self-built apps,
as Trellis installs are, keep Tier 3. `TIERS_COMMERCIAL` says so, for a benchmark that wants it.
"""

from __future__ import annotations

from dataclasses import dataclass

PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}

TIER_OF = {
    "apps.connections.open": 1,
    "conversations.archive": 2,
    "conversations.create": 2,
    "users.list": 2,
    "chat.delete": 3,
    "chat.update": 3,
    "conversations.history": 3,
    "conversations.info": 3,
    "conversations.invite": 3,
    "conversations.join": 3,
    "conversations.open": 3,
    "conversations.replies": 3,
    "reactions.add": 3,
    "team.info": 3,
    "users.lookupByEmail": 3,
    "chat.postEphemeral": 4,
    "conversations.members": 4,
    "files.completeUploadExternal": 4,
    "files.getUploadURLExternal": 4,
    "users.info": 4,
    "views.open": 4,
    "views.publish": 4,
    "views.push": 4,
    "views.update": 4,
}


def tiers(post_message: float, *, commercial: bool = False) -> dict[str, float]:
    """Calls a second per workspace for every method Slack limits, with chat.postMessage at
    `post_message` a second. `commercial`: the 2025 limit of conversations.history and .replies
    for apps distributed outside the Marketplace (one a minute)."""
    limits = {method: PER_MINUTE[tier] / 60 for method, tier in TIER_OF.items()}
    if commercial:
        limits["conversations.history"] = limits["conversations.replies"] = 1 / 60
    return {**limits, "chat.postMessage": post_message}


@dataclass
class Bucket:
    """Slack's rate limits, simplified: per workspace and method, `rate` calls a second, `burst` at once
    (Slack counts a tier per minute and welcomes "sporadic bursts": a minute's calls may come at once)."""

    rate: float
    burst: float
    tokens: float
    checked: float

    @classmethod
    def full(cls, rate: float, now: float) -> Bucket:
        burst = max(1.0, rate * 60 if rate < 1 else rate)  # a tier's minute; a second of chat.postMessage
        return cls(rate, burst, burst, now)

    def take(self, now: float) -> float:
        """0 when a call may go now (and takes its token), else the seconds until one may."""
        self.tokens = min(self.burst, self.tokens + (now - self.checked) * self.rate)
        self.checked = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate
