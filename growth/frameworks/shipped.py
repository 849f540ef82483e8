"""The frameworks that ship with Trellis, written for it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from growth.frameworks.loader import load_file
from growth.frameworks.model import Framework

FOLDER = Path(__file__).parent
NAMES = ("software-engineering", "engineering-management", "product-management")


def path_of(name: str) -> Path:
    return FOLDER / f"{name}.yaml"


@cache
def shipped() -> tuple[Framework, ...]:
    return tuple(load_file(path_of(name)) for name in NAMES)
