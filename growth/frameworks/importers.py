"""Frameworks people already publish, read into Trellis frameworks, saying what was mapped and what was not.

Two sources besides Trellis's own YAML:
- the Markdown-with-YAML-front-matter layout of the public "progression framework" repositories: one
  file per discipline (front matter `title`, `levels: N`, `topics:` with per-level `criteria` and
  `exampleCriteria`), a folder per framework;
- a CSV with the columns `Path, Job title, Competency, Skill, Key behavior`, the interchange format
  performance-management suites export.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from growth.frameworks.loader import MAX_BYTES, FrameworkInvalid, Problem, from_data, load_file
from growth.frameworks.model import Framework, Group

CSV_COLUMNS = ("Path", "Job title", "Competency", "Skill", "Key behavior")
MAX_SCALE = 7
SENTENCE = 300
TRACK_ID_LIMIT = 24  # level ids are "<track>-<n>" and may be 32 characters


@dataclass
class Notes:
    """What an import says about itself: what it mapped, and what it could not."""

    mapped: list[str] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Imported:
    framework: Framework
    notes: Notes


FileRead = Callable[[Path, int], object]  # told of each file read, and how many there are in all


def load_any(path: str | Path, *, on_file: FileRead | None = None) -> Imported:
    """Read a Trellis YAML file, a progression-framework file or folder, or a CSV export."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".md":
        return import_progression(path, on_file=on_file)
    if path.suffix.lower() == ".csv":
        return import_csv(path)
    return Imported(load_file(path), Notes([f"{path}: a Trellis framework file, read as it is"]))


def slug(text: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:62] or "untitled"


def plain_title(text: str) -> str:
    """A title without the emoji or symbols some frameworks decorate it with."""
    return re.sub(r"^[^\w]+", "", text or "", flags=re.UNICODE).strip() or "Untitled"


def groups_for(count: int) -> list[str]:
    """Spread `count` ordered levels over junior, mid, senior, executive, never going down."""
    names = [group.value for group in Group]
    return [names[min(len(names) - 1, index * len(names) // count)] for index in range(count)]


def scale_for(count: int) -> tuple[list[str], list[int]]:
    """A scale of at most seven steps for `count` levels, and each level's step on it."""
    steps = min(count, MAX_SCALE)
    labels = [f"level {n}" for n in range(1, steps + 1)] if count <= MAX_SCALE else [f"step {n}" for n in range(1, 8)]
    return labels, [max(1, math.ceil((index + 1) * steps / count)) for index in range(count)]


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SENTENCE else text[: SENTENCE - 1].rstrip() + "…"


def _climb(
    level_ids: list[str], steps: list[int], said: list[list[str] | None]
) -> tuple[dict[str, dict[str, Any]], list[int]]:
    """Expectations up a ladder: the first sentence is the expectation, the rest its details. A level where
    nothing is said, above one where something was, carries that up; returns the indices carried."""
    expectations: dict[str, dict[str, Any]] = {}
    carried_at: list[int] = []
    carried: list[str] | None = None
    for index, level_id in enumerate(level_ids):
        sentences = said[index]
        if sentences is None and carried is not None:
            carried_at.append(index)
            sentences = carried
        if sentences is None:
            continue
        carried = sentences
        expectations[level_id] = {
            "mastery": steps[index],
            "expectation": _sentence(sentences[0]),
            "details": [_sentence(sentence) for sentence in sentences[1:]],
        }
    return expectations, carried_at


def _framework(
    name: str, title: str, levels: int, tracks: list[Any], competencies: list[Any], source: Path
) -> Framework:
    """The imported framework, through the same validator as Trellis YAML."""
    labels, _ = scale_for(levels)
    data = {
        "name": name,
        "title": title[:80],
        "version": "imported",
        "scale": labels,
        "tracks": tracks,
        "competencies": competencies,
    }
    return from_data(data, source=str(source))


def _read(path: Path, problems: list[Problem]) -> str | None:
    if path.stat().st_size > MAX_BYTES:
        problems.append(Problem(str(path), None, "", f"is larger than {MAX_BYTES // 1_000_000} MB"))
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), None, "", "is not UTF-8 text"))
        return None


# -- progression frameworks -------------------------------------------------------------------------


def import_progression(path: Path, *, on_file: FileRead | None = None) -> Imported:
    files = sorted(p for p in path.rglob("*.md")) if path.is_dir() else [path]
    name = slug(path.name if path.is_dir() else path.stem)
    problems: list[Problem] = []
    notes = Notes()
    tracks: list[dict[str, Any]] = []
    competencies: dict[str, dict[str, Any]] = {}
    for file in files:
        if on_file is not None:
            on_file(file, len(files))
        text = _read(file, problems)
        if text is None:
            continue
        front = _front_matter(text)
        if not isinstance(front, dict) or not isinstance(front.get("topics"), list):
            notes.not_mapped.append(f"{file}: no front matter with topics; skipped")
            continue
        track = _progression_track(file, front, competencies, notes)
        if track is not None:
            tracks.append(track)
    if problems:
        raise FrameworkInvalid(problems)
    if not tracks:
        raise FrameworkInvalid([Problem(str(path), None, "", "has no progression-framework file with topics")])
    title = plain_title(path.name).replace("-", " ").title() if path.is_dir() else tracks[0]["name"]
    longest = max(len(track["levels"]) for track in tracks)
    framework = _framework(name, title, longest, tracks, list(competencies.values()), path)
    notes.mapped.insert(0, f"{path}: {len(tracks)} track(s) from {len(files)} file(s); mastery = the level's step")
    return Imported(framework, notes)


def _front_matter(text: str) -> Any:
    match = re.match(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", text, flags=re.DOTALL)
    if match is None:
        return None
    try:
        return yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None


def _progression_track(
    file: Path, front: dict[str, Any], competencies: dict[str, dict[str, Any]], notes: Notes
) -> dict[str, Any] | None:
    track_id = slug(file.stem)[:TRACK_ID_LIMIT]
    declared = front.get("levels")
    found = {
        entry.get("level")
        for topic in front["topics"]
        if isinstance(topic, dict)
        for entry in topic.get("content") or []
        if isinstance(entry, dict)
    }
    numbers = sorted(n for n in found if isinstance(n, int) and n > 0)
    count = declared if isinstance(declared, int) and declared > 0 else (max(numbers) if numbers else 0)
    if count == 0:
        notes.not_mapped.append(f"{file}: no levels; skipped")
        return None
    title = plain_title(str(front.get("title") or file.stem)).removesuffix(" Framework").strip()
    level_ids = [f"{track_id}-{n}" for n in range(1, count + 1)]
    groups = groups_for(count)
    _, steps = scale_for(count)
    for topic in front["topics"]:
        if not isinstance(topic, dict) or not topic.get("name"):
            notes.not_mapped.append(f"{file}: a topic without a name; skipped")
            continue
        _progression_topic(file, topic, level_ids, steps, competencies, notes)
    notes.mapped.append(f"{file}: track {track_id!r} ({title}), levels {level_ids[0]} to {level_ids[-1]}")
    return {
        "id": track_id,
        "name": title,
        "levels": [
            {"id": level_id, "title": f"{title} {n}", "group": group}
            for n, (level_id, group) in enumerate(zip(level_ids, groups, strict=True), start=1)
        ],
    }


def _progression_topic(
    file: Path,
    topic: dict[str, Any],
    level_ids: list[str],
    steps: list[int],
    competencies: dict[str, dict[str, Any]],
    notes: Notes,
) -> None:
    by_level: dict[int, list[str]] = {}
    for entry in topic.get("content") or []:
        level = entry.get("level") if isinstance(entry, dict) else None
        if not isinstance(level, int) or not 1 <= level <= len(level_ids):
            notes.not_mapped.append(f"{file}: topic {topic['name']}: content for level {level!r}; skipped")
            continue
        criteria = [c for c in entry.get("criteria") or [] if isinstance(c, str) and c.strip()]
        for example in entry.get("exampleCriteria") or []:
            if isinstance(example, dict) and isinstance(example.get("criteria"), str):
                criteria.append(example["criteria"])
        if criteria:
            by_level.setdefault(level, []).extend(criteria)
    if not by_level:
        notes.not_mapped.append(f"{file}: topic {topic['name']} has no criteria; skipped")
        return
    competency_id = slug(str(topic["name"]))
    competency = competencies.setdefault(
        competency_id,
        {
            "id": competency_id,
            "name": plain_title(str(topic.get("title") or topic["name"])).replace("-", " ").capitalize()[:80],
            "description": f"From the {topic['name']} topic of the source framework.",
            "expectations": {},
        },
    )
    said = [by_level.get(number) for number in range(1, len(level_ids) + 1)]
    expectations, carried = _climb(level_ids, steps, said)
    competency["expectations"].update(expectations)
    for index in carried:
        notes.mapped.append(f"{file}: topic {topic['name']} has nothing at level {index + 1}; level {index} carried")


# -- CSV exports --------------------------------------------------------------------------------------


def import_csv(path: Path) -> Imported:
    problems: list[Problem] = []
    text = _read(path, problems)
    if text is None:
        raise FrameworkInvalid(problems)
    rows = list(csv.DictReader(text.splitlines()))
    header = [h.strip() for h in (csv.DictReader(text.splitlines()).fieldnames or [])]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        message = f"needs the columns {', '.join(CSV_COLUMNS)}; missing {', '.join(missing)}"
        raise FrameworkInvalid([Problem(str(path), 1, "", message)])
    notes = Notes(not_mapped=[f"{path}: column {h!r} is not used" for h in header if h not in CSV_COLUMNS])
    paths: dict[str, list[str]] = {}
    behaviours: dict[tuple[str, str, str], list[str]] = {}
    areas: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        values = {column: (row.get(column) or "").strip() for column in CSV_COLUMNS}
        skill = values["Skill"] or values["Competency"]
        if not values["Path"] or not values["Job title"] or not skill or not values["Key behavior"]:
            notes.not_mapped.append(f"{path}:{line}: needs a path, a job title, a skill and a key behavior; skipped")
            continue
        titles = paths.setdefault(values["Path"], [])
        if values["Job title"] not in titles:
            titles.append(values["Job title"])
        behaviours.setdefault((values["Path"], values["Job title"], skill), []).append(values["Key behavior"])
        areas.setdefault(skill, values["Competency"])
    if not paths:
        raise FrameworkInvalid([Problem(str(path), None, "", "has no complete row")])
    longest = max(len(titles) for titles in paths.values())
    tracks: list[dict[str, Any]] = []
    competencies: dict[str, dict[str, Any]] = {}
    used_ids: set[str] = set()
    for path_name, titles in paths.items():
        track_id = slug(path_name)[:TRACK_ID_LIMIT]
        _, steps = scale_for(len(titles))
        level_ids = [f"{track_id}-{n}" for n in range(1, len(titles) + 1)]
        tracks.append(
            {
                "id": track_id,
                "name": path_name[:80],
                "levels": [
                    {"id": level_id, "title": title[:80], "group": group}
                    for level_id, title, group in zip(level_ids, titles, groups_for(len(titles)), strict=True)
                ],
            }
        )
        notes.mapped.append(f"{path}: path {path_name!r} -> track {track_id!r}, {len(titles)} levels in file order")
        for skill in dict.fromkeys(s for (p, _, s) in behaviours if p == path_name):
            competency_id = slug(skill)
            competency = competencies.setdefault(
                competency_id,
                {
                    "id": competency_id,
                    "name": skill[:80],
                    "description": _sentence(f"{areas[skill]}: {skill}" if areas[skill] != skill else skill)[:200],
                    "expectations": {},
                },
            )
            used_ids.add(competency_id)
            said = [behaviours.get((path_name, title, skill)) for title in titles]
            expectations, carried = _climb(level_ids, steps, said)
            competency["expectations"].update(expectations)
            for index in carried:
                notes.mapped.append(f"{path}: {skill} has no behavior for {titles[index]}; the one before carried")
    title = plain_title(path.stem).replace("-", " ").replace("_", " ").title()
    framework = _framework(slug(path.stem), title, longest, tracks, list(competencies.values()), path)
    notes.mapped.insert(0, f"{path}: {len(rows)} rows, {len(tracks)} path(s), {len(used_ids)} skill(s)")
    return Imported(framework, notes)
