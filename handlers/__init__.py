"""Slack surfaces: parse the payload, call one growth function, render the answer."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    asks,
    career,
    checkins,
    commands,
    errors,
    events,
    flags,
    links,
    mentors,
    middleware,
    one_on_ones,
    roadmap,
    settings,
    shortcuts,
    wins,
)
from handlers.services import Services


def register(app: App, services: Services) -> None:
    middleware.register(app, services)
    wins.register(app)
    commands.register(app)
    career.register(app)
    flags.register(app)
    settings.register(app)
    links.register(app)
    roadmap.register(app)
    checkins.register(app)
    asks.register(app)
    one_on_ones.register(app)
    mentors.register(app)
    shortcuts.register(app)
    events.register(app)
    app.error(errors.handle_error)
