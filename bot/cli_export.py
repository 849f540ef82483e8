"""`trellis export packet --user U [--team T] [--format md|html|pdf|csv] [--out FILE]`: a packet, or the
whole log, on stdout or in a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import starting_frameworks
from bot.cli_common import database, workspace
from bot.progress import progress
from bot.settings import Mode, Settings, SettingsError
from growth.packet import PdfUnavailable, build_packet, log_csv, paper_for, to_html, to_markdown, to_pdf
from growth.people import find_person, local_today
from storage.types import utcnow

FORMATS = ("md", "html", "pdf", "csv")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = commands.add_parser("export", help="export a promotion packet or a whole wins log")
    subcommands = export.add_subparsers(title="export commands", metavar="COMMAND")
    packet = subcommands.add_parser(
        "packet", help="a person's packet (md, html, pdf) or their whole log (csv), on stdout or in a file"
    )
    packet.add_argument("--team", help="the workspace's team id (default: the only one, or the bot token's)")
    packet.add_argument("--user", required=True, help="the person's Slack user id")
    packet.add_argument("--format", choices=FORMATS, default="md")
    packet.add_argument(
        "--paper", choices=("A4", "Letter"), help="the PDF's paper (default: by the person's time zone)"
    )
    packet.add_argument("--out", type=Path, help="write to this file instead of standard output")
    packet.set_defaults(run=export_packet)


def export_packet(args: argparse.Namespace) -> int:
    if args.format == "pdf" and args.out is None and sys.stdout.isatty():
        raise SettingsError("--out", "is needed for a PDF on a terminal (or redirect standard output to a file)")
    settings = Settings.load(Mode.OFFLINE)
    frameworks = starting_frameworks(settings)
    db = database(settings)
    steps = {"csv": 1, "md": 2, "html": 3, "pdf": 4}[args.format]
    with progress(f"export {args.format}", total=steps, unit="step") as bar:
        try:
            with db.session() as session:
                team_id = workspace(session, settings, args.team)
                person = find_person(session, team_id=team_id, user_id=args.user)
                if person is None:
                    raise SettingsError("--user", f"{args.user} has not used Trellis in workspace {team_id}")
                if args.format == "csv":
                    return _write(args.out, log_csv(session, person=person).encode())
                now = utcnow()
                bar.set_postfix_str("reading the log")
                made = build_packet(
                    session, person=person, defaults=frameworks, now=now, today=local_today(person, now)
                )
                paper = args.paper or paper_for(person.tz)
        finally:
            db.dispose()
        bar.update()
        if args.format == "md":
            return _write(args.out, to_markdown(made).encode())
        bar.set_postfix_str("drawing the chart")
        page = to_html(made)
        bar.update()
        if args.format == "html":
            return _write(args.out, page.encode())
        bar.set_postfix_str(f"laying out the pages ({paper})")
        try:
            content = to_pdf(made, paper=paper, page=page)
        except PdfUnavailable as error:
            print(f"trellis: {error}", file=sys.stderr)
            return 1
        bar.update()
        return _write(args.out, content)


def _write(out: Path | None, content: bytes) -> int:
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        out.write_bytes(content)
    return 0
