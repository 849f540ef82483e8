"""`trellis export packet --user U [--team T] [--format md|html|csv]`: a packet, or the whole log, on stdout."""

from __future__ import annotations

import argparse
import sys

from bot.app import starting_frameworks
from bot.cli_common import database, workspace
from bot.settings import Mode, Settings, SettingsError
from growth.levels import NoLevelYet
from growth.packet import build_packet, log_csv, to_html, to_markdown
from growth.people import find_person, local_today
from storage.types import utcnow


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = commands.add_parser("export", help="export a promotion packet or a whole wins log")
    subcommands = export.add_subparsers(title="export commands", metavar="COMMAND")
    packet = subcommands.add_parser("packet", help="a person's packet (md, html) or their whole log (csv), on stdout")
    packet.add_argument("--team", help="the workspace's team id (default: the only one, or the bot token's)")
    packet.add_argument("--user", required=True, help="the person's Slack user id")
    packet.add_argument("--format", choices=("md", "html", "csv"), default="md")
    packet.set_defaults(run=export_packet)


def export_packet(args: argparse.Namespace) -> int:
    settings = Settings.load(Mode.OFFLINE)
    frameworks = starting_frameworks(settings)
    db = database(settings)
    try:
        with db.session() as session:
            team_id = workspace(session, settings, args.team)
            person = find_person(session, team_id=team_id, user_id=args.user)
            if person is None:
                raise SettingsError("--user", f"{args.user} has not used Trellis in workspace {team_id}")
            if args.format == "csv":
                sys.stdout.write(log_csv(session, person=person))
                return 0
            now = utcnow()
            try:
                made = build_packet(
                    session, person=person, defaults=frameworks, now=now, today=local_today(person, now)
                )
            except NoLevelYet:
                print(f"trellis: {args.user} has not set a level and target yet (/trellis level)", file=sys.stderr)
                return 1
    finally:
        db.dispose()
    sys.stdout.write(to_markdown(made) if args.format == "md" else to_html(made))
    return 0
