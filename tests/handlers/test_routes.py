"""The routes table: every button, modal and command the blocks can produce has its listener, once."""

from __future__ import annotations

import inspect

from blocks.ids import ActionId, CallbackId, Command
from handlers.routes import ANYTHING, ROUTES, Surface

# Inputs inside modals: their values arrive with the view's submission, no listener of their own.
FORM_FIELDS = {
    ActionId.LEVEL_TARGET,
    ActionId.GAP_RATING,
    ActionId.FLAG_WHICH,
    ActionId.FLAG_COMMENT,
    ActionId.GROWTH_CHANNEL,
    ActionId.OBJECTIVE_COMPETENCY,
    ActionId.OBJECTIVE_SUGGESTION,
    ActionId.OBJECTIVE_TITLE,
    ActionId.OBJECTIVE_DUE,
    ActionId.ASK_FIELD,
    ActionId.CHECKIN_FIELD,
    ActionId.WIN_FIELD,
    ActionId.FEEDBACK_FIELD,
}
# Modals that only show something: closing them sends nothing.
READ_ONLY = {
    CallbackId.LEVEL_SAVED,
    CallbackId.WIN_TEXT,
    CallbackId.FEEDBACK_ASKED,
    CallbackId.FEEDBACK_RESULTS,
    CallbackId.DATA_EXPORTED,
    CallbackId.DATA_DELETED,
}


def _routed(surface: Surface) -> list[str]:
    return [str(route.matches) for route in ROUTES if route.surface is surface and route.matches is not ANYTHING]


def test_every_button_modal_and_command_has_exactly_one_listener() -> None:
    actions = _routed(Surface.ACTION)
    assert sorted(actions) == sorted(set(actions)), "an action routed twice: Bolt would only ever run the first"
    assert set(actions) == {str(action) for action in ActionId} - FORM_FIELDS
    views = set(_routed(Surface.VIEW)) | {str(CallbackId.LOG_AS_WIN_SHORTCUT)} | set(_routed(Surface.SHORTCUT))
    assert views == {str(callback) for callback in CallbackId} - READ_ONLY
    assert set(_routed(Surface.COMMAND)) == {str(command) for command in Command}


def test_the_catch_alls_come_last() -> None:
    catch_alls = [index for index, route in enumerate(ROUTES) if route.matches is ANYTHING]
    assert catch_alls == list(range(len(ROUTES) - len(catch_alls), len(ROUTES)))
    assert {ROUTES[index].surface for index in catch_alls} == {Surface.COMMAND, Surface.SHORTCUT}


def test_a_listener_in_the_request_thread_cannot_call_slack_before_its_answer() -> None:
    """It is given no client: Slack is reached only through `respond` and its unit of work, both after its
    answer (handlers.answering). `/win` takes one only to open its form through `after_answer`."""
    here = [route for route in ROUTES if route.in_request_thread]
    assert here, "the hot paths run in the request's thread"
    for route in here:
        wants = set(inspect.signature(route.listener).parameters)
        if route.matches != Command.WIN:
            assert "client" not in wants, f"{route.listener.__name__} runs in the request's thread with a client"
