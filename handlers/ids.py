"""Every id Slack echoes back to us: commands, callback ids, action ids, block ids."""

from enum import StrEnum


class Command(StrEnum):
    TRELLIS = "/trellis"
    WIN = "/win"


class Callback(StrEnum):
    LOG_AS_WIN_SHORTCUT = "log_as_win"


class View(StrEnum):
    LEVEL = "level"
    LEVEL_SAVED = "level_saved"
    GAPS = "gaps"
    FLAG = "flag_expectation"


class Action(StrEnum):
    LEVEL_CURRENT = "level_current"
    LEVEL_TARGET = "level_target"
    OPEN_LEVEL = "open_level"
    OPEN_GAPS = "open_gaps"
    GAP_RATING = "gap_rating"
    FLAG_OPEN = "flag_open"
    FLAG_WHICH = "flag_which"
    FLAG_COMMENT = "flag_comment"


class Block(StrEnum):
    HOME_INTRO = "home_intro"
    HOME_COMMANDS = "home_commands"
    HOME_GAPS = "home_gaps"
    HOME_FLAGS = "home_flags"
    LEVEL_CURRENT = "level_current"
    LEVEL_TARGET = "level_target"
    FLAG_WHICH = "flag_which"
    FLAG_COMMENT = "flag_comment"


GAP_BLOCK_PREFIX = "gap:"  # + the competency's position at the target level
