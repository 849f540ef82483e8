"""Every registration, in one ordered table: what Slack sends (a command, a shortcut, a button, a modal,
an event), and the listener that answers it. Bolt runs the first listener that matches, so order
matters only for the catch-alls, which come last. `IN_MESSAGE` marks a button that answers by redrawing
the message it is in: sent from anywhere else, it is refused before its listener runs. `HERE` marks a
listener run in the request's own thread, which calls Slack only after its answer (`handlers.answering`).
Events are answered only once their listener's work is committed (`handlers.deliveries`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_bolt import App
from slack_bolt.kwargs_injection.args import Args

from blocks.ids import ActionId, CallbackId, Command
from handlers import (
    asks,
    career,
    checkins,
    commands,
    errors,
    events,
    fallbacks,
    feedback,
    flags,
    install,
    mentors,
    one_on_ones,
    personal_data,
    relationships,
    roadmap,
    settings,
    win_form,
    wins,
)
from handlers.answering import AnsweredAtAck
from handlers.deliveries import register_event
from handlers.middleware import AttachPerson, InAMessage, ProvideServices, SkipRepeatedEvents
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
    in_message: bool = False  # a button that answers by redrawing the message it is in (its response_url)
    # Run in the request's own thread (handlers.answering): its work comes before anyone sees its answer,
    # and it calls Slack only after it, through `respond` and its unit of work.
    in_request_thread: bool = False


ANYTHING = re.compile(r".*")
C, S, A, V, E = Surface.COMMAND, Surface.SHORTCUT, Surface.ACTION, Surface.VIEW, Surface.EVENT
IN_MESSAGE = True
HERE = True  # in_request_thread

ROUTES: tuple[Route, ...] = (
    # Slash commands: /win, and /trellis with its subcommands (handlers.commands.SUBCOMMANDS)
    Route(C, Command.WIN, wins.win_command, in_request_thread=HERE),
    Route(C, Command.TRELLIS, commands.trellis),
    # Wins
    Route(S, CallbackId.LOG_AS_WIN_SHORTCUT, win_form.log_as_win),
    Route(V, CallbackId.WIN, win_form.win_submitted),
    Route(A, ActionId.WIN_FOR, win_form.whose_changed),
    Route(A, ActionId.WIN_TAG, wins.tag_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.HOME_WIN_TAG, wins.home_tag_clicked),
    Route(A, ActionId.WIN_VISIBILITY, wins.visibility_chosen, IN_MESSAGE, HERE),
    Route(A, ActionId.WIN_EDIT, wins.edit_clicked),
    Route(A, ActionId.WIN_UNDO, wins.undo_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.WIN_SEE_ALL, wins.see_all_clicked),
    # Levels, the self-assessment, and unclear expectations
    Route(A, ActionId.OPEN_LEVEL, career.open_level),
    Route(A, ActionId.LEVEL_CURRENT, career.level_changed),
    Route(V, CallbackId.LEVEL, career.level_submitted),
    Route(A, ActionId.OPEN_GAPS, career.open_gaps),
    Route(V, CallbackId.GAPS, career.gaps_submitted),
    Route(A, ActionId.FLAG_OPEN, flags.open_flag),
    Route(V, CallbackId.FLAG, flags.flag_submitted),
    # The roadmap
    Route(A, ActionId.OBJECTIVE_ADD, roadmap.add_clicked),
    Route(A, ActionId.OBJECTIVE_STATUS, roadmap.status_chosen, IN_MESSAGE, HERE),
    Route(V, CallbackId.OBJECTIVE, roadmap.objective_submitted),
    # The growth thread, and the settings of its weekly check-in
    Route(A, ActionId.CHECKIN_WRITE, checkins.write_clicked),
    Route(V, CallbackId.CHECKIN, checkins.entry_submitted),
    Route(A, ActionId.CHECKIN_SKIP, checkins.skip_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.CHECKIN_REMIND, checkins.remind_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.CHECKIN_WIN, checkins.make_win_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.CHECKIN_PAGE, checkins.page_clicked, IN_MESSAGE, HERE),
    Route(E, "message", checkins.dm_message),
    Route(A, ActionId.OPEN_SETTINGS, settings.open_settings_clicked),
    Route(V, CallbackId.SETTINGS, settings.settings_submitted),
    Route(A, ActionId.DATA_EXPORT, personal_data.export_clicked),
    Route(A, ActionId.DATA_DELETE, personal_data.delete_clicked),
    Route(V, CallbackId.DATA_DELETE, personal_data.delete_submitted),
    # Managers and mentors: one answer to a request for both, the rest per kind
    Route(A, ActionId.LINK_CONFIRM, relationships.answer_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.LINK_DECLINE, relationships.answer_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.MENTOR_CONFIRM, relationships.answer_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.MENTOR_DECLINE, relationships.answer_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.MENTOR_SEES, mentors.sees_chosen, IN_MESSAGE, HERE),
    Route(A, ActionId.MENTOR_ROOM, mentors.room_clicked, IN_MESSAGE),
    Route(A, ActionId.MENTOR_END, mentors.end_clicked, IN_MESSAGE, HERE),
    # Walk away with a win
    Route(V, CallbackId.ASK, asks.ask_submitted),
    Route(A, ActionId.ASK_APPROVE, asks.approve_clicked),
    Route(A, ActionId.ASK_TALK, asks.talk_clicked),
    Route(A, ActionId.ASK_DECLINE, asks.decline_clicked),
    Route(V, CallbackId.ASK_TALK, asks.note_submitted),
    Route(V, CallbackId.ASK_DECLINE, asks.note_submitted),
    Route(A, ActionId.ASK_OUTCOME, asks.outcome_clicked, IN_MESSAGE, HERE),
    # Feedback against the next level
    Route(A, ActionId.FEEDBACK_OPEN, feedback.open_clicked),
    Route(V, CallbackId.FEEDBACK_ASK, feedback.ask_submitted),
    Route(A, ActionId.FEEDBACK_GIVE, feedback.give_clicked),
    Route(V, CallbackId.FEEDBACK_ANSWER, feedback.answer_submitted),
    Route(A, ActionId.FEEDBACK_DECLINE, feedback.decline_clicked, IN_MESSAGE, HERE),
    Route(A, ActionId.FEEDBACK_CLOSE, feedback.close_clicked),
    Route(A, ActionId.FEEDBACK_EXTEND, feedback.extend_clicked),
    Route(A, ActionId.FEEDBACK_ADD, feedback.add_clicked),
    Route(V, CallbackId.FEEDBACK_MORE, feedback.more_submitted),
    Route(A, ActionId.FEEDBACK_SHARE, feedback.share_clicked),
    Route(A, ActionId.FEEDBACK_SEE, feedback.see_clicked),
    # 1:1s
    Route(A, ActionId.ONE_ON_ONE_HELD, one_on_ones.held_clicked, IN_MESSAGE, HERE),
    # The App Home
    Route(E, "app_home_opened", events.home_opened),
    # The install's life: the app uninstalled, its tokens revoked
    Route(E, "app_uninstalled", install.app_uninstalled),
    Route(E, "tokens_revoked", install.tokens_revoked),
    # Catch-alls, last: they answer only what nothing above took (a command or shortcut the manifest
    # declares that this version does not serve), so nothing fails silently.
    Route(C, ANYTHING, fallbacks.not_available_yet),
    Route(S, ANYTHING, fallbacks.shortcut_not_available_yet),
)


IN_A_MESSAGE = InAMessage()  # one instance serves every route whose button redraws its message


def register(app: App, services: Services, listeners: Executor) -> None:
    """Middleware in the order each request meets it, then every route, then the one error handler.

    Listeners run in `listeners`, each request answered at its listener's `ack()`, those marked
    `in_request_thread` in the request's own (`handlers.answering`); events once their work is
    committed (`handlers.deliveries`)."""
    app.use(ProvideServices(services))
    app.use(SkipRepeatedEvents())
    app.use(AttachPerson())
    for route in ROUTES:
        if route.surface is Surface.EVENT:
            register_event(app, route.matches, route.listener)  # answered once its effect is committed
        else:
            middleware = [IN_A_MESSAGE] if route.in_message else None
            listener = AnsweredAtAck(
                route.listener, listeners, _failed_after_ack, in_request_thread=route.in_request_thread
            )
            getattr(app, route.surface.value)(route.matches, middleware=middleware)(listener)
    app.error(errors.handle_error)


def _failed_after_ack(error: Exception, args: Args) -> None:
    """A listener failed once Slack had its answer: told and logged as any failure is."""
    errors.handle_error(error, args.body, args.context, args.client, args.logger)
