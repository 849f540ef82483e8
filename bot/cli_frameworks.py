"""`trellis framework validate | import | list`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlmodel import Session
from tqdm import tqdm

from bot.app import SlackUnavailable
from bot.cli_common import database, token_workspace, workspace
from bot.progress import progress
from bot.settings import Mode, Settings
from growth.frameworks.flags import flagged
from growth.frameworks.importers import load_any
from growth.frameworks.loader import FrameworkInvalid, Problem, check_lattice
from growth.frameworks.model import Framework
from growth.frameworks.shipped import shipped
from growth.frameworks.versions import history, import_framework
from growth.people import ensure_workspace, workspace_ids
from storage.models import FrameworkVersion
from storage.types import utcnow


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    framework = commands.add_parser("framework", help="career frameworks: validate, import, list")
    subcommands = framework.add_subparsers(title="framework commands", metavar="COMMAND")
    validate = subcommands.add_parser("validate", help="check framework files; every problem, with file and line")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.set_defaults(run=validate_files)
    load = subcommands.add_parser(
        "import", help="store a new version of a framework (YAML, Markdown folder or file, CSV) for a workspace"
    )
    load.add_argument("path", metavar="PATH")
    load.add_argument(
        "--team", help="the workspace (team id); needed when there is more than one (default: the bot token's)"
    )
    load.set_defaults(run=import_file)
    listing = subcommands.add_parser("list", help="the shipped frameworks and every workspace's versions")
    listing.set_defaults(run=list_frameworks)
    feedback = subcommands.add_parser("feedback", help="the expectations people flagged as unclear, with comments")
    feedback.add_argument("--team", help="one workspace (team id); all of them by default")
    feedback.set_defaults(run=show_feedback)


def _load(paths: list[str]) -> tuple[list[Framework], list[Problem]]:
    """Read each path (Trellis YAML, a progression-framework file or folder, or a CSV), saying what was mapped."""
    loaded: dict[str, tuple[str, Framework]] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            with progress(f"reading {Path(path).name}", unit="file") as bar:

                def read(file: Path, total: int, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update()

                imported = load_any(path, on_file=read)
        except FrameworkInvalid as invalid:
            problems.extend(invalid.problems)
            continue
        if not path.endswith((".yaml", ".yml")):
            for line in imported.notes.mapped:
                print(f"mapped: {line}")
            for line in imported.notes.not_mapped:
                print(f"not mapped: {line}")
        loaded[imported.framework.name] = (path, imported.framework)
    frameworks = [framework for _, framework in loaded.values()]
    sources = {name: path for name, (path, _) in loaded.items()}
    problems.extend(check_lattice(frameworks, known=shipped(), sources=sources))
    return frameworks, problems


def validate_files(args: argparse.Namespace) -> int:
    frameworks, problems = _load(args.paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return 1
    for framework in frameworks:
        print(f"ok: {_describe(framework)}")
    return 0


def import_file(args: argparse.Namespace) -> int:
    frameworks, problems = _load([args.path])
    for problem in problems:
        print(problem)
    if problems:
        print("nothing imported")
        return 1
    (framework,) = frameworks
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            team_id = workspace(session, settings, args.team)
            result = import_framework(
                session, team_id=team_id, framework=framework, source=str(Path(args.path)), now=utcnow()
            )
    finally:
        db.dispose()
    stored = result.stored
    if not result.changed:
        print(f"unchanged: {framework.name} is already revision {stored.revision} for {team_id}")
    else:
        print(f"imported {_describe(framework)} as revision {stored.revision} for {team_id}")
    return 0


def list_frameworks(args: argparse.Namespace) -> int:
    print("Shipped with Trellis:")
    for framework in shipped():
        print(f"  {_describe(framework)}")
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            teams = workspace_ids(session)
            if not teams:
                teams = _token_workspace(session, settings)
            for team_id in teams:
                _print_history(team_id, history(session, team_id=team_id))
    finally:
        db.dispose()
    return 0


def _token_workspace(session: Session, settings: Settings) -> list[str]:
    """Before anyone used Trellis: the bot token's workspace, if Slack can say which (else none)."""
    try:
        own = token_workspace(settings)
    except SlackUnavailable as error:
        print(f"(the bot token's workspace is not known: {error})")
        return []
    if own is None:
        return []
    ensure_workspace(session, team_id=own[0], enterprise_id=own[1], now=utcnow())
    return [own[0]]


def _print_history(team_id: str, rows: list[FrameworkVersion]) -> None:
    if not rows:
        print(f"Workspace {team_id}: none imported yet (it uses the shipped ones)")
        return
    print(f"Workspace {team_id}:")
    latest = {row.name: row.revision for row in rows}
    for row in rows:
        mark = "  (current)" if latest[row.name] == row.revision else ""
        when = row.imported_at.strftime("%Y-%m-%d %H:%M UTC")
        print(f"  {row.name} revision {row.revision}, version {row.version}, {when}, from {row.source}{mark}")


def show_feedback(args: argparse.Namespace) -> int:
    settings = Settings.load(Mode.OFFLINE)
    db = database(settings)
    try:
        with db.session() as session:
            teams = [workspace(session, settings, args.team)] if args.team else workspace_ids(session)
            for team_id in teams:
                items = flagged(session, team_id=team_id)
                print(
                    f"Workspace {team_id}: " + (f"{len(items)} expectation(s) flagged" if items else "nothing flagged")
                )
                for item in items:
                    print(f"  {item.framework} revision {item.revision} · {item.level_id} · {item.competency}")
                    print(f"    expects: {item.expectation}")
                    for when, comment in item.comments:
                        print(f"    - {when:%Y-%m-%d}: {' '.join(comment.split())}")
    finally:
        db.dispose()
    return 0


def _describe(framework: Framework) -> str:
    levels = sum(len(track.levels) for track in framework.tracks)
    ladders = ", ".join(f"{t.levels[0].id}-{t.levels[-1].id}" for t in framework.tracks if t.levels)
    return (
        f"{framework.name} version {framework.version}: {framework.title} "
        f"({levels} levels {ladders}, {len(framework.competencies)} competencies)"
    )
