"""The frameworks a workspace uses, together: lattice moves may cross from one to another."""

from __future__ import annotations

from dataclasses import dataclass

from growth.frameworks.model import Framework, Level


@dataclass(frozen=True)
class Target:
    framework: Framework
    level: Level
    kind: str  # next, lateral or diagonal

    @property
    def ref(self) -> str:
        return self.framework.ref(self.level.id)


def split_ref(ref: str) -> tuple[str, str]:
    """ "framework/LEVEL" -> (framework, LEVEL)."""
    framework, _, level = ref.rpartition("/")
    return framework, level


class Catalogue:
    def __init__(self, frameworks: list[Framework]) -> None:
        self.frameworks = {framework.name: framework for framework in frameworks}

    def get(self, name: str) -> Framework | None:
        return self.frameworks.get(name)

    def resolve(self, ref: str) -> tuple[Framework, Level] | None:
        name, level_id = split_ref(ref)
        framework = self.frameworks.get(name)
        level = framework.level(level_id) if framework else None
        return (framework, level) if framework and level else None

    def targets_from(self, ref: str) -> list[Target]:
        """Where a person at `ref` can aim: the next rung of their track first, then lattice moves."""
        found = self.resolve(ref)
        if found is None:
            return []
        framework, level = found
        targets: list[Target] = []
        following = framework.next_level(level.id)
        if following is not None:
            targets.append(Target(framework, following, "next"))
        for link in framework.lattice:
            if link.source != level.id:
                continue
            resolved = self.resolve(link.target)
            if resolved is not None and all(t.ref != link.target for t in targets):
                targets.append(Target(resolved[0], resolved[1], link.kind))
        return targets
