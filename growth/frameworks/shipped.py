"""The frameworks that ship with Trellis, written for it, and the one TRELLIS_FRAMEWORK names."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from growth.frameworks.loader import FrameworkInvalid, check_lattice, load_file
from growth.frameworks.model import Framework

FOLDER = Path(__file__).parent
NAMES = ("software-engineering", "engineering-management", "product-management")


def path_of(name: str) -> Path:
    return FOLDER / f"{name}.yaml"


@cache
def shipped() -> tuple[Framework, ...]:
    return tuple(load_file(path_of(name)) for name in NAMES)


def defaults(setting: str) -> tuple[tuple[Framework, ...], str]:
    """The frameworks a new workspace starts with, and the name of the one new people start in.

    `setting` is TRELLIS_FRAMEWORK: a shipped framework's name, or the path of a framework file, which
    then joins the shipped ones. Raises FrameworkInvalid with every problem of that file.
    """
    if setting in NAMES:
        chosen = next(f for f in shipped() if f.name == setting)
        return (chosen, *(f for f in shipped() if f is not chosen)), setting
    framework = load_file(setting)
    problems = check_lattice([framework], known=shipped(), sources={framework.name: setting})
    if problems:
        raise FrameworkInvalid(problems)
    others = tuple(f for f in shipped() if f.name != framework.name)
    return (framework, *others), framework.name
