"""`trellis workspace list | purge` and `trellis person export | delete`: an install's data, and a person's.

Deleting asks first (type the team or user id back), unless `--yes` says the operator means it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from sqlmodel import Session

from bot.app import starting_frameworks
from bot.cli_common import database, workspace
from bot.settings import Mode, Settings, SettingsError
from delivery.outbound import Outbound
from growth import workspaces
from growth.people import find_person
from growth.personal_data import delete_data, export_data
from storage.models import Person
from storage.types import utcnow

Ask = Callable[[str], str]  # how the confirmation is read: input()


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser("workspace", help="the workspaces Trellis holds data for: list, purge")
    subcommands = group.add_subparsers(title="workspace commands", metavar="COMMAND")
    subcommands.add_parser("list", help="each workspace: people, installed or not, growth channel").set_defaults(
        run=list_workspaces
    )
    purge = subcommands.add_parser("purge", help="delete everything Trellis holds for a workspace, now")
    purge.add_argument("team", metavar="TEAM", help="the workspace's team id (T...)")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.set_defaults(run=purge_workspace)

    people = commands.add_parser("person", help="a person's own data: export it, or delete it")
    subcommands = people.add_subparsers(title="person commands", metavar="COMMAND")
    out = subcommands.add_parser("export", help="everything Trellis holds about a person, as JSON on stdout")
    out.add_argument("--user", required=True, help="the person's Slack user id (U...)")
    out.add_argument("--team", help="the workspace's team id (default: the only one, or the bot token's)")
    out.set_defaults(run=export_person)
    gone = subcommands.add_parser("delete", help="delete everything Trellis holds about a person (someone who left)")
    gone.add_argument("--user", required=True, help="the person's Slack user id (U...)")
    gone.add_argument("--team", help="the workspace's team id (default: the only one, or the bot token's)")
    gone.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    gone.set_defaults(run=delete_person)


def list_workspaces(args: argparse.Namespace) -> int:
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            known = workspaces.overview(session)
    finally:
        db.dispose()
    if not known:
        print("No workspace has used Trellis yet.")
    for one in known:
        if one.uninstalled_at is None:
            state = "installed"
        else:
            until = one.uninstalled_at + settings.retention
            state = f"uninstalled {one.uninstalled_at:%Y-%m-%d}, deleted after {until:%Y-%m-%d %H:%M} UTC"
        channel = f"growth channel {one.growth_channel}" if one.growth_channel else "no growth channel"
        if one.channel_problem:
            channel += f" (cannot post: {one.channel_problem})"
        org = f" (org {one.enterprise_id})" if one.enterprise_id else ""
        print(f"{one.team_id}{org}: {one.people} people, {state}, {channel}")
    return 0


def purge_workspace(args: argparse.Namespace, ask: Ask = input) -> int:
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            known = [one.team_id for one in workspaces.overview(session)]
            if args.team not in known:
                listed = ", ".join(known) or "none yet"
                raise SettingsError("TEAM", f"{args.team} is not a workspace Trellis holds data for (known: {listed})")
            held = workspaces.held(session, team_id=args.team)
        what = ", ".join(f"{n} {table}" for table, n in held.items())
        if not args.yes and not _confirmed(
            ask, f"Delete everything Trellis holds for {args.team} ({what}), for good", args.team
        ):
            return 1
        with db.session() as session:
            deleted = workspaces.delete_workspace(session, team_id=args.team)
    finally:
        db.dispose()
    print(f"deleted workspace {args.team}: {sum(deleted.values())} rows ({', '.join(deleted)})")
    return 0


def export_person(args: argparse.Namespace) -> int:
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            team_id = workspace(session, settings, args.team)
            person = _person(session, team_id, args.user)
            data = export_data(session, person=person, now=utcnow())
    finally:
        db.dispose()
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def delete_person(args: argparse.Namespace, ask: Ask = input) -> int:
    """For someone who left: what Trellis posted of theirs comes down when the worker next sends."""
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            team_id = workspace(session, settings, args.team)
            _person(session, team_id, args.user)
        if not args.yes and not _confirmed(
            ask, f"Delete everything Trellis holds about {args.user} in {team_id}, for good", args.user
        ):
            return 1
        now = utcnow()
        with db.session() as session:
            person = _person(session, team_id, args.user)
            deleted = delete_data(session, person=person, now=now)
            queued = Outbound(starting_frameworks(settings)).queue(session, deleted.notices, now=now)
    finally:
        db.dispose()
    print(f"deleted {args.user} in {team_id}: {deleted.summary()}")
    if queued:
        print(f"{len(queued)} messages queued to take their posts down and update their asks (the worker sends them)")
    return 0


def _person(session: Session, team_id: str, user_id: str) -> Person:
    person = find_person(session, team_id=team_id, user_id=user_id)
    if person is None:
        raise SettingsError("--user", f"{user_id} is not someone Trellis holds data about in workspace {team_id}")
    return person


def _confirmed(ask: Ask, question: str, expected: str) -> bool:
    """The operator types `expected` back; anything else (or no terminal) deletes nothing."""
    try:
        answer = ask(f"{question}? This cannot be undone. Type {expected} to confirm: ")
    except EOFError:
        answer = ""
    if answer.strip() == expected:
        return True
    print("nothing deleted (pass --yes to skip this question)", file=sys.stderr)
    return False
