"""Structured feedback against the next level: "for <next level>, where am I operating consistently,
and where is my biggest gap?", asked per competency of the target level.

The rules, in one place (each module holds its part):

- Asking (`asking`): a person asks for their own feedback, or their confirmed manager starts a round
  for them; several people, the competencies (default: the three largest gaps of the latest
  self-assessment, else the target level's), named or anonymous, a due date (default a week, the
  person's time). The round keeps the framework version it used. Asking yourself, an app, someone
  who left, a date that passed: refused with a sentence.
- Answering (`answering`): only the people asked, only while the round is open, edited as often as
  they like. Nobody is told while the round is open that someone answered: timing names people.
- Reminders: two days before the due date and on the day, once each, none after an answer, a
  decline or the close.
- Closing (`closing`): at the due date, or early by the person once enough answered. Anonymous
  answers are released then, all at once, only if at least `min_answers` (TRELLIS_ANONYMITY_MIN, at
  least 3) people besides the manager answered; the pooled answers lose their link to who gave them.
  Below that nothing of them is shown, and the round can be extended or someone more asked.
- Results (`results`): for the person; for their manager only once shared. Free text in an order of
  its words only, never beside a name in an anonymous round; the manager's answer apart, named.
"""

from growth.feedback.answering import Answered, AnswerForm, Declined, Given, answer, answer_form, decline
from growth.feedback.asking import AskingForm, Draft, Reminder, Started, about, asking_form, reminder_due, start
from growth.feedback.closing import ask_more, close_early, due_to_close, extend, owned, share_with_manager
from growth.feedback.results import (
    CompetencyResult,
    LastRound,
    ManagerAnswer,
    OpenRound,
    Said,
    Summary,
    Waiting,
    closed_rounds,
    last_round,
    open_rounds,
    quotes,
    summary,
    waiting_for,
)
from growth.feedback.rules import CHOICE_WORDS, Choice, FeedbackInvalid

__all__ = [
    "CHOICE_WORDS",
    "AnswerForm",
    "Answered",
    "AskingForm",
    "Choice",
    "CompetencyResult",
    "Declined",
    "Draft",
    "FeedbackInvalid",
    "Given",
    "LastRound",
    "ManagerAnswer",
    "OpenRound",
    "Reminder",
    "Said",
    "Started",
    "Summary",
    "Waiting",
    "about",
    "answer",
    "answer_form",
    "ask_more",
    "asking_form",
    "close_early",
    "closed_rounds",
    "decline",
    "due_to_close",
    "extend",
    "last_round",
    "open_rounds",
    "owned",
    "quotes",
    "reminder_due",
    "share_with_manager",
    "start",
    "summary",
    "waiting_for",
]
