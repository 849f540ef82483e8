"""Pictures: a self-assessment against what the target level expects, and a feedback round's answers beside it."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from growth.assessments import assessment
from growth.gaps import Delta

if TYPE_CHECKING:
    from growth.feedback.results import Summary as FeedbackSummary

YOU = "#2f5d50"
EXPECTED = "#c9d8d2"
GAP = "#e07a1f"


def gap_chart(delta: Delta, scale: tuple[str, ...], title: str) -> bytes:
    """A PNG: one row per competency, the expectation as a pale bar and the self-rating over it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.patches import Patch

    rows = list(reversed(delta.gaps))  # the framework's first competency at the top
    height = 1.2 + 0.55 * len(rows)
    figure, axes = pyplot.subplots(figsize=(8, height), dpi=110)
    try:
        names, expected = [gap.competency.name for gap in rows], [gap.expected for gap in rows]
        _against_expectation(axes, names, expected, [gap.rated for gap in rows], scale)
        axes.set_title(title, fontsize=11, loc="left")
        axes.legend(
            handles=[
                Patch(color=EXPECTED, label="what the target level expects"),
                Patch(color=YOU, label="you: meets it"),
                Patch(color=GAP, label="you: a gap"),
            ],
            loc="lower right",
            fontsize=7,
            frameon=False,
        )
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)


def _against_expectation(
    axes: Any, names: list[str], expected: list[int], rated: list[int | None], scale: tuple[str, ...], size: int = 9
) -> None:
    """One row per competency: what the level expects as a pale bar, the self-rating over it (orange when short)."""
    positions = range(len(names))
    axes.barh(positions, expected, height=0.7, color=EXPECTED, zorder=1)
    shades = [GAP if r is not None and r < e else YOU for r, e in zip(rated, expected, strict=True)]
    axes.barh(positions, [r or 0 for r in rated], height=0.34, color=shades, zorder=2)
    axes.set_yticks(list(positions), ["\n".join(textwrap.wrap(name, 24)) for name in names], fontsize=size)
    axes.set_xticks(range(1, len(scale) + 1), [label.capitalize() for label in scale], fontsize=size - 1)
    axes.set_xlim(0, len(scale) + 0.2)
    axes.grid(axis="x", color="#dddddd", zorder=0)
    axes.spines[["top", "right"]].set_visible(False)


def alt_text(delta: Delta, level_id: str) -> str:
    """What a screen reader says instead of the picture."""
    parts = [
        f"{gap.competency.name}: gap {gap.delta}" if gap.delta else f"{gap.competency.name}: met" for gap in delta.gaps
    ]
    return f"Self-assessment against {level_id}. " + "; ".join(parts)


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    alt_txt: str
    png: bytes
    user_id: str


def assessment_chart(session: Session, *, team_id: str, assessment_id: int) -> Chart | None:
    """The chart of one stored assessment, drawn against the framework version it used."""
    found = assessment(session, team_id=team_id, assessment_id=assessment_id)
    if found is None:
        return None
    recorded, person = found
    framework = recorded.stored.framework
    level = framework.level(recorded.delta.target_level)
    level_name = f"{level.id} · {level.title}" if level else recorded.delta.target_level
    who = person.display_name or "You"
    title = f"{who} against {level_name}"
    png = gap_chart(recorded.delta, framework.scale, title)
    filename = f"gaps-{recorded.delta.target_level}-{recorded.assessment_id}.png"
    return Chart(filename, title, alt_text(recorded.delta, recorded.delta.target_level), png, person.slack_user_id)


CHOICE_COLOURS = ("#2f5d50", "#8fb8a8", "#e07a1f", "#cccccc")  # consistently, sometimes, not yet, not seen


def feedback_chart(made: FeedbackSummary) -> Chart | None:
    """A PNG of a round's results: per competency the spread of answers, beside the latest self-assessment
    against what the level expects. None when nothing may be shown (anonymous, too few answers)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    from growth.feedback.rules import CHOICE_WORDS, Choice

    rows = [result for result in reversed(made.competencies) if result.spread is not None]
    if not made.released or not rows:
        return None
    with_self = any(result.self_rated is not None for result in rows)
    height = 1.4 + 0.55 * len(rows)
    figure, axes = pyplot.subplots(
        1, 2 if with_self else 1, figsize=(10 if with_self else 8, height), dpi=110, squeeze=False, sharey=True
    )
    try:
        spread, positions = axes[0][0], range(len(rows))
        left = [0.0] * len(rows)
        for choice, colour in zip(Choice, CHOICE_COLOURS, strict=True):
            counts = [float((result.spread or {}).get(choice, 0)) for result in rows]
            spread.barh(positions, counts, left=left, color=colour, label=CHOICE_WORDS[choice], height=0.6)
            left = [a + b for a, b in zip(left, counts, strict=True)]
        spread.set_yticks(list(positions), ["\n".join(textwrap.wrap(result.name, 24)) for result in rows])
        spread.set_xlabel("answers", fontsize=8)
        spread.spines[["top", "right"]].set_visible(False)
        spread.legend(loc="lower right", fontsize=7, frameon=False)
        spread.set_title(f"Feedback against {made.level.id}", fontsize=11, loc="left")
        if with_self:
            own = axes[0][1]
            scale = made.framework.scale
            own.barh(positions, [r.expected or 0 for r in rows], height=0.6, color=EXPECTED, label="what it expects")
            own.barh(positions, [r.self_rated or 0 for r in rows], height=0.3, color=YOU, label="self-assessment")
            own.set_xticks(range(1, len(scale) + 1), [label.capitalize() for label in scale], fontsize=7)
            own.set_xlim(0, len(scale) + 0.2)
            own.spines[["top", "right"]].set_visible(False)
            own.legend(loc="lower right", fontsize=7, frameon=False)
            own.set_title("Beside the self-assessment", fontsize=11, loc="left")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        pyplot.close(figure)
    described = "; ".join(
        f"{result.name}: " + ", ".join(f"{CHOICE_WORDS[c].lower()} {n}" for c, n in (result.spread or {}).items())
        for result in reversed(rows)
    )
    who = made.person.display_name or "You"
    return Chart(
        f"feedback-{made.level.id}-{made.round.id}.png",
        f"{who}: feedback against {made.level.id}",
        f"Feedback against {made.level.id}. {described}",
        buffer.getvalue(),
        made.person.slack_user_id,
    )


def _png(figure: Any) -> bytes:
    from matplotlib import pyplot

    try:
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)


def _pyplot() -> Any:
    """pyplot on the Agg backend: no display, and imported only when a picture is drawn."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


@dataclass(frozen=True)
class Standing:
    """One competency of a packet's chart: what the target expects, the self-rating, the peers' answers."""

    name: str
    expected: int
    rated: int | None
    feedback: dict[str, int]  # Choice value -> answers; empty without feedback that may be shown


def standing_chart(rows: list[Standing], scale: tuple[str, ...], title: str) -> bytes:
    """The packet's one chart: per competency the expectation and the self-rating on the framework's scale
    and, once feedback exists, beside it how consistently the others see it (as shares of their answers)."""
    from matplotlib.patches import Patch

    from growth.feedback.rules import CHOICE_WORDS, Choice

    pyplot = _pyplot()
    ordered = list(reversed(rows))  # the framework's first competency at the top
    with_feedback = any(row.feedback for row in ordered)
    height = 1.0 + 0.27 * len(ordered)
    figure, axes = pyplot.subplots(
        1, 2 if with_feedback else 1, figsize=(9, height), dpi=130, squeeze=False, sharey=True
    )
    positions = range(len(ordered))
    own = axes[0][0]
    names, expected = [row.name for row in ordered], [row.expected for row in ordered]
    _against_expectation(own, names, expected, [row.rated for row in ordered], scale, 8)
    own.legend(
        handles=[
            Patch(color=EXPECTED, label="what the target expects"),
            Patch(color=YOU, label="self: meets it"),
            Patch(color=GAP, label="self: a gap"),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=3,
        fontsize=6.5,
        frameon=False,
        title=title,
        title_fontsize=8.5,
        alignment="left",
    )
    if with_feedback:
        seen = axes[0][1]
        left = [0.0] * len(ordered)
        for choice, colour in zip(Choice, CHOICE_COLOURS, strict=True):
            shares = []
            for row in ordered:
                total = sum(row.feedback.values())
                shares.append(row.feedback.get(choice.value, 0) / total if total else 0.0)
            seen.barh(positions, shares, left=left, color=colour, label=CHOICE_WORDS[choice], height=0.6)
            left = [a + b for a, b in zip(left, shares, strict=True)]
        seen.set_xlim(0, 1)
        seen.set_xticks([0, 0.5, 1], ["0", "half", "all"], fontsize=7)
        seen.spines[["top", "right"]].set_visible(False)
        seen.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncol=4,
            fontsize=6.5,
            frameon=False,
            title="Feedback: operates at it…",
            title_fontsize=8.5,
            alignment="left",
        )
    return _png(figure)


def standing_alt(rows: list[Standing], scale: tuple[str, ...], level_id: str) -> str:
    """The chart in words, for a screen reader and for the Markdown packet."""
    parts = []
    for row in rows:
        said = f"{row.name}: {level_id} expects {scale[row.expected - 1]}"
        if row.rated is not None:
            said += f", self-assessed {scale[row.rated - 1]}"
        if row.feedback:
            counts = (f"{n} {choice.replace('_', ' ')}" for choice, n in row.feedback.items() if n)
            said += ", feedback " + ", ".join(counts)
        parts.append(said)
    return f"Against {level_id}. " + "; ".join(parts)


def readiness_strip(rows: list[tuple[str, tuple[int, ...]]], weeks: list[str], title: str) -> bytes:
    """A heat strip: one row per competency, one cell per week of the window, darker for more wins."""
    from matplotlib.colors import ListedColormap

    pyplot = _pyplot()
    height = 0.9 + 0.32 * len(rows)
    figure, axes = pyplot.subplots(figsize=(7.5, height), dpi=120)
    colours = ListedColormap(["#eeeeee", "#c9d8d2", "#7fa89a", YOU])
    cells = [[min(count, 3) for count in counts] for _, counts in rows]
    axes.imshow(cells, cmap=colours, vmin=0, vmax=3, aspect="auto")
    axes.set_yticks(range(len(rows)), [textwrap.shorten(name, 30) for name, _ in rows], fontsize=8)
    axes.set_xticks(range(len(weeks)), weeks, fontsize=6, rotation=0)
    axes.set_xticks([x - 0.5 for x in range(1, len(weeks))], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
    axes.grid(which="minor", color="white", linewidth=2)
    axes.tick_params(which="both", length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(title, fontsize=10, loc="left")
    return _png(figure)


def gap_trend(points: list[tuple[str, int, dict[str, int]]], title: str) -> bytes:
    """The gap across assessments: the total, and each competency that had a gap, oldest first."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(7.5, 2.8), dpi=120)
    labels = [label for label, _, _ in points]
    axes.plot(labels, [total for _, total, _ in points], color=YOU, linewidth=2.5, marker="o", label="total gap")
    named = sorted({name for _, _, gaps in points for name, gap in gaps.items() if gap})
    for name in named[:6]:
        axes.plot(labels, [gaps.get(name, 0) for _, _, gaps in points], linewidth=1, marker=".", label=name)
    axes.set_ylim(bottom=0)
    axes.set_ylabel("steps short", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    axes.set_title(title, fontsize=10, loc="left")
    return _png(figure)
