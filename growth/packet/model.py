"""What a promotion packet holds, in the order its reader meets it: the first page (who, where to, how
ready, the largest gaps, one chart), then per competency the evidence and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from growth.feedback import Choice, Said

SHOWN_PER_SECTION = 30  # wins a section lists in full, newest first; the rest are counted (the CSV has them all)
QUOTES_PER_SECTION = 12
STEADY_WEEKS = 7  # "consistently" means most of the READINESS_WEEKS


@dataclass(frozen=True)
class PacketWin:
    """A win as the packet shows it."""

    happened_on: date
    text: str
    what: str | None = None
    how: str | None = None
    why: str | None = None
    evidence_url: str | None = None
    logged_by: str | None = None  # the manager's name, when the manager logged it
    suggested: bool = False  # placed here by Trellis from its words; the person has not tagged it
    walked_away: bool = False  # the outcome of an ask the manager said to try out


@dataclass(frozen=True)
class WalkedAway:
    """An ask the manager said to try out: the decision, the person's recommendation, and how it went."""

    decision: str
    recommendation: str
    decided_on: date | None
    outcome: PacketWin | None  # the outcome, once logged (and visible to the reader)
    suggested: bool = False  # placed here by Trellis from its words


@dataclass(frozen=True)
class Readiness:
    """The App Home's rule: in how many of the last 12 weeks a win showed the competency."""

    weeks: int  # with tagged wins
    wins: int  # tagged wins, in all
    suggested_weeks: int = 0  # counting the suggested wins too
    suggested: int = 0  # wins placed here by suggestion
    per_week: tuple[int, ...] = ()  # tagged wins in each week of the window, oldest first

    @property
    def steady(self) -> bool:
        return self.weeks >= STEADY_WEEKS


@dataclass(frozen=True)
class Section:
    competency_id: str
    competency: str
    expectation: str
    expected: int  # the target level's mastery, on the framework's scale
    readiness: Readiness
    wins: list[PacketWin]  # newest first, at most SHOWN_PER_SECTION
    more: int = 0  # wins not listed
    asks: list[WalkedAway] = field(default_factory=list)
    quotes: list[Said] = field(default_factory=list)  # named, the manager's, and anonymous ones that may be shown
    self_rated: int | None = None  # the latest self-assessment against the target, if any
    feedback: dict[Choice, int] = field(default_factory=dict)  # peers' answers, from rounds that may be shown
    missing: list[str] = field(default_factory=list)  # what is missing, said plainly

    @property
    def gap(self) -> bool:
        """No evidence at all, tagged or suggested."""
        return not self.wins and not self.more and not self.asks


@dataclass(frozen=True)
class Gap:
    competency: str
    why: str  # "2 steps short by the self-assessment", "no evidence yet"


@dataclass(frozen=True)
class Objective:
    title: str
    competency: str
    status: str
    due: date | None


@dataclass(frozen=True)
class Packet:
    person: str
    made_on: date
    level: str | None  # "IC3 · Software Engineer III"; None when not set
    target: str | None
    target_id: str | None  # "IC4"
    framework: str | None  # title, version and revision
    missing_level: str | None  # what is missing for a packet against a level, said plainly
    scale: tuple[str, ...]  # the framework's mastery scale, lowest first
    sections: list[Section]
    gaps: list[Gap]  # the three largest
    assessed_on: date | None  # the self-assessment the gaps come from, if any
    other: list[PacketWin]  # wins that match no competency of the target, newest first
    other_more: int = 0
    other_asks: list[WalkedAway] = field(default_factory=list)
    roadmap: list[Objective] = field(default_factory=list)
    period: tuple[date, date] | None = None  # the first and the latest evidence shown
    wins_in_all: int = 0
    audience: str | None = None  # "Dev, Maya's confirmed manager: shared and public wins only"; None: their own

    @property
    def without_evidence(self) -> list[str]:
        return [section.competency for section in self.sections if section.gap]

    @property
    def charted(self) -> bool:
        """Something to draw against what the target expects: a self-assessment or feedback."""
        return any(section.self_rated is not None or section.feedback for section in self.sections)
