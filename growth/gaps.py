"""The competency delta: where a self-assessment stands against what the target level expects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from growth.frameworks.model import Competency, Framework

TOP = 3


@dataclass(frozen=True)
class Gap:
    competency: Competency
    expected: int  # the target level's mastery
    rated: int  # where the person put themselves, on the same scale
    order: int  # the competency's position in the framework, for stable ties

    @property
    def delta(self) -> int:
        """How far below the expectation; never negative (meeting or exceeding it is no gap)."""
        return max(0, self.expected - self.rated)


@dataclass(frozen=True)
class Delta:
    target_level: str
    gaps: tuple[Gap, ...]  # every competency of the target level, in framework order

    @property
    def largest(self) -> tuple[Gap, ...]:
        """The three largest gaps; ties keep the framework's order. Competencies already met never appear."""
        ranked = sorted((gap for gap in self.gaps if gap.delta > 0), key=lambda gap: (-gap.delta, gap.order))
        return tuple(ranked[:TOP])

    @property
    def total(self) -> int:
        return sum(gap.delta for gap in self.gaps)


def delta(framework: Framework, target_level: str, ratings: Mapping[str, int]) -> Delta:
    """Compare `ratings` (competency id -> scale step) with the target level's expectations.

    A competency the person did not rate counts as rated at the bottom of the scale.
    """
    gaps = tuple(
        Gap(competency, expectation.mastery, ratings.get(competency.id, 1), order)
        for order, (competency, expectation) in enumerate(framework.expectations_at(target_level))
    )
    return Delta(target_level, gaps)


def summary_line(delta: Delta, level_title: str) -> str:
    names = [gap.competency.name.lower() for gap in delta.largest]
    if not names:
        return f"You meet every expectation of {level_title} you rated. Time to gather the evidence."
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Your biggest gap{'s' if len(names) > 1 else ''} to {level_title}: {listed}."
