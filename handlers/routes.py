"""Every registration, in one ordered table: what Slack sends (a command, a shortcut, a button, a modal,
an event), and the listener that answers it. Bolt runs the first listener that matches, so order
matters only for the catch-alls, which come last."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_bolt import App

from blocks.ids import Action, Callback, Command, View
from handlers import (
    asks,
    career,
    checkins,
    commands,
    errors,
    events,
    fallbacks,
    flags,
    mentors,
    one_on_ones,
    relationships,
    roadmap,
    settings,
    win_form,
    wins,
)
from handlers.middleware import ProvideServices, attach_person, skip_repeated_events
from handlers.services import Services


class Surface(StrEnum):
    """What Slack sends, named as Bolt's registration methods are."""

    COMMAND = "command"
    SHORTCUT = "shortcut"
    ACTION = "action"
    VIEW = "view"
    EVENT = "event"


@dataclass(frozen=True)
class Route:
    surface: Surface
    matches: str | re.Pattern[str]
    listener: Callable[..., Any]


ANYTHING = re.compile(r".*")
C, S, A, V, E = Surface.COMMAND, Surface.SHORTCUT, Surface.ACTION, Surface.VIEW, Surface.EVENT

ROUTES: tuple[Route, ...] = (
    # Slash commands: /win, and /trellis with its subcommands (handlers.commands.SUBCOMMANDS)
    Route(C, Command.WIN, wins.win_command),
    Route(C, Command.TRELLIS, commands.trellis),
    # Wins
    Route(S, Callback.LOG_AS_WIN_SHORTCUT, win_form.log_as_win),
    Route(V, View.WIN, win_form.win_submitted),
    Route(A, Action.WIN_FOR, win_form.whose_changed),
    Route(A, Action.WIN_TAG, wins.tag_clicked),
    Route(A, Action.WIN_VISIBILITY, wins.visibility_chosen),
    Route(A, Action.WIN_EDIT, wins.edit_clicked),
    Route(A, Action.WIN_UNDO, wins.undo_clicked),
    Route(A, Action.WIN_SEE_ALL, wins.see_all_clicked),
    # Levels, the self-assessment, and unclear expectations
    Route(A, Action.OPEN_LEVEL, career.open_level),
    Route(A, Action.LEVEL_CURRENT, career.level_changed),
    Route(V, View.LEVEL, career.level_submitted),
    Route(A, Action.OPEN_GAPS, career.open_gaps),
    Route(V, View.GAPS, career.gaps_submitted),
    Route(A, Action.FLAG_OPEN, flags.open_flag),
    Route(V, View.FLAG, flags.flag_submitted),
    # The roadmap
    Route(A, Action.OBJECTIVE_ADD, roadmap.add_clicked),
    Route(A, Action.OBJECTIVE_STATUS, roadmap.status_chosen),
    Route(V, View.OBJECTIVE, roadmap.objective_submitted),
    # The growth thread, and the settings of its weekly check-in
    Route(A, Action.CHECKIN_WRITE, checkins.write_clicked),
    Route(V, View.CHECKIN, checkins.entry_submitted),
    Route(A, Action.CHECKIN_SKIP, checkins.skip_clicked),
    Route(A, Action.CHECKIN_REMIND, checkins.remind_clicked),
    Route(A, Action.CHECKIN_WIN, checkins.make_win_clicked),
    Route(A, Action.CHECKIN_PAGE, checkins.page_clicked),
    Route(E, "message", checkins.dm_message),
    Route(A, Action.OPEN_SETTINGS, settings.open_settings_clicked),
    Route(V, View.SETTINGS, settings.settings_submitted),
    # Managers and mentors: one answer to a request for both, the rest per kind
    Route(A, Action.LINK_CONFIRM, relationships.answer_clicked),
    Route(A, Action.LINK_DECLINE, relationships.answer_clicked),
    Route(A, Action.MENTOR_CONFIRM, relationships.answer_clicked),
    Route(A, Action.MENTOR_DECLINE, relationships.answer_clicked),
    Route(A, Action.MENTOR_SEES, mentors.sees_chosen),
    Route(A, Action.MENTOR_ROOM, mentors.room_clicked),
    Route(A, Action.MENTOR_END, mentors.end_clicked),
    # Walk away with a win
    Route(V, View.ASK, asks.ask_submitted),
    Route(A, Action.ASK_APPROVE, asks.approve_clicked),
    Route(A, Action.ASK_TALK, asks.talk_clicked),
    Route(A, Action.ASK_DECLINE, asks.decline_clicked),
    Route(V, View.ASK_TALK, asks.note_submitted),
    Route(V, View.ASK_DECLINE, asks.note_submitted),
    Route(A, Action.ASK_OUTCOME, asks.outcome_clicked),
    # 1:1s
    Route(A, Action.ONE_ON_ONE_HELD, one_on_ones.held_clicked),
    # The App Home
    Route(E, "app_home_opened", events.home_opened),
    # Catch-alls, last: they answer only what nothing above took (a command or shortcut the manifest
    # declares that this version does not serve), so nothing fails silently.
    Route(C, ANYTHING, fallbacks.not_available_yet),
    Route(S, ANYTHING, fallbacks.shortcut_not_available_yet),
)


def register(app: App, services: Services) -> None:
    """Middleware in the order each request meets it, then every route, then the one error handler."""
    app.use(ProvideServices(services))
    app.use(skip_repeated_events)
    app.use(attach_person)
    for route in ROUTES:
        getattr(app, route.surface.value)(route.matches)(route.listener)
    app.error(errors.handle_error)
