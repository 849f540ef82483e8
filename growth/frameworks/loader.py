"""Reading a framework from YAML and reporting every problem at once, each with file, line and field."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from growth.frameworks.model import Framework
from growth.frameworks.problems import FrameworkInvalid, Problem, Reader
from growth.frameworks.validation import Validator

__all__ = ["MAX_BYTES", "FrameworkInvalid", "Problem", "check_lattice", "from_data", "load_file", "parse"]

MAX_BYTES = 1_000_000


def load_file(path: str | Path) -> Framework:
    """Read and validate one framework file; raises FrameworkInvalid with every problem found."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise FrameworkInvalid([Problem(name, None, "", f"cannot be read ({error.strerror})")]) from None
    if size > MAX_BYTES:
        message = f"is {size / 1_000_000:.1f} MB; a framework file is at most {MAX_BYTES // 1_000_000} MB"
        raise FrameworkInvalid([Problem(name, None, "", message)])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FrameworkInvalid([Problem(name, None, "", "is not UTF-8 text")]) from None
    return parse(text, source=name)


def parse(text: str, *, source: str = "<framework>") -> Framework:
    if len(text.encode()) > MAX_BYTES:
        raise FrameworkInvalid([Problem(source, None, "", f"is larger than {MAX_BYTES // 1_000_000} MB")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise FrameworkInvalid([_yaml_problem(source, text, error)]) from None
    except yaml.YAMLError as error:
        raise FrameworkInvalid([Problem(source, None, "", f"is not valid YAML ({error})")]) from None
    reader = Reader(source)
    data = reader.value(node, ()) if node is not None else None
    return _validate(reader, data)


def from_data(data: Any, *, source: str) -> Framework:
    """Validate a framework given as plain data (what an importer builds); problems carry no line."""
    return _validate(Reader(source), data)


def _validate(reader: Reader, data: Any) -> Framework:
    if not isinstance(data, dict) or not {"tracks", "competencies"} & set(data):
        reader.problem((), "is not a Trellis framework: expected a mapping with name, version, tracks, competencies")
        raise FrameworkInvalid(reader.problems)
    framework = Validator(reader).framework(data)
    if reader.problems or framework is None:
        raise FrameworkInvalid(reader.problems)
    return framework


def check_lattice(
    frameworks: Iterable[Framework], *, known: Iterable[Framework] = (), sources: dict[str, str] | None = None
) -> list[Problem]:
    """Links into other frameworks must name a level of one of `frameworks` or `known`."""
    checked = list(frameworks)
    every = {framework.name: framework for framework in (*known, *checked)}
    problems = []
    for framework in checked:
        for index, link in enumerate(framework.lattice):
            name, _, level_id = link.target.rpartition("/")
            target = every.get(name)
            if target is None:
                what = f"unknown framework {name!r}"
            elif target.level(level_id) is None:
                what = f"unknown level {level_id!r} in {name}"
            else:
                continue
            source = (sources or {}).get(framework.name, framework.name)
            problems.append(Problem(source, None, f"lattice[{index}].to", f"links to {what}"))
    return problems


def _yaml_problem(source: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    lines = text.splitlines()
    offending = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in offending or "'\\t'" in str(error.problem):
        return Problem(source, line, "", "tabs are not allowed for indentation in YAML; indent with spaces")
    return Problem(source, line, "", f"is not valid YAML: {error.problem}")
