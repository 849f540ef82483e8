"""The three ways the bot runs: Socket Mode with the scheduler, HTTP under gunicorn, and the worker."""

from __future__ import annotations

import gc
import logging
import signal
from collections.abc import Callable
from threading import Event
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.app import build_bot
from bot.http import TrellisWSGI
from bot.settings import WHERE, Settings, SettingsError
from schedules.scheduler import announce, build_scheduler
from storage.types import utcnow

log = logging.getLogger("trellis")


def serve_socket_mode(settings: Settings) -> None:
    """The one-machine default: Socket Mode, and the scheduler in the same process."""
    bot = build_bot(settings)
    scheduler = build_scheduler(
        bot.db, bot.dispatcher, bot.outbound, clock=utcnow, blocking=False, retention=settings.retention
    )
    announce(bot.db, now=utcnow())
    settle()
    scheduler.start()
    assert settings.slack_app_token is not None
    handler = SocketModeHandler(bot.app, settings.slack_app_token)
    try:
        handler.connect()
        log.info("Trellis is running in Socket Mode; press Ctrl+C to stop")
        Event().wait()
    except SlackApiError as error:
        code = error.response.get("error", f"HTTP {error.response.status_code}")
        raise SettingsError(
            "SLACK_APP_TOKEN",
            f"was refused by Slack when opening the Socket Mode connection ({code}). "
            f"Find it under {WHERE['SLACK_APP_TOKEN']}.",
        ) from None
    finally:
        handler.close()
        scheduler.shutdown(wait=False)
        bot.close()


def serve_http(settings: Settings, *, host: str, workers: int, threads: int = 8) -> None:
    """POST /slack/events and GET /healthz on gunicorn; each worker process builds its own bot."""

    def application() -> TrellisWSGI:  # in each worker, after gunicorn forked it
        wsgi = TrellisWSGI(build_bot(settings))
        settle()
        return wsgi

    options = {
        "bind": f"{host}:{settings.port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "preload_app": False,
        "proc_name": "trellis-web",
    }
    log.info("Trellis is serving HTTP on %s:%s with %s worker(s)", host, settings.port, workers)
    _Gunicorn(application, options).run()


def run_worker(settings: Settings) -> None:
    """The scheduler and outbox dispatcher only (Procfile `worker:`)."""
    bot = build_bot(settings)
    scheduler = build_scheduler(
        bot.db, bot.dispatcher, bot.outbound, clock=utcnow, blocking=True, retention=settings.retention
    )
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    announce(bot.db, now=utcnow())
    settle()
    log.info("Trellis worker is running its scheduler; press Ctrl+C to stop")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        bot.close()


def settle() -> None:
    """What start-up built (modules, the app, its caches) lives as long as the process: keep it out of
    the garbage collector's full passes. Otherwise each full pass scans all of it, 240 ms here, a pause
    every request in flight waits out; frozen, a full pass scans what requests made (under 1 ms)."""
    gc.collect()
    gc.freeze()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, factory: Callable[[], Any], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.factory()
