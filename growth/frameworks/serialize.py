"""A framework as JSON-ready data and back: how a version is kept in the database, exactly as imported."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from growth.frameworks.model import (
    Competency,
    Expectation,
    Framework,
    Group,
    LatticeLink,
    Level,
    Track,
)


def to_data(framework: Framework) -> dict[str, Any]:
    return asdict(framework)


def to_json(framework: Framework) -> str:
    return json.dumps(to_data(framework), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checksum(framework: Framework) -> str:
    return hashlib.sha256(to_json(framework).encode()).hexdigest()


def from_json(text: str) -> Framework:
    data = json.loads(text)
    tracks = tuple(
        Track(
            id=track["id"],
            name=track["name"],
            levels=tuple(
                Level(
                    id=level["id"],
                    title=level["title"],
                    group=Group(level["group"]),
                    track=level["track"],
                    rank=level["rank"],
                )
                for level in track["levels"]
            ),
        )
        for track in data["tracks"]
    )
    competencies = tuple(
        Competency(
            id=item["id"],
            name=item["name"],
            description=item["description"],
            expectations={
                k: Expectation(v["mastery"], v["text"], tuple(v.get("details", ())))
                for k, v in item["expectations"].items()
            },
            activities={k: tuple(v) for k, v in item["activities"].items()},
            function=item["function"],
        )
        for item in data["competencies"]
    )
    return Framework(
        name=data["name"],
        title=data["title"],
        version=data["version"],
        scale=tuple(data["scale"]),
        tracks=tracks,
        competencies=competencies,
        lattice=tuple(LatticeLink(**link) for link in data["lattice"]),
    )


def _expectation(value: dict[str, Any]) -> Expectation:
    return Expectation(value["mastery"], value["text"], tuple(value.get("details", ())))
