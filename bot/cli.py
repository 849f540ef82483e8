"""`trellis`: the one console script."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot import cli_export, cli_frameworks, cli_workspace, doctor
from bot.app import SlackUnavailable, build_bot, check_slack, starting_frameworks
from bot.progress import progress
from bot.settings import Mode, Settings, SettingsError, environment, no_slack_credentials
from growth import workspaces
from schedules.jobs import JOBS
from schedules.scheduler import run_job
from storage import migrate, outbox
from storage.db import Database, DatabaseUnavailable
from storage.migrate import SchemaOutOfDate

RATE_LIMIT_PATIENCE = 120  # seconds `jobs run` waits, in all, for Slack's Retry-After before it exits


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    configure_logging(logging.WARNING if args.run is _demo else logging.INFO)
    try:
        return int(args.run(args) or 0)
    except SettingsError as error:
        print(f"trellis: {error}", file=sys.stderr)
        return 2
    except (DatabaseUnavailable, SchemaOutOfDate, SlackUnavailable) as error:
        print(f"trellis: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def configure_logging(level: int) -> None:
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Bolt logs the whole body of a request with a bad signature at INFO; message text stays out of the
    # log. A filter, because Bolt sets this logger's level to its app logger's when the app is built.
    logging.getLogger("slack_bolt.RequestVerification").addFilter(lambda record: record.levelno >= logging.WARNING)
    # Alembic narrates every schema check at INFO; `trellis db upgrade` prints its own one-line result.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    # WeasyPrint narrates every step and page of a PDF at INFO; fontTools every font it subsets.
    for chatty in ("weasyprint.progress", "fontTools"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trellis", description="Trellis, the career growth bot for Slack.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the bot (Socket Mode by default)")
    serve.add_argument("--http", action="store_true", help="serve Slack's HTTP requests instead of Socket Mode")
    serve.add_argument("--port", type=int, help="HTTP port (default: PORT, else 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP address to bind (default: 0.0.0.0)")
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY") or 2),
        help="HTTP worker processes (default: WEB_CONCURRENCY, else 2)",
    )
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="run the scheduler and outbox dispatcher only")
    worker.set_defaults(run=_worker)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(title="db commands", metavar="COMMAND")
    upgrade = db_commands.add_parser("upgrade", help="apply pending migrations")
    upgrade.set_defaults(run=_db_upgrade)

    jobs = commands.add_parser("jobs", help="the scheduled jobs")
    job_commands = jobs.add_subparsers(title="jobs commands", metavar="COMMAND")
    job_commands.add_parser("list", help="list the scheduled jobs").set_defaults(run=_jobs_list)
    run = job_commands.add_parser("run", help="run one job once, send what it queued, and exit")
    run.add_argument("name", choices=sorted(JOBS))
    run.add_argument("--at", type=_iso_time, help="run as of this time (ISO 8601, e.g. 2026-11-27T15:00:00Z)")
    run.set_defaults(run=_jobs_run)

    cli_frameworks.register(commands)
    cli_export.register(commands)
    cli_workspace.register(commands)
    doctor.register(commands)

    demo = commands.add_parser("demo", help="the whole bot against a local Slack simulator, as a transcript")
    demo.set_defaults(run=_demo)
    return parser


def _iso_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ready(mode: Mode, port: int | None = None) -> Settings:
    """Settings for `mode`, a reachable database at the code's schema, and a token Slack accepts."""
    values = environment()
    if port is not None:
        values["PORT"] = str(port)
    settings = Settings.load(mode, values)
    starting_frameworks(settings)
    db = Database.from_url(settings.database_url)
    try:
        migrate.ensure_current(db)
        if settings.slack_bot_token:
            answer = check_slack(settings)
            _installed_here(db, answer)
    finally:
        db.dispose()
    return settings


def _installed_here(db: Database, answer: dict[str, object]) -> None:
    """Slack accepts the bot token: its workspace is installed (again, if it had been uninstalled, so
    nothing of it is deleted), and known to `framework import` before anyone opened Trellis."""
    team_id = str(answer.get("team_id") or "")
    if not team_id:
        return
    enterprise_id = str(answer["enterprise_id"]) if answer.get("enterprise_id") else None
    with db.session() as session:
        workspaces.installed(session, team_id=team_id, enterprise_id=enterprise_id, now=datetime.now(UTC))


def _serve(args: argparse.Namespace) -> int:
    if not args.http and no_slack_credentials(environment()):
        print(
            "trellis: no Slack tokens are set, so this is the demo against a local Slack simulator. "
            "To connect a workspace, create the app from manifest.yml and put its tokens in .env "
            "(see README.md).",
            file=sys.stderr,
        )
        return _demo(args)
    if args.http:
        from bot.serve import serve_http

        if args.workers < 1:
            raise SettingsError("--workers", "must be at least 1")
        serve_http(_ready(Mode.HTTP, args.port), host=args.host, workers=args.workers)
    else:
        from bot.serve import serve_socket_mode

        serve_socket_mode(_ready(Mode.SOCKET))
    return 0


def _worker(args: argparse.Namespace) -> int:
    from bot.serve import run_worker

    run_worker(_ready(Mode.WORKER))
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = Settings.load(Mode.OFFLINE)
    db = Database.from_url(settings.database_url)
    try:
        before, after = migrate.upgrade(db)
    finally:
        db.dispose()
    if before == after:
        print(f"database is up to date (revision {after})")
    else:
        print(f"database upgraded from {before or 'empty'} to revision {after}")
    return 0


def _jobs_list(args: argparse.Namespace) -> int:
    for job in JOBS.values():
        print(f"{job.name:<10} every {_every(job.every.total_seconds()):<8} {job.summary}")
    return 0


def _every(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds % 60 == 0:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds)}s"


def _jobs_run(args: argparse.Namespace) -> int:
    settings = _ready(Mode.WORKER)
    at: datetime = args.at or datetime.now(UTC)
    offset = at - datetime.now(UTC)

    def clock() -> datetime:
        """Time runs on from `at`, so Retry-After and backoff still mean real seconds."""
        return datetime.now(UTC) + offset

    bot = build_bot(settings, clock=clock)
    try:
        job = JOBS[args.name]
        unit = "row" if job.name == "outbox" else "person" if job.name == "checkins" else "it"
        with progress(f"{args.name}", total=_due(bot.db, at) if job.name == "outbox" else None, unit=unit) as bar:
            summary = run_job(
                job,
                bot.db,
                bot.dispatcher,
                bot.outbound,
                at,
                wait_for_rate_limits=RATE_LIMIT_PATIENCE,
                retention=settings.retention,
                progress=bar.update,
            )
        with progress("sending what is due", total=_due(bot.db, clock()), unit="message") as bar:
            report = bot.dispatcher.drain(wait_for_rate_limits=RATE_LIMIT_PATIENCE, progress=bar.update)
        with bot.db.session() as session:
            held = outbox.states(session)
    finally:
        bot.close()
    print(f"{args.name} as of {at.isoformat()}: {summary}")
    print(f"then still due: {report.summary()}")
    print(f"outbox: {held.summary()}")
    return 0


def _due(db: Database, now: datetime) -> int:
    with db.session() as session:
        return outbox.due_count(session, now=now)


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo()
