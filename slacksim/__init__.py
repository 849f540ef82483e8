"""The local Slack simulator, owned by the project: the tests, bench/ and `trellis demo` talk to it.

`FakeSlack` is a fake of the Slack Web API on a loopback port (files upload v2, Socket Mode, rate
limits per workspace and method, and faults on demand); `SlackSender` sends the bot what Slack sends,
signed. It imports nothing of Trellis, so it is what Slack would be to any app.
"""

from slacksim.limits import tiers
from slacksim.records import BOT_ID, BOT_USER, DEFAULT_TEAM, Call, User
from slacksim.sender import APP_ID, Reply, SlackSender, http
from slacksim.server import RESPONSE_URL, FakeSlack

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER",
    "DEFAULT_TEAM",
    "RESPONSE_URL",
    "Call",
    "FakeSlack",
    "Reply",
    "SlackSender",
    "User",
    "http",
    "tiers",
]
