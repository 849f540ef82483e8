"""Every id Slack echoes back to us: commands, callback ids, action ids, block ids. Named so as not to
shadow slack_sdk's own classes (`Block`, `View`)."""

from enum import StrEnum


class Command(StrEnum):
    TRELLIS = "/trellis"
    WIN = "/win"


class CallbackId(StrEnum):
    """Callback ids: the "Log as a win" message shortcut's, and each modal's."""

    LOG_AS_WIN_SHORTCUT = "log_as_win"
    LEVEL = "level"
    LEVEL_SAVED = "level_saved"
    GAPS = "gaps"
    FLAG = "flag_expectation"
    WIN = "win"
    WIN_TEXT = "win_text"
    SETTINGS = "settings"
    OBJECTIVE = "objective"
    CHECKIN = "checkin"
    ASK = "ask"
    ASK_TALK = "ask_talk"
    ASK_DECLINE = "ask_decline"
    FEEDBACK_ASK = "feedback_ask"
    FEEDBACK_ASKED = "feedback_asked"
    FEEDBACK_ANSWER = "feedback_answer"
    FEEDBACK_MORE = "feedback_more"
    FEEDBACK_RESULTS = "feedback_results"
    DATA_EXPORTED = "data_exported"
    DATA_DELETE = "data_delete"
    DATA_DELETED = "data_deleted"


class ActionId(StrEnum):
    LEVEL_CURRENT = "level_current"
    LEVEL_TARGET = "level_target"
    OPEN_LEVEL = "open_level"
    OPEN_GAPS = "open_gaps"
    GAP_RATING = "gap_rating"
    FLAG_OPEN = "flag_open"
    FLAG_WHICH = "flag_which"
    FLAG_COMMENT = "flag_comment"
    WIN_TAG = "win_tag"
    HOME_WIN_TAG = "home_win_tag"  # confirm on the App Home the competency Trellis suggests (value: win:competency)
    WIN_VISIBILITY = "win_visibility"
    WIN_EDIT = "win_edit"
    WIN_UNDO = "win_undo"
    WIN_SEE_ALL = "win_see_all"
    GROWTH_CHANNEL = "growth_channel"
    WIN_FOR = "win_for"
    OBJECTIVE_ADD = "objective_add"
    OBJECTIVE_STATUS = "objective_status"
    OBJECTIVE_COMPETENCY = "objective_competency"
    OBJECTIVE_SUGGESTION = "objective_suggestion"
    OBJECTIVE_TITLE = "objective_title"
    OBJECTIVE_DUE = "objective_due"
    LINK_CONFIRM = "link_confirm"
    LINK_DECLINE = "link_decline"
    CHECKIN_WRITE = "checkin_write"
    CHECKIN_SKIP = "checkin_skip"
    CHECKIN_REMIND = "checkin_remind"
    CHECKIN_WIN = "checkin_win"
    CHECKIN_PAGE = "checkin_page"
    OPEN_SETTINGS = "open_settings"
    DATA_EXPORT = "data_export"  # in settings: a JSON file of everything Trellis holds about you
    DATA_DELETE = "data_delete"  # in settings: opens the confirmation
    ONE_ON_ONE_HELD = "one_on_one_held"
    MENTOR_CONFIRM = "mentor_confirm"
    MENTOR_DECLINE = "mentor_decline"
    MENTOR_SEES = "mentor_sees"
    MENTOR_ROOM = "mentor_room"
    MENTOR_END = "mentor_end"
    ASK_APPROVE = "ask_approve"
    ASK_TALK = "ask_talk"
    ASK_DECLINE = "ask_decline"
    ASK_OUTCOME = "ask_outcome"
    FEEDBACK_OPEN = "feedback_open"  # the asking form (value: whose; empty for one's own)
    FEEDBACK_GIVE = "feedback_give"
    FEEDBACK_DECLINE = "feedback_decline"
    FEEDBACK_CLOSE = "feedback_close"
    FEEDBACK_EXTEND = "feedback_extend"
    FEEDBACK_ADD = "feedback_add"
    FEEDBACK_SHARE = "feedback_share"
    FEEDBACK_SEE = "feedback_see"
    FEEDBACK_FIELD = "fb"  # every input of the feedback forms; the block id says which
    ASK_FIELD = "ask"  # every input of the ask and note modals; the block id says which
    CHECKIN_FIELD = "answer"  # every input of the entry and settings modals; the block id says which
    WIN_FIELD = "value"  # the action id of every input in the win modal; its block id says which field


class BlockId(StrEnum):
    HOME_INTRO = "home_intro"
    HOME_COMMANDS = "home_commands"
    HOME_GAPS = "home_gaps"
    HOME_FLAGS = "home_flags"
    HOME_WINS = "home_wins"
    HOME_SUGGESTED = "home_suggested"
    LEVEL_CURRENT = "level_current"
    LEVEL_TARGET = "level_target"
    FLAG_WHICH = "flag_which"
    FLAG_COMMENT = "flag_comment"
    WIN_TEXT = "win_text"
    WIN_COMPETENCIES = "win_competencies"
    WIN_WHAT = "win_what"
    WIN_HOW = "win_how"
    WIN_WHY = "win_why"
    WIN_LINK = "win_link"
    WIN_DATE = "win_date"
    WIN_VISIBILITY = "win_visibility"
    GROWTH_CHANNEL = "growth_channel"
    WIN_FOR = "win_for"
    WIN_OBJECTIVE = "win_objective"
    OBJECTIVE_COMPETENCY = "objective_competency"
    OBJECTIVE_SUGGESTION = "objective_suggestion"
    OBJECTIVE_TITLE = "objective_title"
    OBJECTIVE_DUE = "objective_due"
    HOME_CHECKINS = "home_checkins"
    HOME_TEAM = "home_team"
    CHECKIN_BUTTONS = "checkin_buttons"
    CHECKIN_LEARNED = "checkin_learned"
    CHECKIN_OPERATED = "checkin_operated"
    CHECKIN_BLOCKERS = "checkin_blockers"
    CHECKIN_OBJECTIVE = "checkin_objective"
    CHECKIN_PRIVATE = "checkin_private"
    CHECKIN_DAY = "checkin_day"
    CHECKIN_HOUR = "checkin_hour"
    CHECKIN_PAUSE = "checkin_pause"
    CHECKIN_OPTIONS = "checkin_options"
    MY_DATA = "my_data"
    ASK_DECISION = "decision"  # the same names as the fields growth.asks.AskInvalid reports
    ASK_OPTIONS = "options"
    ASK_RECOMMENDATION = "recommendation"
    ASK_DOOR = "two_way"
    ASK_NEEDED_BY = "needed_by"
    ASK_COMPETENCY = "competency"
    ASK_NOTE = "note"
    HOME_FEEDBACK = "home_feedback"
    FEEDBACK_SUGGESTED = "suggested"  # the names growth.feedback.FeedbackInvalid reports, or their inputs
    FEEDBACK_PEOPLE = "people"
    FEEDBACK_COMPETENCIES = "competencies"
    FEEDBACK_MODE = "mode"
    FEEDBACK_DUE = "due"
    FEEDBACK_NOTE = "fb_note"
    FEEDBACK_REQUEST = "fb_request"  # the buttons of the DM asking someone: answering updates that DM
    FEEDBACK_GAP = "gap"
    FEEDBACK_NEXT = "next"


PICTURE_BLOCK_PREFIX = "picture:"  # + the kind: an App Home picture
SUGGESTED_BLOCK_PREFIX = "suggested:"  # + a win id: its suggested competency, to confirm
GAP_BLOCK_PREFIX = "gap:"  # + the competency's position at the target level
RATING_BLOCK_PREFIX = "rating:"  # + a competency id: the choice in the feedback form
EXAMPLE_BLOCK_PREFIX = "example:"  # + a competency id: the example given with it
