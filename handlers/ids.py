"""Every id Slack echoes back to us: commands, callback ids, action ids, block ids."""

from enum import StrEnum


class Command(StrEnum):
    TRELLIS = "/trellis"
    WIN = "/win"


class Callback(StrEnum):
    LOG_AS_WIN_SHORTCUT = "log_as_win"


class Block(StrEnum):
    HOME_INTRO = "home_intro"
    HOME_COMMANDS = "home_commands"
