"""Slack's rate limits, as the simulator enforces them (per workspace and method)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bucket:
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
