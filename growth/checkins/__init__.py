"""Weekly growth threads: who is due a check-in, what they wrote, streaks, and the managers' digest.

The rules, in one place (each module below holds its part):

- Everyone who has used Trellis gets one check-in a week, at their own weekday and hour (default Friday
  15:00) in their Slack time zone (`plans`). A week is the ISO week where the person is (`weeks`); a
  person has one check-in row per week (unique), so nothing sends twice, whoever ticks and however late.
- A tick that runs late still nudges that week's check-in while the week lasts; a week that ended
  before anyone ticked is missed, not sent on Monday (`tick`).
- Paused, skipped and opted-out weeks send nothing. A Slack status that says the person is away (out of
  office, vacation, sick, parental leave, or any status set to last more than a day past the check-in
  time) skips that week too, decided when the message is about to go (`sending`).
- Someone who already wrote this week's entry gets no nudge; someone who logged a win this week (but
  wrote nothing) gets the light nudge: one line that counts the wins and offers the same buttons.
- Entries, replies in the check-in's thread, skips and reminders are `entries`; the streak is `thread`;
  a confirmed manager's Monday digest, with only what their reports shared, is `digest`.
"""

from growth.checkins.digest import Digest, ReportWeek, digest, digest_of, digest_since, last_activity
from growth.checkins.entries import (
    Answers,
    Reminder,
    Written,
    add_reply,
    entry_of_week,
    make_win,
    own_checkin,
    remind_tomorrow,
    skip,
    write_entry,
)
from growth.checkins.plans import (
    Settings,
    change_settings,
    current_settings,
    describe_plan,
    enrol,
    plan_of,
    reschedule,
)
from growth.checkins.sending import (
    Delivery,
    delivery,
    is_away,
    later_this_week,
    record_left,
    record_not_sent,
    record_sent,
    remember_dm,
)
from growth.checkins.thread import HomeThread, Streak, home_thread, streak, streak_of, thread
from growth.checkins.tick import Tick, due_checkins, due_digests
from growth.checkins.weeks import (
    ANSWER_LIMIT,
    DEFAULT_HOUR,
    DEFAULT_WEEKDAY,
    LONGEST_PAUSE_WEEKS,
    QUIET_WEEKS,
    WEEKDAYS,
    Nudge,
    Status,
    local_today,
    monday_of,
    monday_of_week,
    slot,
    week_key,
    zone_of,
)

__all__ = [
    "ANSWER_LIMIT",
    "DEFAULT_HOUR",
    "DEFAULT_WEEKDAY",
    "LONGEST_PAUSE_WEEKS",
    "QUIET_WEEKS",
    "WEEKDAYS",
    "Answers",
    "Delivery",
    "Digest",
    "HomeThread",
    "Nudge",
    "Reminder",
    "ReportWeek",
    "Settings",
    "Status",
    "Streak",
    "Tick",
    "Written",
    "add_reply",
    "change_settings",
    "current_settings",
    "delivery",
    "describe_plan",
    "digest",
    "digest_of",
    "digest_since",
    "due_checkins",
    "due_digests",
    "enrol",
    "entry_of_week",
    "home_thread",
    "is_away",
    "last_activity",
    "later_this_week",
    "local_today",
    "make_win",
    "monday_of",
    "monday_of_week",
    "own_checkin",
    "plan_of",
    "record_left",
    "record_not_sent",
    "record_sent",
    "remember_dm",
    "remind_tomorrow",
    "reschedule",
    "skip",
    "slot",
    "streak",
    "streak_of",
    "thread",
    "week_key",
    "write_entry",
    "zone_of",
]
