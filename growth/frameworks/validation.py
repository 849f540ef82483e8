"""The rules a framework must follow (names, levels, expectations, the lattice), checked field by field
so that every problem is reported at once."""

from __future__ import annotations

import re
from typing import Any

from growth.frameworks.model import (
    GROUP_ORDER,
    Competency,
    Expectation,
    Framework,
    Group,
    LatticeLink,
    Level,
    Track,
)
from growth.frameworks.problems import Path_, Reader, dotted

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LEVEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
NAME_LIMIT = 80
DESCRIPTION_LIMIT = 200
EXPECTATION_LIMIT = 300
ACTIVITY_LIMIT = 300
LATTICE_KINDS = ("lateral", "diagonal")
TOP_LEVEL = ("name", "title", "version", "scale", "tracks", "competencies", "lattice", "description")


class Validator:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.problem = reader.problem
        self.declared: list[tuple[str, Path_, list[Any]]] = []  # (level id, path, competencies listed)

    def text(self, data: dict[str, Any], key: str, path: Path_, limit: int, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), "is missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem((*path, key), "should be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem((*path, key), "is empty")
        elif "\n" in text and limit <= DESCRIPTION_LIMIT:
            self.problem((*path, key), "should be one line")
        elif len(text) > limit:
            self.problem((*path, key), f"is {len(text)} characters; at most {limit}")
        return text

    def items(self, data: dict[str, Any], key: str, path: Path_, *, required: bool = True) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), "is missing")
            return []
        if not isinstance(value, list):
            self.problem((*path, key), "should be a list")
            return []
        if required and not value:
            self.problem((*path, key), "is empty")
        return value

    def mapping(self, value: Any, path: Path_) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, "should be a mapping")
            return None
        return value

    def unique(self, value: str, seen: dict[str, Path_], path: Path_, what: str) -> None:
        if value in seen:
            self.problem(path, f"{what} {value!r} is used twice (also at {dotted(seen[value])})")
        else:
            seen[value] = path

    def framework(self, data: dict[str, Any]) -> Framework | None:
        for key in data:
            if key not in TOP_LEVEL:
                self.problem((key,), f"is not a framework field (expected one of {', '.join(TOP_LEVEL)})")
        name = self.text(data, "name", (), 64)
        if name and not SLUG.match(name):
            self.problem(("name",), "should be lower-case letters, digits and dashes, like software-engineering")
        title = self.text(data, "title", (), NAME_LIMIT)
        version = self.text(data, "version", (), 32)
        scale = tuple(self._scale(data))
        tracks, levels = self._tracks(data)
        competencies = self._competencies(data, levels, tracks, len(scale))
        lattice = self._lattice(data, name, levels)
        self._declared(competencies)
        for level in levels.values():
            if not any(level.id in c.expectations for c in competencies):
                self.problem(self._level_path(level, tracks), f"level {level.id} expects no competency")
        if self.reader.problems:
            return None
        return Framework(name, title, version, scale, tracks, competencies, lattice)

    def _declared(self, competencies: tuple[Competency, ...]) -> None:
        """A level may list the competencies it requires; each must exist and say what it expects there."""
        by_id = {competency.id: competency for competency in competencies}
        for level_id, path, listed in self.declared:
            for index, competency_id in enumerate(listed):
                competency = by_id.get(str(competency_id))
                if competency is None:
                    self.problem((*path, index), f"level {level_id} lists unknown competency {competency_id!r}")
                elif level_id not in competency.expectations:
                    self.problem(
                        (*path, index),
                        f"level {level_id} requires competency {competency_id} but has no expectation for it",
                    )

    def _scale(self, data: dict[str, Any]) -> list[str]:
        labels = self.items(data, "scale", ())
        if labels and not 2 <= len(labels) <= 7:
            self.problem(("scale",), f"has {len(labels)} steps; use 2 to 7")
        result = []
        for index, label in enumerate(labels):
            if not isinstance(label, str) or not label.strip():
                self.problem(("scale", index), "should be a label such as proficient")
            else:
                result.append(label.strip())
        return result

    def _tracks(self, data: dict[str, Any]) -> tuple[tuple[Track, ...], dict[str, Level]]:
        tracks: list[Track] = []
        levels: dict[str, Level] = {}
        track_ids: dict[str, Path_] = {}
        level_ids: dict[str, Path_] = {}
        for t, raw in enumerate(self.items(data, "tracks", ())):
            path: Path_ = ("tracks", t)
            track = self.mapping(raw, path)
            if track is None:
                continue
            track_id = self.text(track, "id", path, 32)
            if track_id:
                self.unique(track_id, track_ids, (*path, "id"), "track id")
            name = self.text(track, "name", path, NAME_LIMIT)
            track_levels: list[Level] = []
            previous_group: Group | None = None
            for n, raw_level in enumerate(self.items(track, "levels", path)):
                level_path: Path_ = (*path, "levels", n)
                level = self.mapping(raw_level, level_path)
                if level is None:
                    continue
                level_id = self.text(level, "id", level_path, 32)
                if level_id and not LEVEL_ID.match(level_id):
                    self.problem((*level_path, "id"), "should be letters and digits, like IC3")
                if level_id:
                    self.unique(level_id, level_ids, (*level_path, "id"), "level id")
                title = self.text(level, "title", level_path, NAME_LIMIT)
                if "competencies" in level:
                    self.declared.append(
                        (
                            level_id,
                            (*level_path, "competencies"),
                            self.items(level, "competencies", level_path),
                        )
                    )
                group = self._group(level, level_path)
                if (
                    group is not None
                    and previous_group is not None
                    and GROUP_ORDER[group] < GROUP_ORDER[previous_group]
                ):
                    self.problem((*level_path, "group"), f"goes down from {previous_group} to {group}")
                previous_group = group or previous_group
                if level_id:  # kept even with a bad group (already reported), so later checks do not cascade
                    made = Level(level_id, title, group or previous_group or Group.JUNIOR, track_id, len(track_levels))
                    track_levels.append(made)
                    levels.setdefault(level_id, made)
            tracks.append(Track(track_id, name, tuple(track_levels)))
        return tuple(tracks), levels

    def _group(self, level: dict[str, Any], path: Path_) -> Group | None:
        raw = level.get("group")
        try:
            return Group(str(raw).strip().lower())
        except ValueError:
            groups = ", ".join(group.value for group in Group)
            self.problem(
                (*path, "group"),
                f"is {raw!r}; use one of {groups}" if raw else f"is missing; use one of {groups}",
            )
            return None

    def _competencies(
        self, data: dict[str, Any], levels: dict[str, Level], tracks: tuple[Track, ...], steps: int
    ) -> tuple[Competency, ...]:
        competencies: list[Competency] = []
        ids: dict[str, Path_] = {}
        for c, raw in enumerate(self.items(data, "competencies", ())):
            path: Path_ = ("competencies", c)
            item = self.mapping(raw, path)
            if item is None:
                continue
            competency_id = self.text(item, "id", path, 64)
            if competency_id and not SLUG.match(competency_id):
                self.problem((*path, "id"), "should be lower-case letters, digits and dashes")
            if competency_id:
                self.unique(competency_id, ids, (*path, "id"), "competency id")
            name = self.text(item, "name", path, NAME_LIMIT)
            description = self.text(item, "description", path, DESCRIPTION_LIMIT)
            function = self.text(item, "function", path, NAME_LIMIT, required=False) or None
            expectations = self._expectations(item, path, levels, steps)
            if not expectations and isinstance(item.get("expectations"), dict):
                self.problem((*path, "expectations"), "expects nothing at any level")
            activities = self._activities(item, path, levels)
            label = competency_id or f"#{c + 1}"
            self._line_up(label, expectations, path, tracks)
            competencies.append(Competency(competency_id, name, description, expectations, activities, function))
        return tuple(competencies)

    def _expectations(
        self, item: dict[str, Any], path: Path_, levels: dict[str, Level], steps: int
    ) -> dict[str, Expectation]:
        raw = item.get("expectations")
        result: dict[str, Expectation] = {}
        if raw is None:
            self.problem((*path, "expectations"), "is missing")
            return result
        mapping = self.mapping(raw, (*path, "expectations"))
        for level_id, value in (mapping or {}).items():
            where: Path_ = (*path, "expectations", level_id)
            if level_id not in levels:
                self.problem(where, f"names unknown level {level_id!r}")
                continue
            entry = self.mapping(value, where)
            if entry is None:
                continue
            mastery = entry.get("mastery")
            if isinstance(mastery, bool) or not isinstance(mastery, int) or not 1 <= mastery <= steps:
                self.problem((*where, "mastery"), f"is {mastery!r}; use a whole number from 1 to {steps} (the scale)")
                mastery = 0
            text = self.text(entry, "expectation", where, EXPECTATION_LIMIT)
            details = self._details(entry, where)
            result[level_id] = Expectation(mastery, text, details)
        return result

    def _details(self, entry: dict[str, Any], where: Path_) -> tuple[str, ...]:
        raw = entry.get("details")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, str) and item.strip() for item in raw):
            self.problem((*where, "details"), "should be a list of sentences")
            return ()
        for index, item in enumerate(raw):
            if len(item) > EXPECTATION_LIMIT:
                self.problem((*where, "details", index), f"is {len(item)} characters; at most {EXPECTATION_LIMIT}")
        return tuple(item.strip() for item in raw)

    def _activities(self, item: dict[str, Any], path: Path_, levels: dict[str, Level]) -> dict[str, tuple[str, ...]]:
        raw = item.get("activities")
        if raw is None:
            return {}
        result: dict[str, tuple[str, ...]] = {}
        for level_id, value in (self.mapping(raw, (*path, "activities")) or {}).items():
            where: Path_ = (*path, "activities", level_id)
            if level_id not in levels:
                self.problem(where, f"names unknown level {level_id!r}")
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                self.problem(where, "should be a list of concrete activities")
                continue
            for index, activity in enumerate(value):
                if len(activity) > ACTIVITY_LIMIT:
                    self.problem((*where, index), f"is {len(activity)} characters; at most {ACTIVITY_LIMIT}")
            result[level_id] = tuple(v.strip() for v in value)
        return result

    def _line_up(
        self, label: str, expectations: dict[str, Expectation], path: Path_, tracks: tuple[Track, ...]
    ) -> None:
        """Once a track's level expects a competency, every higher level expects it, at no lower mastery."""
        for track in tracks:
            first: str | None = None
            previous: tuple[str, int] | None = None
            for level in track.levels:
                expectation = expectations.get(level.id)
                if expectation is None:
                    if first is not None:
                        self.problem(
                            (*path, "expectations"),
                            f"level {level.id} has no expectation for competency {label}, "
                            f"which {first} and above require",
                        )
                    continue
                first = first or level.id
                if previous is not None and expectation.mastery and expectation.mastery < previous[1]:
                    self.problem(
                        (*path, "expectations", level.id, "mastery"),
                        f"falls from {previous[1]} at {previous[0]} to {expectation.mastery} at {level.id}",
                    )
                if expectation.mastery:
                    previous = (level.id, expectation.mastery)

    def _lattice(self, data: dict[str, Any], name: str, levels: dict[str, Level]) -> tuple[LatticeLink, ...]:
        links: list[LatticeLink] = []
        for index, raw in enumerate(self.items(data, "lattice", (), required=False)):
            path: Path_ = ("lattice", index)
            link = self.mapping(raw, path)
            if link is None:
                continue
            source = self.text(link, "from", path, 32)
            target = self.text(link, "to", path, 100)
            kind = self.text(link, "kind", path, 16)
            if source and source not in levels:
                self.problem((*path, "from"), f"names unknown level {source!r}")
            if kind and kind not in LATTICE_KINDS:
                self.problem((*path, "kind"), f"is {kind!r}; use lateral or diagonal")
            if target and "/" not in target:
                if target not in levels:
                    self.problem((*path, "to"), f"names unknown level {target!r}")
                target = f"{name}/{target}"
            elif target.startswith(f"{name}/") and target.split("/", 1)[1] not in levels:
                self.problem((*path, "to"), f"names unknown level {target!r}")
            links.append(LatticeLink(source, target, kind))
        return tuple(links)

    def _level_path(self, level: Level, tracks: tuple[Track, ...]) -> Path_:
        for t, track in enumerate(tracks):
            if level in track.levels:
                return ("tracks", t, "levels", level.rank)
        return ()
