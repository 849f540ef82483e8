"""The framework as the rest of Trellis sees it: immutable, validated, with the questions it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Group(StrEnum):
    """How an organisation buckets titles; groups never go down as levels rise."""

    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    EXECUTIVE = "executive"


GROUP_ORDER = {group: rank for rank, group in enumerate(Group)}


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    group: Group
    track: str
    rank: int  # position in its track, from 0


@dataclass(frozen=True)
class Track:
    id: str
    name: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Expectation:
    mastery: int  # 1 .. len(framework.scale)
    text: str
    details: tuple[str, ...] = ()  # further criteria or examples, as imported frameworks often have


@dataclass(frozen=True)
class Competency:
    id: str
    name: str
    description: str
    expectations: dict[str, Expectation]  # by level id
    activities: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by level id
    function: str | None = None  # a function-specific competency names its function


@dataclass(frozen=True)
class LatticeLink:
    """A move off the ladder: `target` is "framework/LEVEL", possibly in another framework."""

    source: str  # level id in this framework
    target: str
    kind: str  # lateral or diagonal


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    version: str
    scale: tuple[str, ...]  # mastery labels, lowest first
    tracks: tuple[Track, ...]
    competencies: tuple[Competency, ...]
    lattice: tuple[LatticeLink, ...] = ()

    def level(self, level_id: str) -> Level | None:
        for track in self.tracks:
            for level in track.levels:
                if level.id == level_id:
                    return level
        return None

    def track(self, track_id: str) -> Track | None:
        return next((track for track in self.tracks if track.id == track_id), None)

    def expectations_at(self, level_id: str) -> list[tuple[Competency, Expectation]]:
        """What a level expects, competency by competency, in the framework's order."""
        return [(c, c.expectations[level_id]) for c in self.competencies if level_id in c.expectations]

    def next_level(self, level_id: str) -> Level | None:
        level = self.level(level_id)
        if level is None:
            return None
        track = self.track(level.track)
        assert track is not None
        return track.levels[level.rank + 1] if level.rank + 1 < len(track.levels) else None

    def ref(self, level_id: str) -> str:
        """The catalogue-wide name of one of this framework's levels."""
        return f"{self.name}/{level_id}"
